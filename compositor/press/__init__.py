"""Print-shop output: PDF/X-4 and X-1a, CMYK only, trim and bleed boxes, crop marks, padding."""
