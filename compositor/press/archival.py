"""PDF/A for pictures in CMYK: what their numbers mean on screen.

The screen edition's output intent is sRGB (PDF/A needs one; WeasyPrint's PDF/A
variants write it). A CMYK JPEG is embedded as it is, in DeviceCMYK, which PDF/A-2
allows under an RGB output intent only with a ``DefaultCMYK`` colour space in the
resources that paint it (ISO 19005-2 6.2.4.3). That colour space is the layout's
press profile: the CMYK the picture was made for. Only a build with such a picture
pays for this pass (pikepdf opens and saves the file).
"""

from __future__ import annotations

import io
from pathlib import Path

from compositor.model import Figure, Issue


def has_cmyk_pictures(issue: Issue) -> bool:
    from PIL import Image

    for article in issue.articles:
        for block in article.blocks:
            if isinstance(block, Figure) and block.path.suffix.lower() != ".svg":
                with Image.open(block.path) as picture:  # reads the header only
                    if picture.mode == "CMYK":
                        return True
    return False


def with_default_cmyk(pdf_bytes: bytes, profile: bytes) -> bytes:
    """``pdf_bytes`` with ``profile`` (CMYK ICC) as every page's DefaultCMYK; the /ID
    derives from the content, as the press file's does."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        icc = pdf.make_stream(profile, N=4)
        space = pikepdf.Array([pikepdf.Name.ICCBased, icc])
        for page in pdf.pages:
            resources = page.obj.Resources
            if "/ColorSpace" not in resources:
                resources.ColorSpace = pikepdf.Dictionary()
            resources.ColorSpace.DefaultCMYK = space
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
        return out.getvalue()


def press_profile(layout_profile: Path | None) -> bytes:
    from compositor.press.icc import load_output_profile

    return load_output_profile(layout_profile).data
