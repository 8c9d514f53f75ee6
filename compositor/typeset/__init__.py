"""Chinese line setting during layout: clreq break rules (``linebreak``) and the spacing,
compression and justification plan of each line (``spacing``). ``compositor.weasy`` calls them
while WeasyPrint lays out lines; text preparation before HTML is ``compositor.text``."""
