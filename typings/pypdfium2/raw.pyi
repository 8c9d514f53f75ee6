# pypdfium2.raw: ctypes bindings generated from PDFium's C headers (FPDFText_*, FS_RECTF,
# …). A C function's arguments and a struct's fields are what the headers say, which no
# stub can know: every name here is Any.
from typing import Any

def __getattr__(name: str) -> Any: ...
