"""Legacy plain-text issues → content folders (parse, write, run)."""
