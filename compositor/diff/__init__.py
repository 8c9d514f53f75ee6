"""Page diffs: rasterised pixel comparison, text-layer diffs, the review images."""
