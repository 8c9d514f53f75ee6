"""Output profiles: the CMYK ICC profile a press PDF declares as its printing condition.

The default is Ghostscript's "Artifex CMYK SWOP Profile" (a US web-offset condition,
not FOGRA39 or Japan Color) from the Debian package ``libgs-common``. It is installed
at set-up rather than shipped in this repository because Debian distributes
Ghostscript's ``iccprofiles/`` under the AGPL-3+, which an MIT repository should not
carry along (see README, "Sending to print"). A layout
can name the printer's own profile in ``layout.toml`` (``[press] icc_profile``), a build
can take the shop's with ``--profile``; a registered one (conditions.py) is declared by
its registered identifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from compositor.errors import LayoutError
from compositor.press.conditions import OutputCondition, output_condition

DEFAULT_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
DEFAULT_PROFILE_PACKAGE = "libgs-common"

# ICC.1 header: every profile starts with a 128-byte header; these are the fields we use.
HEADER_SIZE = 128
SIGNATURE = slice(36, 40)  # b"acsp" in every valid profile
DEVICE_CLASS = slice(12, 16)  # b"prtr" for an output (printer) profile
COLOUR_SPACE = slice(16, 20)  # b"CMYK", b"RGB ", b"GRAY", …
VERSION = slice(8, 10)


@dataclass(frozen=True)
class IccHeader:
    device_class: str  # "prtr", "mntr", "scnr", …
    colour_space: str  # "CMYK", "RGB", "GRAY", …
    version: str  # "2.1", "4.2", …


def read_icc_header(data: bytes) -> IccHeader | None:
    """The header fields of an ICC profile, or None if ``data`` is not one."""
    if len(data) < HEADER_SIZE or data[SIGNATURE] != b"acsp":
        return None
    major, minor = data[VERSION]
    return IccHeader(
        device_class=data[DEVICE_CLASS].decode("latin-1").strip(),
        colour_space=data[COLOUR_SPACE].decode("latin-1").strip(),
        version=f"{major}.{minor >> 4}",
    )


@dataclass(frozen=True)
class OutputProfile:
    """A CMYK output profile, read once per build."""

    path: Path
    data: bytes
    description: str  # the profile's own name, shown to the printer in the OutputIntent
    header: IccHeader

    @property
    def condition(self) -> OutputCondition:
        return output_condition(self.description)


def load_output_profile(path: Path | None, named_in: Path | None = None) -> OutputProfile:
    """Read and check the CMYK output profile at ``path`` (default: Ghostscript's).

    ``named_in`` is the manifest that named the profile, for error messages.
    """
    if path is None:
        if not DEFAULT_PROFILE.is_file():
            raise LayoutError(
                f"no CMYK output profile: install the Debian package {DEFAULT_PROFILE_PACKAGE} "
                "(bash .ci/setup does) or name one in layout.toml [press] icc_profile",
                DEFAULT_PROFILE,
            )
        path = DEFAULT_PROFILE
    where = named_in or path
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise LayoutError(f"cannot read the ICC profile {path}: {error.strerror}", where) from None
    header = read_icc_header(data)
    if header is None:
        raise LayoutError(f"{path} is not an ICC profile", where)
    if header.colour_space != "CMYK" or header.device_class != "prtr":
        raise LayoutError(
            f"{path} is a {header.colour_space} {header.device_class!r} profile; "
            "press output needs a CMYK output ('prtr') profile",
            where,
        )
    return OutputProfile(
        path=Path(path), data=data, description=profile_description(data), header=header
    )


def profile_description(data: bytes) -> str:
    """The profile's description tag ("ISO Coated v2 (ECI)", …) via LittleCMS."""
    import io

    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
    return ImageCms.getProfileDescription(profile).strip() or "CMYK output profile"
