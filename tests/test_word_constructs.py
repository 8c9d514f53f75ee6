"""Word contributions as they really arrive (issue 25): automatic lists, footnotes, text
boxes, picture sizes, captions, headers and comments.

Each .docx is made here with python-docx; what python-docx cannot author (numbering
definitions, footnotes, text boxes …) is added as the WordprocessingML Word writes. One
contribution mixes them all and is built into a copy of the sample issue; the PDF is
read back once for the whole module.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from conftest import ROOT, copy_mini, read_pdf, run_cli, squash
from docx.oxml import parse_xml

from compositor.content import read_issue
from compositor.importer.contribution import import_contribution

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

# A list definition as Word writes it: 一、 over （一） over 1. over ①, and a bullet list.
ABSTRACT_LISTS = (
    f"""
<w:abstractNum {W} w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:lvlText w:val="%3."/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/>
    <w:lvlText w:val="%4"/></w:lvl>
</w:abstractNum>
""",
    f"""
<w:abstractNum {W} w:abstractNumId="91">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>
    <w:lvlText w:val="\uf0b7"/></w:lvl>
</w:abstractNum>
""",
    f"""
<w:abstractNum {W} w:abstractNumId="92">
  <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="lowerLetter"/>
    <w:lvlText w:val="%1)"/></w:lvl>
</w:abstractNum>
""",
)
INSTANCES = (
    f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>',
    f'<w:num {W} w:numId="91"><w:abstractNumId w:val="91"/></w:num>',
    f'<w:num {W} w:numId="92"><w:abstractNumId w:val="92"/></w:num>',
)


def add_numbering(document) -> None:
    """The list definitions above, in the document's numbering part (abstract lists
    before the instances, as the schema orders them)."""
    numbering = document.part.numbering_part.element
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    for xml in ABSTRACT_LISTS:
        if first_num is None:
            numbering.append(parse_xml(xml))
        else:
            first_num.addprevious(parse_xml(xml))
    for xml in INSTANCES:
        numbering.append(parse_xml(xml))


def numbered(document, text: str, number_id: int, level: int = 0):
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{number_id}"/></w:numPr>')
    )
    return paragraph


LIST_ITEMS = (  # (text, numId, level) → the enumerator Word prints
    ("总体要求", 90, 0, "一、"),
    ("加快布局", 90, 1, "（一）"),
    ("建设孵化载体", 90, 2, "1."),
    ("中试基地", 90, 3, "①"),
    ("检测平台", 90, 3, "②"),
    ("5G基站", 90, 2, "2."),
    ("强化服务", 90, 1, "（二）"),
    ("重点任务", 90, 0, "二、"),
    ("落实责任", 90, 1, "（一）"),
)
BULLETS = ("政策宣讲", "企业走访")


def list_docx(path: Path) -> Path:
    document = docx.Document()
    add_numbering(document)
    document.add_paragraph("潍坊高新区部署全年工作", style="Title")
    document.add_paragraph("会议部署了以下工作：")
    for text, number_id, level, _ in LIST_ITEMS:
        numbered(document, text, number_id, level)
    document.add_paragraph("会后开展了两项活动：")
    for text in BULLETS:
        numbered(document, text, 91)
    document.add_paragraph("会议还明确了分工。")
    document.save(path)
    return path


def test_word_list_numbers_import_as_items_with_the_numbers_word_prints(tmp_path):
    folder = copy_mini(tmp_path)
    result = import_contribution(list_docx(tmp_path / "l.docx"), folder, "火炬在行动")
    article = read_issue(folder).articles[1]
    kinds = [block.kind for block in article.blocks]
    assert kinds == ["paragraph", "list", "paragraph", "list", "paragraph"]
    numbered_list, bullets = article.blocks[1], article.blocks[3]
    assert [(i.marker, i.text) for i in numbered_list.items] == [
        (marker, text) for text, _, _, marker in LIST_ITEMS
    ]
    assert [(i.marker, i.text) for i in bullets.items] == [("-", text) for text in BULLETS]
    written = result.article.read_text(encoding="utf-8")
    assert "一、总体要求\n（一）加快布局\n1.建设孵化载体\n①中试基地" in written
    assert "2. 5G基站" in written  # a space keeps the number off the text's own digit


def test_a_number_format_lists_cannot_print_is_written_as_decimal_and_reported(tmp_path):
    folder = copy_mini(tmp_path)
    document = docx.Document()
    add_numbering(document)
    document.add_paragraph("标题", style="Title")
    document.add_paragraph("正文。")
    numbered(document, "第一项", 92)
    numbered(document, "第二项", 92)
    source = tmp_path / "a.docx"
    document.save(source)
    result = import_contribution(source, folder, "火炬在行动")
    items = read_issue(folder).articles[1].blocks[1].items
    assert [(i.marker, i.text) for i in items] == [("3.", "第一项"), ("4.", "第二项")]
    assert "a.docx: paragraph 3: Word numbers this item 'c)'" in "\n".join(result.report())


def test_a_numbered_heading_keeps_its_number_and_a_single_item_is_a_paragraph(tmp_path):
    folder = copy_mini(tmp_path)
    document = docx.Document()
    add_numbering(document)
    document.add_paragraph("标题", style="Title")
    document.add_paragraph("正文。")
    heading = document.add_paragraph("总体情况", style="Heading 2")
    heading._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W}><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>')
    )
    document.add_paragraph("正文第二段。")
    numbered(document, "唯一一项。", 91)
    source = tmp_path / "h.docx"
    document.save(source)
    import_contribution(source, folder, "火炬在行动")
    blocks = read_issue(folder).articles[1].blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "正文。"),
        ("subhead", "一、总体情况"),
        ("paragraph", "正文第二段。"),
        ("paragraph", "-唯一一项。"),
    ]


# --- one contribution with everything, built into the sample issue -----------------------


def sample_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content" / "torch", tmp_path / "torch")
    return tmp_path / "torch" / "2022-17"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The mixed contribution imported into the sample issue and built: (report, PDF text)."""
    tmp_path = tmp_path_factory.mktemp("mixed")
    issue = sample_copy(tmp_path)
    source = list_docx(tmp_path / "供稿.docx")
    imported = run_cli("import", str(source), "--into", str(issue), "--section", "火炬在行动")
    assert imported.returncode == 0, imported.stderr
    pdf = tmp_path / "out.pdf"
    result = run_cli("build", str(issue), "-o", str(pdf))
    assert result.returncode == 0, result.stderr
    return imported.stdout + imported.stderr, read_pdf(pdf)


def test_every_list_item_prints_on_a_line_of_its_own_with_its_number(built):
    _, pdf = built
    lines = [squash(line) for page in pdf.pages for line in page.splitlines()]
    for text, _, _, marker in LIST_ITEMS:
        assert any(line.startswith(squash(marker + text)) for line in lines), marker + text
    for text in BULLETS:
        assert any(line.endswith(text) and len(line) <= len(text) + 2 for line in lines), text
