# WeasyPrint's cffi bindings of Pango, HarfBuzz and fontconfig: the seam calls a few C
# functions through them (compositor.weasy.fonts, linebreak, serialise).
from cffi import FFI, Lib

ffi: FFI
gobject: Lib
pango: Lib
pangoft2: Lib
pangoft: Lib
fontconfig: Lib
harfbuzz: Lib
harfbuzz_subset: Lib | None
FROM_UNITS: float
TO_UNITS: float
