"""The seam: every place compositor touches WeasyPrint, one module per concern."""
