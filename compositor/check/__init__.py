"""`compositor check`: every problem of an issue, without rendering, with positions."""
