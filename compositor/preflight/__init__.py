"""Checks on any PDF: Chinese typesetting (typography) and PDF/X (press)."""
