"""A paragraph breaks and spaces the same whatever inline markup it holds.

Text in a ``**…**`` emphasis or a note mark ① is a text box of its own in WeasyPrint,
and each box is broken separately: the end of a box is not the end of the paragraph
(no one-character-last-line rule there, no closing mark set half width there), and
the characters on either side of it still meet (避头尾, two marks compressed). So a
paragraph with such markup must print its characters on the same lines at the same x
positions as the same paragraph typed plain (黑体 and 宋体 Han advances are both 1 em).
"""

from __future__ import annotations

import pdfplumber
from conftest import copy_mini, run_cli

# 黑体 and 宋体 differ in ascent, so lines with emphasis may sit a fraction lower.
SAME_LINE = 2.0
SAME_X = 0.05
# WeasyPrint writes each glyph's letter-spacing as a whole number of thousandths of an
# em (draw_first_line: int(kerning)), so along a justified text run the glyphs drift
# left by up to that much each; a run that starts anew (after an emphasis) starts
# exact. Allowed on top of SAME_X: this many em per glyph before it on its line.
DRAWING_DRIFT = 1 / 1000

PARAGRAPH = (
    "会议要求，各地科技管理部门要按照《关于加快建设国家高新区的若干{意见》}（国发〔2020〕"
    "7号文）{a}的部署，把{创新驱动}发展战略落到实处，围绕产业链部署创新链，围绕{创新链}"
    "布局产业链，{加快培育发展新动能}，推动国家高新区在新时代实现更高质量发展，"
    "为建设科技强{b}国{作出}新的更大贡献，全面完成年度重点任务。"
)
NOTES = "\n\n[^a]: 注一。\n[^b]: 注二。\n"


def printed_lines(tmp_path, name: str, paragraph: str, notes: str = "") -> list[list]:
    """The paragraph's lines as printed: each a list of (character, x)."""
    folder = copy_mini(tmp_path / name)
    article = f'+++\nsection = "火炬在行动"\ntitle = "断行测试"\n+++\n\n{paragraph}\n{notes}'
    (folder / "01.md").write_text(article, encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    built = run_cli("build", str(folder), "-o", str(pdf))
    assert built.returncode == 0, built.stderr
    with pdfplumber.open(pdf) as document:
        chars = [c for page in document.pages for c in page.chars]
    lines: list[list] = []
    tops: list[float] = []
    for char in sorted(chars, key=lambda c: (c["page_number"], round(c["top"]), c["x0"])):
        key = char["page_number"] * 10000 + char["top"]
        if tops and abs(tops[-1] - key) < SAME_LINE:
            lines[-1].append((char["text"], char["x0"], char["size"]))
        else:
            tops.append(key)
            lines.append([(char["text"], char["x0"], char["size"])])
    text = [("".join(c for c, *_ in line), line) for line in lines]
    start = next(i for i, (line, _) in enumerate(text) if line.startswith("会议要求"))
    end = next(i for i, (line, _) in enumerate(text) if "年度重点任务。" in line)
    return [line for _, line in text[start : end + 1]]


def assert_same_lines(found: list[list], expected: list[list]) -> None:
    assert [texts(line) for line in found] == [texts(line) for line in expected]
    for line, reference in zip(found, expected, strict=True):
        for index, ((char, x, size), (_, x_expected, _)) in enumerate(
            zip(line, reference, strict=True)
        ):
            allowed = SAME_X + index * size * DRAWING_DRIFT
            assert abs(x - x_expected) <= allowed, (char, x, x_expected, texts(line))


def texts(line: list) -> str:
    return "".join(char for char, *_ in line)


def test_emphasis_breaks_and_spaces_a_paragraph_as_plain_text(tmp_path):
    plain = printed_lines(
        tmp_path,
        "plain",
        PARAGRAPH.replace("{a}", "").replace("{b}", "").replace("{", "").replace("}", ""),
    )
    emphasis = PARAGRAPH.replace("{a}", "").replace("{b}", "")
    emphasis = emphasis.replace("{", "**").replace("}", "**")
    emphasised = printed_lines(tmp_path, "emphasis", emphasis)
    lines = [texts(line) for line in plain]
    # The cases are where they are meant to be in the plain paragraph: 》（ compressed
    # across the emphasis' end, 创新链 ending a line, 国 alone at a line start before it.
    assert lines[1].endswith("创新链") and lines[3].startswith("国作出")
    assert_same_lines(emphasised, plain)


def test_a_note_mark_breaks_and_spaces_a_paragraph_as_a_typed_one(tmp_path):
    strip = PARAGRAPH.replace("{", "").replace("}", "")
    typed = printed_lines(tmp_path, "typed", strip.replace("a", "①", 1).replace("b", "②", 1))
    noted = printed_lines(
        tmp_path, "noted", strip.replace("a", "[^a]", 1).replace("b", "[^b]", 1), NOTES
    )
    lines = [texts(line) for line in typed]
    # ① right after a closing mark inside a line; ② after the one character of its
    # line that comes before it.
    assert "7号文）①的" in lines[1] and lines[3].startswith("强②国")
    assert_same_lines(noted, typed)
