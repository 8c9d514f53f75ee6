"""Our builds pass our own preflight (issue 23, point 6).

Built once per module: the figures issue (tests/data/figures: photos, a chart, tables)
and the mini issue with a 1600 × 1000 px photo at ``{width=120mm}``, once placed so that
it floats to the head of page 2 (it left page 2 0.4 line short, no reason recorded) and
once so that it ends page 2 (its caption is the page's last text). ``compositor
preflight`` must exit 0 on each, showing what the make-up did on purpose as information;
``--press`` must end with exactly one verdict. A PDF with real faults still fails.
"""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from conftest import DATA, run_cli
from generated_issue import paragraph
from PIL import Image
from test_preflight import write as write_faulty_pdf

from compositor.build import build_issue
from compositor.press.booklet import Booklet
from compositor.press.output import PressSettings

sys.path.insert(0, str(DATA / "figures"))
from make_images import make_images  # noqa: E402  (the figures issue draws its pictures)

PITCH = 18.375  # layouts/torch: the body's line pitch, pt
VERDICT_WORDS = ("PASS", "FAIL", "INCOMPLETE")
# Paragraphs before the photo: with 5 it floats to the head of page 2, with 14 it is
# the last thing on page 2 (found by building; both checked below from the PDF).
PHOTO_AT_HEAD, PHOTO_AT_FOOT = 5, 14


def photo_issue(root: Path, before: int, after: int = 10) -> Path:
    """The mini issue whose first article has ``before`` paragraphs, the photo, and
    ``after`` paragraphs."""
    shutil.copytree(DATA / "mini", root)
    issue = root / "2023-01"
    photo = Image.linear_gradient("L").resize((1600, 1000)).convert("RGB")
    photo.save(issue / "photo.jpg", quality=90)
    article = issue / "01.md"
    front = article.read_text(encoding="utf-8").split("+++\n\n")[0] + "+++\n\n"
    blocks = [paragraph(k, 3) for k in range(before + after)]
    blocks.insert(before, "![图1　会议现场](photo.jpg){width=120mm}")
    article.write_text(front + "\n\n".join(blocks) + "\n", encoding="utf-8")
    return issue


# Its justified lines end 0.25 pt either side of the measure's end (518.38 / 517.88 pt)
EDGES_PARAGRAPH = (
    "会议指出，2022年国家高新区实现营业收入超过48万亿元，同比增长5.2%，R&D经费支出占GDP"
    "比重达到4.6%。会议强调，要深入学习贯彻党的二十大精神，推动国家高新区高质量发展。"
)


def edges_issue(root: Path) -> Path:
    """The mini issue whose first article is EDGES_PARAGRAPH twelve times."""
    shutil.copytree(DATA / "mini", root)
    article = root / "2023-01" / "01.md"
    front = article.read_text(encoding="utf-8").split("+++\n\n")[0] + "+++\n\n"
    article.write_text(front + "\n\n".join([EDGES_PARAGRAPH] * 12) + "\n", encoding="utf-8")
    return root / "2023-01"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("ours")
    figures = root / "figures"
    shutil.copytree(DATA / "figures", figures)
    make_images(figures / "2023-02")
    head = photo_issue(root / "photo-head", PHOTO_AT_HEAD)
    foot = photo_issue(root / "photo-foot", PHOTO_AT_FOOT)
    return {
        "figures": build_issue(figures / "2023-02", root / "figures.pdf").path,
        "figures-press": build_issue(
            figures / "2023-02", root / "figures-press.pdf", press=PressSettings()
        ).path,
        "photo-head": build_issue(head, root / "photo-head.pdf").path,
        "photo-head-press": build_issue(
            head, root / "photo-head-press.pdf", press=PressSettings()
        ).path,
        "photo-foot": build_issue(foot, root / "photo-foot.pdf").path,
        "edges": build_issue(edges_issue(root / "edges"), root / "edges.pdf").path,
        "padded-press": build_issue(
            figures / "2023-02", root / "padded-press.pdf", press=PressSettings(), pad_to=4
        ).path,
        "booklet-press": build_issue(
            figures / "2023-02",
            root / "booklet-press.pdf",
            press=PressSettings(),
            booklet=Booklet(creep_mm=1.0),
        ).path,
    }


def images_by_page(path: Path) -> list[list[tuple[float, float]]]:
    with pdfplumber.open(path) as pdf:
        return [[(image["top"], image["bottom"]) for image in page.images] for page in pdf.pages]


def body_grid_offsets(path: Path) -> Counter:
    """(page, baseline mod the pitch) of every body glyph (10.5 pt Song) above the folio."""
    offsets: Counter = Counter()
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for char in page.chars:
                body = round(char["size"], 1) == 10.5 and char["fontname"].endswith("role-body")
                if body and char["top"] < page.height - 60:  # the folio sits below 780 pt
                    baseline = page.height - char["matrix"][5]
                    offsets[(number, round(baseline % PITCH, 1))] += 1
    return offsets


def verdicts(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith(VERDICT_WORDS)]


@pytest.mark.parametrize("name", ["figures", "photo-head", "photo-foot", "edges"])
def test_our_build_passes_our_preflight(built, name):
    result = run_cli("preflight", str(built[name]))
    assert result.returncode == 0, result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("clean"), result.stdout
    assert "no reason recorded" not in result.stdout
    assert "off-grid" not in result.stdout and "what to do:" not in result.stdout


def test_the_photo_cases_are_what_they_claim(built):
    """The fixtures' placements (the cases the tests below are about) hold."""
    head, foot = images_by_page(built["photo-head"]), images_by_page(built["photo-foot"])
    assert len(head) >= 3 and len(head[1]) == 1 and head[1][0][0] < 100  # page 2's head
    assert len(foot) >= 3 and len(foot[1]) == 1 and foot[1][0][1] > 700  # page 2's foot


def test_body_lines_after_a_figure_stay_on_the_grid(built):
    """The photo at page 2's head: the body lines below it share the grid of the pages
    without a figure (they were 4 mm, its bottom margin, off it) and page 2 ends on the
    same line as page 1 (it was 0.4 line short)."""
    offsets = body_grid_offsets(built["photo-head"])
    assert {offset for _, offset in offsets} == {offsets.most_common(1)[0][0][1]}, offsets
    assert {page for page, _ in offsets} >= {1, 2, 3}
    result = run_cli("preflight", str(built["photo-head"]))
    assert "bottoms: spread 0.0 pt" in result.stdout and "short pages 0" in result.stdout


def test_a_page_ending_in_a_figure_is_information(built):
    result = run_cli("preflight", str(built["photo-foot"]))
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    foot = [line for line in lines if "a figure ends the page" in line]
    assert len(foot) == 1 and foot[0].endswith("(info)"), result.stdout
    assert lines[lines.index(foot[0]) - 2] == "page 2:"
    assert "for information)" in lines[-1], result.stdout


def test_short_pages_with_a_reason_are_information(built):
    """The figures issue leaves pages short (a figure taller than the room left, a table
    at the foot): each is shown with the build's reason, and nothing fails."""
    result = run_cli("preflight", str(built["figures"]))
    short = [line for line in result.stdout.splitlines() if "above the other full pages" in line]
    assert short and all(line.endswith("(info)") for line in short), result.stdout
    assert any("a table ends the page" in line for line in short), result.stdout
    assert result.returncode == 0


@pytest.mark.parametrize("name", ["figures-press", "photo-head-press", "booklet-press"])
def test_press_preflight_gives_one_verdict(built, name):
    result = run_cli("preflight", "--press", str(built[name]))
    assert verdicts(result.stdout) == [result.stdout.rstrip().splitlines()[-1]], result.stdout
    assert verdicts(result.stdout)[0].startswith("PASS: 0 errors"), result.stdout
    assert result.returncode == 0, result.stdout


def test_a_faulty_pdf_still_fails_with_one_verdict_and_says_what_to_do(tmp_path):
    """test_preflight's PDF made without our typesetting: short lines, uncompressed
    pairs, an ASCII comma… and no PDF/X. One verdict, FAIL, and advice per rule."""
    faulty = write_faulty_pdf(tmp_path / "plain.pdf", typeset=False)
    result = run_cli("preflight", "--press", str(faulty))
    assert result.returncode == 1, result.stdout
    assert len(verdicts(result.stdout)) == 1, result.stdout
    last = result.stdout.rstrip().splitlines()[-1]
    assert last.startswith("FAIL") and "typesetting findings to fix" in last, result.stdout
    assert "what to do: type the full-width mark" in result.stdout  # the editor's to fix
    assert "what to do: fix it in the program that typeset the PDF" in result.stdout


def test_an_unexplained_short_page_in_our_build_fails(built, tmp_path):
    """The photo-foot build with its make-up record's reasons taken out: its short pages
    are then a fault of the build, and the report says so."""
    bare = tmp_path / "bare.pdf"
    with pikepdf.open(built["photo-foot"]) as pdf:
        pdf.docinfo["/CompositorMakeup"] = '{"pitch_pt": 18.375, "short": {}}'
        pdf.save(bare)
    result = run_cli("preflight", str(bare))
    assert result.returncode == 1, result.stdout
    assert "no reason recorded" in result.stdout
    assert "what to do: compositor set this, not the editor" in result.stdout


def test_a_booklet_is_checked_page_by_page(built):
    """Sheets of two pages side by side (and moved by creep) once gave dozens of short
    lines, and a FAIL under the press report's PASS: the typesetting preflight now cuts
    each sheet side at the spine and finds what it finds in the PDF of pages."""
    pages = run_cli("preflight", str(built["padded-press"])).stdout.splitlines()
    result = run_cli("preflight", str(built["booklet-press"]))
    sheets = result.stdout.splitlines()
    assert sheets[0].endswith("(8 pages on 4 booklet sheet sides)"), result.stdout
    assert pages[0].endswith("(8 pages)"), pages  # a booklet is laid out as --pad-to 4
    assert sheets[1:] == pages[1:]
    assert result.returncode == 0, result.stdout
