"""From the typeset issue to a PDF: the HTML (html) and WeasyPrint's PDF (pdf)."""
