"""The shipped fonts: character sets, cmap reading, the manifest and coverage, regeneration."""
