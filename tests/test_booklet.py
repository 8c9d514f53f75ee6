"""``--booklet`` (issue 16, point 2): pages 2-up on A3 sheets in saddle-stitch order.

Small numbered PDFs show the order for 4, 8, 12 and 13 pages; the sample is imposed
once through the CLI (screen and press) and each half-sheet is matched against the
pages of the same issue built with ``--pad-to 4``. Sheets are read back with
pdfplumber (text and positions) and pikepdf (boxes, fonts).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from conftest import run_cli, squash
from pikepdf import Name

from compositor.press.booklet import Booklet, BookletError, impose_booklet

POINTS_PER_MM = 72 / 25.4
A4 = (595.28, 841.89)
A3_LANDSCAPE = (2 * A4[0], A4[1])


def numbered(count: int, bleed: float = 0.0) -> bytes:
    """``count`` A4 pages, each showing its number; with a bleed, press-style boxes."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    for number in range(1, count + 1):
        page = pdf.add_blank_page(page_size=A4)
        page.obj.MediaBox = [-bleed, -bleed, A4[0] + bleed, A4[1] + bleed]
        if bleed:
            page.obj.TrimBox = [0, 0, *A4]
            page.obj.BleedBox = [-bleed, -bleed, A4[0] + bleed, A4[1] + bleed]
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        text = f"BT /F1 48 Tf 100 700 Td (p{number}) Tj ET"
        page.obj.Contents = pdf.make_stream(text.encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def halves(data: bytes) -> list[tuple[str, str]]:
    """(left text, right text) of every sheet side, and checks each side's geometry."""
    sides = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            width, height = page.width, page.height
            assert width > height  # landscape
            middle = page.bbox[0] + width / 2
            left = page.crop((page.bbox[0], page.bbox[1], middle, page.bbox[3]))
            right = page.crop((middle, page.bbox[1], page.bbox[2], page.bbox[3]))
            for char in page.chars:
                assert char["upright"], char  # no page turned on its side
            sides.append((left.extract_text().strip(), right.extract_text().strip()))
    return sides


def label(number: int, pages: int) -> str:
    return f"p{number}" if number <= pages else ""


@pytest.mark.parametrize("pages", [4, 8, 12])
def test_saddle_stitch_order(pages):
    sheets = impose_booklet(numbered(pages), Booklet())
    sides = halves(sheets)
    assert len(sides) == pages // 2
    expected = []
    for k in range(pages // 4):
        expected.append((f"p{pages - 2 * k}", f"p{2 * k + 1}"))
        expected.append((f"p{2 * k + 2}", f"p{pages - 2 * k - 1}"))
    assert sides == expected
    if pages == 12:  # spelled out, as the issue gives it
        assert sides == [
            ("p12", "p1"),
            ("p2", "p11"),
            ("p10", "p3"),
            ("p4", "p9"),
            ("p8", "p5"),
            ("p6", "p7"),
        ]
    with pikepdf.open(io.BytesIO(sheets)) as pdf:
        for page in pdf.pages:
            box = [float(v) for v in page.MediaBox]
            assert box[2] - box[0] == pytest.approx(A3_LANDSCAPE[0], abs=0.1)
            assert box[3] - box[1] == pytest.approx(A3_LANDSCAPE[1], abs=0.1)


def test_thirteen_pages_get_blanks_before_the_back_page():
    sides = halves(impose_booklet(numbered(13), Booklet()))
    # 16 pages: 1–12, three blanks, then page 13 (the back page) last.
    assert sides == [
        ("p13", "p1"),
        ("p2", ""),
        ("", "p3"),
        ("p4", ""),
        ("p12", "p5"),
        ("p6", "p11"),
        ("p10", "p7"),
        ("p8", "p9"),
    ]


def positions(data: bytes) -> list[tuple[float, float]]:
    """x of the first character on the left and on the right half of each sheet side."""
    found = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            middle = page.bbox[0] + page.width / 2
            left = min(c["x0"] for c in page.chars if c["x0"] < middle)
            right = min(c["x0"] for c in page.chars if c["x0"] >= middle)
            found.append((left, right))
    return found


def test_creep_moves_inner_pages_towards_the_spine():
    plain = positions(impose_booklet(numbered(12), Booklet()))
    crept = positions(impose_booklet(numbered(12), Booklet(creep_mm=1.5)))
    full = 1.5 * POINTS_PER_MM
    for side, ((left, right), (left_crept, right_crept)) in enumerate(
        zip(plain, crept, strict=True)
    ):
        sheet = side // 2  # 0 outermost … 2 innermost
        expected = full * sheet / 2
        assert left_crept - left == pytest.approx(expected, abs=0.05)  # rightwards
        assert right - right_crept == pytest.approx(expected, abs=0.05)  # leftwards


def test_press_sheets_keep_the_outer_bleed_and_get_crop_and_fold_marks():
    bleed = 3 * POINTS_PER_MM
    sheets = impose_booklet(numbered(4, bleed=bleed), Booklet(marks=True))
    with pikepdf.open(io.BytesIO(sheets)) as pdf:
        page = pdf.pages[0]
        trim = [float(v) for v in page.TrimBox]
        bleed_box = [float(v) for v in page.BleedBox]
        media = [float(v) for v in page.MediaBox]
        assert trim == pytest.approx([0, 0, *A3_LANDSCAPE], abs=0.01)
        assert bleed_box == pytest.approx(
            [-bleed, -bleed, 2 * A4[0] + bleed, A4[1] + bleed], abs=0.01
        )
        assert media[0] < bleed_box[0] - 5 * POINTS_PER_MM
        content = page.Contents.read_bytes().decode()
        # Crop marks: in line with the sheet's trim edges; a fold mark on the spine.
        assert content.count(" l S") == 8 + 2
        spine = f"{A4[0]:.4f}".rstrip("0")[:6]
        assert spine in content


def test_page_size_must_agree():
    pdf = pikepdf.open(io.BytesIO(numbered(4)))
    pdf.pages[2].obj.MediaBox = [0, 0, 300, 300]
    out = io.BytesIO()
    pdf.save(out)
    with pytest.raises(BookletError, match="one size"):
        impose_booklet(out.getvalue(), Booklet())


# --------------------------------------------------------------------- the sample


@pytest.fixture(scope="module")
def sample_builds(layout_builds) -> dict[str, Path]:
    """Each layout's sample (issue 26): its pages padded to 4, as sheets, as press sheets."""
    return {
        "pages": layout_builds["pad4"],
        "sheets": layout_builds["booklet"],
        "press": layout_builds["press-booklet"],
        "back_page": layout_builds.sample.back_page,
    }


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [(page.extract_text() or "").replace("\n", "") for page in pdf.pages]


def sheet_texts(path: Path) -> list[tuple[str, str]]:
    sides = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            x0, top, x1, bottom = page.bbox
            # The sheet's trim starts at PDF x = 0; pdfplumber's coordinates at the media.
            offset = -float(page.mediabox[0])
            middle = offset + A4[0]
            left = page.crop((x0, top, middle, bottom), strict=False)
            right = page.crop((middle, top, x1, bottom), strict=False)
            sides.append(
                tuple((half.extract_text() or "").replace("\n", "") for half in (left, right))
            )
    return sides


@pytest.mark.parametrize("build", ["sheets", "press"])
def test_the_sample_folds_into_page_order(sample_builds, build):
    pages = page_texts(sample_builds["pages"])
    assert len(pages) % 4 == 0
    count = len(pages)
    sides = sheet_texts(sample_builds[build])
    assert len(sides) == count // 2
    for k in range(count // 4):
        front, back = sides[2 * k], sides[2 * k + 1]
        assert front == (pages[count - 2 * k - 1], pages[2 * k]), k
        assert back == (pages[2 * k + 1], pages[count - 2 * k - 2]), k
    assert squash(sample_builds["back_page"]) in squash(
        sides[0][0]
    )  # the back page, 版记, outside left


def test_the_sample_sheets_embed_each_font_once(sample_builds):
    def font_programs(path: Path) -> int:
        with pikepdf.open(path) as pdf:
            return sum(
                1
                for obj in pdf.objects
                if isinstance(obj, pikepdf.Dictionary)
                and obj.get("/Type") == Name.FontDescriptor
                and any(key in obj for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            )

    assert font_programs(sample_builds["sheets"]) == font_programs(sample_builds["pages"])
    with pikepdf.open(sample_builds["sheets"]) as pdf:
        for page in pdf.pages:
            xobjects = page.Resources.XObject
            assert all(x.Subtype == Name.Form for x in xobjects.values())  # pages as forms
            for form in xobjects.values():
                # A blank page's form once kept /FlateDecode with no data (MuPDF warned).
                assert "/Filter" not in form or form.read_raw_bytes(), form.objgen


def test_press_sheets_pass_preflight(sample_builds):
    """Case 7 of issue 27: the pages on the sheets are checked, not the 2-up sheets."""
    result = run_cli("preflight", str(sample_builds["press"]), "--press")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "short-line" not in result.stdout
    report = result.stdout[result.stdout.index("Press preflight") :]
    assert "PASS: 0 errors" in report, report
    assert "420.0 × 297.0 mm, every page" in report  # the trim: A3 landscape


def test_press_sheets_have_an_identity_of_their_own(sample_builds, sample_x4):
    """Issue 27: the booklet is another file than the flat PDF/X-4 it is imposed from."""

    def identity(path: Path) -> tuple[str, ...]:
        with pikepdf.open(path) as pdf:
            xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
            ids = re.findall(r"<xmpMM:(?:DocumentID|InstanceID)>([^<]+)<", xmp)
            return (*ids, bytes(pdf.trailer.ID[0]).hex(), bytes(pdf.trailer.ID[1]).hex())

    sheets, flat = identity(sample_builds["press"]), identity(sample_x4)
    assert len(sheets) == len(flat) == 4
    assert all(s.startswith("uuid:") for s in sheets[:2])
    assert not set(sheets) & set(flat), (sheets, flat)
