"""`compositor diff` on real builds of the small test publication, edited in a temporary copy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from conftest import copy_mini, edit, run_cli, squash

from compositor.diff.pixels import compare_page_images

MM_PER_POINT = 25.4 / 72
SECOND_TITLE = "无锡高新区：构建新兴产业策源地"  # the article of 02.md, ending page 1
# (page 2 holds the colophon alone: it needs 5 lines, page 1 has 1 to spare)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the small test publication; returns its issue folder."""
    return copy_mini(tmp_path)


def build(issue: Path, output: Path) -> Path:
    result = run_cli("build", str(issue), "-o", str(output))
    assert result.returncode == 0, result.stderr
    return output


def diff_json(old: Path, new: Path, out: Path):
    result = run_cli("diff", str(old), str(new), "--out", str(out), "--json")
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def char_box_mm(pdf: Path, page: int, context: str, char: str) -> tuple[float, ...]:
    """Where pdfium puts ``char`` of ``context`` (found across line breaks): (left, top, right,
    bottom) in mm from the page's top-left corner."""
    document = pdfium.PdfDocument(pdf)
    try:
        height = document[page - 1].get_height()
        textpage = document[page - 1].get_textpage()
        printed = [(c, i) for i, c in enumerate(textpage.get_text_range()) if c not in "\r\n"]
        start = "".join(c for c, _ in printed).index(context)
        index = printed[start + context.index(char)][1]
        left, bottom, right, top = textpage.get_charbox(index)
    finally:
        document.close()
    return tuple(v * MM_PER_POINT for v in (left, height - top, right, height - bottom))


def changed_lines(unified_diff: str) -> tuple[str, str]:
    """The removed and the added text of a unified diff (line breaks may fall anywhere)."""
    lines = [line for line in unified_diff.splitlines() if not line.startswith(("---", "+++"))]
    removed = "".join(line[1:] for line in lines if line.startswith("-"))
    added = "".join(line[1:] for line in lines if line.startswith("+"))
    return removed, added


def test_identical_builds_exit_0_and_write_no_images(mini: Path, tmp_path: Path):
    first = build(mini, tmp_path / "first.pdf")
    second = build(mini, tmp_path / "second.pdf")
    status, report = diff_json(first, second, tmp_path / "diff")
    assert status == 0
    assert report["identical"] is True
    assert [page["status"] for page in report["pages"]] == ["identical", "identical"]
    assert not list((tmp_path / "diff").glob("*.png"))


def test_one_character_change_reports_its_page_region_and_article(mini: Path, tmp_path: Path):
    old = build(mini, tmp_path / "old.pdf")
    edit(mini / "02.md", "牢牢把握", "牢牢掌握")  # page 1 (page 2: the end and the colophon)
    new = build(mini, tmp_path / "new.pdf")

    status, report = diff_json(old, new, tmp_path / "diff")

    assert status == 1
    assert [page["status"] for page in report["pages"]] == ["changed", "identical"]
    page = report["pages"][0]
    assert page["articles"] == [SECOND_TITLE]
    removed, added = changed_lines(page["text_diff"])
    assert "把握" in squash(removed) and "掌握" in squash(added)
    # One region, on the changed character.
    [region] = page["regions_mm"]
    left, top, right, bottom = char_box_mm(new, 1, "牢牢掌握", "掌")
    assert left - 0.5 <= region["x"] and region["x"] + region["width"] <= right + 0.5
    assert top - 0.5 <= region["y"] and region["y"] + region["height"] <= bottom + 0.5
    assert Path(page["image"]) == tmp_path / "diff" / "page-01.png"
    assert [p.name for p in (tmp_path / "diff").glob("*.png")] == ["page-01.png"]
    index = (tmp_path / "diff" / "index.html").read_text(encoding="utf-8")
    assert 'href="page-01.png"' in index and 'href="page-02.png"' not in index


def test_text_report_names_the_page(mini: Path, tmp_path: Path):
    old = build(mini, tmp_path / "old.pdf")
    edit(mini / "01.md", "部署2023年重点任务", "部署2023年重要任务")
    new = build(mini, tmp_path / "new.pdf")
    result = run_cli("diff", str(old), str(new))
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("page 1: changed")
    assert "科技部火炬中心召开2023年工作会议" in result.stdout
    assert "2 pages: 1 identical, 1 changed" in result.stdout


def test_content_pushed_to_a_new_page_is_reported_added(mini: Path, tmp_path: Path):
    old_issue = tmp_path / "old-issue"
    shutil.copytree(mini.parent, old_issue)
    paragraph = "无锡高新区坚持创新驱动，推动产业集群发展，建设国家自主创新示范区。" * 60
    with (mini / "02.md").open("a", encoding="utf-8") as article:
        article.write(f"\n{paragraph}\n")

    # Issue folders are built by the command itself.
    status, report = diff_json(old_issue / "2023-01", mini, tmp_path / "diff")

    assert status == 1
    statuses = [page["status"] for page in report["pages"]]
    # page 1's spare line takes the new text's first line; page 2, the colophon's, fills up
    assert statuses[:3] == ["changed", "changed", "added"]
    assert set(statuses[2:]) == {"added"}
    assert report["pages"][2]["articles"] == [SECOND_TITLE]
    assert (tmp_path / "diff" / "page-03.png").is_file()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda pdf: pdf.unlink(), id="missing"),
        pytest.param(lambda pdf: pdf.write_bytes(b"%PDF-1.7\nnot really\n"), id="garbage"),
        pytest.param(lambda pdf: pdf.write_bytes(pdf.read_bytes()[:2000]), id="truncated"),
    ],
)
def test_unreadable_pdf_exits_2_naming_the_file(mini: Path, tmp_path: Path, damage):
    good = build(mini, tmp_path / "good.pdf")
    bad = build(mini, tmp_path / "bad.pdf")
    damage(bad)
    result = run_cli("diff", str(good), str(bad))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"error: {bad}: ")
    assert "Traceback" not in result.stderr


def page(marks: list[tuple[int, int, int, int]], shape=(400, 300)) -> np.ndarray:
    """A white page with black rectangles (top, left, bottom, right)."""
    image = np.full(shape, 255, dtype=np.uint8)
    for top, left, bottom, right in marks:
        image[top:bottom, left:right] = 0
    return image


def test_compare_tolerates_anti_aliasing_and_lone_pixels():
    glyph = page([(100, 100, 110, 104)])
    smoothed = glyph.copy()
    smoothed[99:111, 99] = 200  # a lighter edge, as another anti-aliasing would draw it
    smoothed[100:110, 103] = 40
    assert not compare_page_images(glyph, smoothed).changed
    speck = glyph.copy()
    speck[300, 200] = 0
    assert not compare_page_images(glyph, speck).changed
    moved = page([(100, 101, 110, 105)])
    assert compare_page_images(glyph, moved).changed


def test_compare_boxes_separate_changes_separately():
    old = page([(50, 40, 60, 50)])
    new = page([(50, 40, 60, 50), (200, 100, 210, 130), (350, 20, 352, 280)])
    result = compare_page_images(old, new)
    assert [(b.left, b.top, b.right, b.bottom) for b in result.boxes] == [
        (100, 200, 130, 210),
        (20, 350, 280, 352),
    ]
