"""Word contributions as they really arrive (issue 25): automatic lists (in table cells
too), footnotes, text boxes, picture sizes, captions, headers and comments.

Each .docx is made here with python-docx; what python-docx cannot author (numbering
definitions, footnotes, text boxes …) is added as the WordprocessingML Word writes. One
contribution mixes them all and is built into a copy of the sample issue; the PDF is
read back once for the whole module.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pdfplumber
import pytest
from conftest import ROOT, copy_mini, read_pdf, run_cli, squash
from docx.oxml import parse_xml
from docx.shared import Mm

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


def add_numbering(document, abstracts=ABSTRACT_LISTS, instances=INSTANCES) -> None:
    """The list definitions above (or those given), in the document's numbering part
    (abstract lists before the instances, as the schema orders them)."""
    numbering = document.part.numbering_part.element
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    for xml in abstracts:
        if first_num is None:
            numbering.append(parse_xml(xml))
        else:
            first_num.addprevious(parse_xml(xml))
    for xml in instances:
        numbering.append(parse_xml(xml))


def numbered(document, text: str, number_id: int, level: int = 0):
    """A paragraph of list ``number_id`` at ``level``; ``document`` may be a table cell."""
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


def add_lists(document) -> None:
    add_numbering(document)
    document.add_paragraph("会议部署了以下工作：")
    for text, number_id, level, _ in LIST_ITEMS:
        numbered(document, text, number_id, level)
    document.add_paragraph("会后开展了两项活动：")
    for text in BULLETS:
        numbered(document, text, 91)
    document.add_paragraph("会议还明确了分工。")


def list_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("潍坊高新区部署全年工作", style="Title")
    add_lists(document)
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


# --- footnotes, endnotes, text boxes -------------------------------------------------------

NOTES_CONTENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}s+xml"
NOTES_RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}s"


def add_notes(document, kind: str, texts: dict[int, str]) -> None:
    """footnotes.xml or endnotes.xml as Word writes it: the two separator notes, then ours,
    each starting with the run that prints its own number."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    notes = "".join(
        f'<w:{kind} w:id="{number}"><w:p><w:r><w:{kind}Ref/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:{kind}>'
        for number, text in texts.items()
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s {W}>'
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
        f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        f"<w:continuationSeparator/></w:r></w:p></w:{kind}>{notes}</w:{kind}s>"
    )
    part = Part(
        PackURI(f"/word/{kind}s.xml"),
        NOTES_CONTENT.format(kind=kind),
        xml.encode("utf-8"),
        document.part.package,
    )
    document.part.relate_to(part, NOTES_RELATION.format(kind=kind))


def refer(paragraph, kind: str, number: int, then: str = "") -> None:
    """A reference run, as Word puts it after the text it annotates."""
    paragraph._p.append(
        parse_xml(
            f'<w:r {W}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:{kind}Reference w:id="{number}"/></w:r>'
        )
    )
    if then:
        paragraph.add_run(then)


FOOTNOTE_1 = "国家高新区指经国务院批准建立的高新技术产业开发区。"
FOOTNOTE_2 = "数据来源：科技部火炬中心统计。"
ENDNOTE_1 = "本文根据会议材料整理。"
BOX_TEXT = "链接：潍坊高新区成立于1992年。"


def add_text_box(paragraph, text: str) -> None:
    paragraph._p.append(
        parse_xml(
            f'<w:r {W} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox>'
            f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
            f"</v:textbox></v:shape></w:pict></w:r>"
        )
    )


def add_noted_text(document) -> None:
    """Paragraphs with two footnotes, an endnote and a text box (the notes parts too)."""
    first = document.add_paragraph("潍坊国家高新区")
    refer(first, "footnote", 1, "今年以来加快发展。")
    second = document.add_paragraph("全年技术合同成交额增长12%")
    refer(second, "footnote", 2, "，")
    second.add_run("创新能力稳步提升")
    refer(second, "endnote", 1, "。")
    boxed = document.add_paragraph("园区持续优化营商环境。")
    add_text_box(boxed, BOX_TEXT)
    add_notes(document, "footnote", {1: FOOTNOTE_1, 2: FOOTNOTE_2})
    add_notes(document, "endnote", {1: ENDNOTE_1})


def notes_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("潍坊高新区创新发展综述", style="Title")
    add_noted_text(document)
    document.add_paragraph("（供稿：潍坊高新区）")
    document.save(path)
    return path


def test_footnotes_and_endnotes_become_the_articles_notes_marked_in_the_text(tmp_path):
    folder = copy_mini(tmp_path)
    result = import_contribution(notes_docx(tmp_path / "f.docx"), folder, "火炬在行动")
    written = result.article.read_text(encoding="utf-8")
    assert "潍坊国家高新区[^1]今年以来加快发展。" in written
    assert f"[^1]: {FOOTNOTE_1}\n[^2]: {FOOTNOTE_2}\n[^3]: {ENDNOTE_1}" in written
    article = read_issue(folder).articles[1]
    texts = [(block.kind, block.text) for block in article.blocks]
    assert texts == [
        ("paragraph", "潍坊国家高新区①今年以来加快发展。"),
        ("paragraph", "全年技术合同成交额增长12%②，创新能力稳步提升③。"),
        ("paragraph", "园区持续优化营商环境。"),
        ("paragraph", BOX_TEXT),
        ("notes", f"①{FOOTNOTE_1}②{FOOTNOTE_2}③{ENDNOTE_1}"),
    ]
    assert article.credit == "潍坊高新区"
    report = "\n".join(result.report())
    assert "f.docx: paragraph 4: a text box's text is imported after this paragraph" in report


# --- picture sizes ---------------------------------------------------------------------------


def picture(path: Path, pixels: tuple[int, int]) -> Path:
    from PIL import Image

    Image.radial_gradient("L").resize(pixels).convert("RGB").save(path, quality=90)
    return path


def add_pictures(document, tmp_path: Path) -> None:
    """A 400 px picture placed 100 mm wide, and a sharp one Word stretches past the text."""
    document.add_picture(str(picture(tmp_path / "small.jpg", (400, 300))), width=Mm(100))
    document.add_paragraph("图1　成果展现场")
    document.add_paragraph("展会吸引了众多观众。")
    document.add_picture(str(picture(tmp_path / "wide.jpg", (2400, 1200))), width=Mm(180))
    document.add_paragraph("图2  园区全景", style="Caption")


def test_a_picture_keeps_its_width_in_word_capped_at_the_measure_and_soft_ones_warn(tmp_path):
    folder = copy_mini(tmp_path)
    document = docx.Document()
    document.add_paragraph("标题", style="Title")
    document.add_paragraph("正文。")
    add_pictures(document, tmp_path)
    source = tmp_path / "p.docx"
    document.save(source)
    result = import_contribution(source, folder, "火炬在行动")
    figures = [b for b in read_issue(folder).articles[1].blocks if b.kind == "figure"]
    assert [figure.width for figure in figures] == ["100mm", ""]  # 180 mm > the text width
    report = "\n".join(result.report())
    assert "p.docx: picture 02-1.jpg prints at 102 ppi (400 pixels over 100 mm)" in report
    assert "02-2.jpg" not in report  # 2400 px over the 156 mm measure: 391 ppi


def test_captions_keep_their_separator_as_one_full_width_space(tmp_path):
    folder = copy_mini(tmp_path)
    document = docx.Document()
    document.add_paragraph("标题", style="Title")
    document.add_paragraph("正文。")
    add_pictures(document, tmp_path)
    document.add_paragraph("表1 主要指标")
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ("指标", "数量", "孵化器", "21"), strict=True):
        cell.text = text
    document.add_paragraph("图为推进会现场")  # no number: nothing to separate
    source = tmp_path / "c.docx"
    document.save(source)
    import_contribution(source, folder, "火炬在行动")
    blocks = read_issue(folder).articles[1].blocks
    captions = [b.caption for b in blocks if b.kind in ("figure", "table")]
    assert captions == ["图1\u3000成果展现场", "图2\u3000园区全景", "表1\u3000主要指标"]


# --- emphasis ------------------------------------------------------------------------------


def add_emphasis(document) -> None:
    """A bold phrase, a bold phrase in quotes (CommonMark cannot close it), an italic one."""
    paragraph = document.add_paragraph("会议强调，要把")
    paragraph.add_run("硬科技").bold = True
    paragraph.add_run("摆在突出位置，")
    paragraph.add_run("全年投入1,000万元").bold = True
    paragraph.add_run("。")
    quoted = document.add_paragraph("大力发展")
    quoted.add_run("“专精特新”").bold = True
    quoted.add_run("企业。")
    slanted = document.add_paragraph("这是")
    slanted.add_run("斜体文字").italic = True
    slanted.add_run("的一段。")


def test_bold_runs_become_emphasis_and_italics_print_upright_with_a_note(tmp_path):
    folder = copy_mini(tmp_path)
    document = docx.Document()
    document.add_paragraph("标题", style="Title")
    add_emphasis(document)
    source = tmp_path / "b.docx"
    document.save(source)
    result = import_contribution(source, folder, "火炬在行动")
    written = result.article.read_text(encoding="utf-8")
    assert "会议强调，要把**硬科技**摆在突出位置，**全年投入1,000万元**。" in written
    emphasised, quoted, slanted = read_issue(folder).articles[1].blocks
    assert [text for text, strong in emphasised.segments() if strong] == [
        "硬科技",
        "全年投入1,000万元",
    ]
    assert quoted.text == "大力发展“专精特新”企业。" and quoted.emphasis == ()
    assert slanted.text == "这是斜体文字的一段。" and slanted.emphasis == ()
    report = result.report()
    assert "b.docx: bold '“专精特新”' prints as the rest of its paragraph" in report
    assert "b.docx: paragraph 4: italic '斜体文字' prints upright" in report


def test_a_line_break_in_the_title_is_kept_as_the_titles_lines(tmp_path):
    folder = copy_mini(tmp_path)
    document = docx.Document()
    title = document.add_paragraph("潍坊高新区:", style="Title")
    title.runs[0].add_break()
    title.add_run("冲刺一流国家高新区")
    document.add_paragraph("正文。")
    source = tmp_path / "t.docx"
    document.save(source)
    result = import_contribution(source, folder, "火炬在行动")
    assert 'title = ["潍坊高新区：", "冲刺一流国家高新区"]' in result.article.read_text("utf-8")
    article = read_issue(folder).articles[1]
    assert article.title == "潍坊高新区：冲刺一流国家高新区"
    assert article.title_lines == ("潍坊高新区：", "冲刺一流国家高新区")


# --- nothing silently lost ---------------------------------------------------------------

COMMENT_TEXT = "请核实数据"
LINK = "http://www.chinatorch.gov.cn/"


def add_comments(document, texts: dict[int, str]) -> None:
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    comments = "".join(
        f'<w:comment w:id="{number}" w:author="审稿"><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
        f"</w:comment>"
        for number, text in texts.items()
    )
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments {W}>{comments}'
    part = Part(
        PackURI("/word/comments.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
        (xml + "</w:comments>").encode("utf-8"),
        document.part.package,
    )
    document.part.relate_to(
        part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
    )


def add_left_out(document) -> None:
    """What an office's file carries besides its text: header, footer, a comment, a page
    break, a link, a date field."""
    section = document.sections[0]
    section.header.paragraphs[0].text = "潍坊高新区管委会"
    section.footer.paragraphs[0].text = "内部资料 注意保存"
    commented = document.add_paragraph("技术合同成交额创历史新高。")
    commented._p.append(parse_xml(f'<w:r {W}><w:commentReference w:id="7"/></w:r>'))
    add_comments(document, {7: COMMENT_TEXT})
    broken = document.add_paragraph("园区服务持续升级。")
    broken._p.append(parse_xml(f'<w:r {W}><w:br w:type="page"/></w:r>'))
    rid = document.part.relate_to(
        LINK,
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
        is_external=True,
    )
    linked = document.add_paragraph("详见")
    linked._p.append(
        parse_xml(
            f'<w:hyperlink {W} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships" r:id="{rid}"><w:r><w:t>火炬中心网站</w:t></w:r></w:hyperlink>'
        )
    )
    linked.add_run("。")
    dated = document.add_paragraph("本文发布于")
    dated._p.append(
        parse_xml(
            f'<w:fldSimple {W} w:instr=" DATE \\@ &quot;yyyy年M月d日&quot; ">'
            f"<w:r><w:t>2022年10月18日</w:t></w:r></w:fldSimple>"
        )
    )
    dated.add_run("。")


def test_what_is_left_out_is_named_in_the_report(tmp_path):
    folder = copy_mini(tmp_path)
    document = docx.Document()
    document.add_paragraph("标题", style="Title")
    add_left_out(document)
    source = tmp_path / "x.docx"
    document.save(source)
    result = import_contribution(source, folder, "火炬在行动")
    report = result.report()
    for expected in (
        "x.docx: the page header '潍坊高新区管委会' is left out (the layout prints its own)",
        "x.docx: the page footer '内部资料 注意保存' is left out (the layout prints its own)",
        f"x.docx: paragraph 2: the comment '{COMMENT_TEXT}' is left out",
        "x.docx: paragraph 3: a page break is left out (the layout makes the pages)",
        f"x.docx: paragraph 4: the link to {LINK} is kept as its text only",
        "x.docx: paragraph 5: the field 'DATE' is imported as the text Word last showed for "
        "it (it is not updated)",
    ):
        assert expected in report, expected
    texts = [block.text for block in read_issue(folder).articles[1].blocks]
    assert texts[2:] == ["详见火炬中心网站。", "本文发布于2022年10月18日。"]


def merged_table_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("标题", style="Title")
    document.add_paragraph("正文。")
    table = document.add_table(rows=3, cols=3)
    texts = ("地区", "指标", "", "东部", "营收", "51.3", "", "利润", "3.8")
    for cell, text in zip(table._cells, texts, strict=True):
        cell.text = text
    table.cell(0, 1).merge(table.cell(0, 2))  # 指标 over two columns
    table.cell(1, 0).merge(table.cell(2, 0))  # 东部 down two rows
    document.save(path)
    return path


def test_a_merged_cell_table_imports_with_its_spans_and_prints_them(tmp_path):
    """指标 over two columns, 东部 down two rows: written with the content format's
    ``<`` and ``^`` merges, and printed once each, over the cells they cover."""
    folder = copy_mini(tmp_path)
    source = merged_table_docx(tmp_path / "m.docx")
    result = run_cli("import", str(source), "--into", str(folder), "--section", "火炬在行动")
    assert result.returncode == 0, result.stderr
    written = next(p for p in folder.glob("*.md") if "| 地区" in p.read_text(encoding="utf-8"))
    table = [line for line in written.read_text(encoding="utf-8").splitlines() if "|" in line]
    assert [cell.strip() for cell in table[0].strip("|").split("|")] == ["地区", "指标", "<"]
    assert [cell.strip() for cell in table[3].strip("|").split("|")] == ["^", "利润", "3.8"]
    out = tmp_path / "m.pdf"
    result = run_cli("build", str(folder), "-o", str(out))
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(out) as pdf:
        words = [w for page in pdf.pages for w in page.extract_words()]
    texts = [w["text"] for w in words]
    assert texts.count("指标") == 1 and texts.count("东部") == 1
    [label] = [w for w in words if w["text"] == "指标"]
    [revenue] = [w for w in words if w["text"] == "营收"]
    [figure] = [w for w in words if w["text"] == "51.3"]
    assert revenue["x0"] < (label["x0"] + label["x1"]) / 2 < figure["x1"]  # over both


def test_a_line_broken_by_hand_in_a_cell_is_a_line_of_the_cell(tmp_path):
    """Shift+Enter in a cell (w:br) prints as Word shows it: the next line of the cell."""
    document = docx.Document()
    document.add_paragraph("标题", style="Title")
    document.add_paragraph("正文。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "地区", "做法"
    table.cell(1, 0).text = "东部"
    run = table.cell(1, 1).paragraphs[0].add_run("建平台")
    run.add_break()
    run.add_text("强服务")
    source = tmp_path / "br.docx"
    document.save(source)
    folder = copy_mini(tmp_path)
    result = run_cli("import", str(source), "--into", str(folder), "--section", "火炬在行动")
    assert result.returncode == 0, result.stderr
    written = next(p for p in folder.glob("*.md") if "| 地区" in p.read_text(encoding="utf-8"))
    assert "| 东部 | 建平台<br>强服务 |" in written.read_text(encoding="utf-8")


def test_merged_cells_are_placed_on_the_grid_with_their_spans(tmp_path):
    """What _merged_table is given: each cell at its grid place, with its spans."""
    from compositor.importer.word import GridCell, _grid_cells

    document = docx.Document(str(merged_table_docx(tmp_path / "m.docx")))
    table = document.tables[0]._tbl
    rows = tuple(
        tuple("".join(tc.xpath(".//w:t/text()")) for tc in tr.xpath("./w:tc"))
        for tr in table.xpath("./w:tr")
    )
    assert _grid_cells(table, rows) == (
        GridCell(0, 0, "地区"),
        GridCell(0, 1, "指标", columns=2),
        GridCell(1, 0, "东部", rows=2),
        GridCell(1, 1, "营收"),
        GridCell(1, 2, "51.3"),
        GridCell(2, 1, "利润"),
        GridCell(2, 2, "3.8"),
    )


# --- numbered paragraphs in table cells ---------------------------------------------------

# 1. 2. 3. … as Word's default numbered list; instance 94 restarts it (a list started anew).
MEASURES_LIST = f"""
<w:abstractNum {W} w:abstractNumId="93">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:lvlText w:val="%1."/></w:lvl>
</w:abstractNum>
"""
MEASURES_INSTANCES = (
    f'<w:num {W} w:numId="93"><w:abstractNumId w:val="93"/></w:num>',
    f'<w:num {W} w:numId="94"><w:abstractNumId w:val="93"/>'
    f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>',
)
# (cell text as paragraphs (text, numId)) per body row; numId 91 is the bullet list.
MEASURE_ROWS = (
    ("政策", (("完善政策", 93), ("加强服务", 93))),
    ("服务", (("优化环境", 93), ("政策宣讲", 91))),
)
# What Word prints in those cells, each paragraph a line: the count runs on from cell to
# cell and row to row.
MEASURE_CELLS = (("1.完善政策", "2.加强服务"), ("3.优化环境", "•政策宣讲"))
# The body after the table: list 93 goes on counting, its restarted instance 94 starts at 1.
AFTER_TABLE = (("落实责任", 93, "4."), ("跟踪问效", 93, "5."), ("召开例会", 94, "1."),
               ("通报进展", 94, "2."))  # fmt: skip


def cell_lists_docx(path: Path) -> Path:
    document = docx.Document()
    add_numbering(document, (*ABSTRACT_LISTS, MEASURES_LIST), (*INSTANCES, *MEASURES_INSTANCES))
    document.add_paragraph("高新区出台支持企业发展措施", style="Title")
    document.add_paragraph("会议研究了以下措施。")
    document.add_paragraph("表1　支持措施")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "类别", "措施"
    for row, (label, paragraphs) in enumerate(MEASURE_ROWS, start=1):
        table.cell(row, 0).text = label
        cell = table.cell(row, 1)
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)  # the empty one
        for text, number_id in paragraphs:
            numbered(cell, text, number_id)
    document.add_paragraph("会后明确了两项要求：")
    for text, number_id, _ in AFTER_TABLE[:2]:
        numbered(document, text, number_id)
    document.add_paragraph("并建立了工作机制：")
    for text, number_id, _ in AFTER_TABLE[2:]:
        numbered(document, text, number_id)
    document.add_paragraph("（供稿：火炬中心）")
    document.save(path)
    return path


@pytest.fixture(scope="module")
def cell_lists(tmp_path_factory):
    """The contribution with numbered cells imported into the sample issue and built:
    (the issue folder, the PDF's lines from the article's title to its credit, the PDF)."""
    tmp_path = tmp_path_factory.mktemp("cells")
    issue = sample_copy(tmp_path)
    source = cell_lists_docx(tmp_path / "措施.docx")
    imported = run_cli("import", str(source), "--into", str(issue), "--section", "火炬在行动")
    assert imported.returncode == 0, imported.stderr
    pdf = tmp_path / "out.pdf"
    result = run_cli("build", str(issue), "-o", str(pdf))
    assert result.returncode == 0, result.stderr
    lines = [squash(line) for page in read_pdf(pdf).pages for line in page.splitlines()]
    start = next(i for i, line in enumerate(lines) if line == "高新区出台支持企业发展措施")
    end = next(i for i, line in enumerate(lines) if i > start and "供稿:火炬中心" in line)
    return issue, lines[start : end + 1], pdf


def test_numbered_paragraphs_in_table_cells_keep_the_numbers_word_prints(cell_lists):
    """Two numbered paragraphs in a cell print "1." and "2." before their texts, the
    next row's cell counts on (3.), and a bullet prints as the bullet glyph."""
    issue, lines, _ = cell_lists
    [table] = [
        block
        for article in read_issue(issue).articles
        for block in article.blocks
        if block.kind == "table" and block.caption == "表1　支持措施"
    ]
    assert table.rows == tuple(
        (label, "\n".join(cell))
        for (label, _), cell in zip(MEASURE_ROWS, MEASURE_CELLS, strict=True)
    )
    printed = "".join(lines)
    for (label, _), (first, *others) in zip(MEASURE_ROWS, MEASURE_CELLS, strict=True):
        assert squash(label + first) in lines or squash(first) in lines, (first, lines)
        assert all(squash(line) in lines for line in others), (others, lines)
    assert printed.index("1.完善政策") < printed.index("2.加强服务") < printed.index("3.优化环境")


def test_a_cells_paragraphs_are_written_as_lines_and_print_one_under_the_other(cell_lists):
    """The cell's paragraphs are written joined with <br>, and print as lines of the
    cell: each starts where the first does, a line lower."""
    issue, _, pdf = cell_lists
    [article] = [
        path
        for path in issue.glob("*.md")
        if "高新区出台支持企业发展措施" in path.read_text(encoding="utf-8")
    ]
    written = article.read_text(encoding="utf-8")
    assert "| 政策 | 1.完善政策<br>2.加强服务 |" in written, written
    assert "| 服务 | 3.优化环境<br>•政策宣讲 |" in written, written
    with pdfplumber.open(pdf) as document:
        words = [w for page in document.pages for w in page.extract_words()]
    for cell in MEASURE_CELLS:
        first, second = [next(w for w in words if w["text"] == line) for line in cell]
        assert second["x0"] == pytest.approx(first["x0"], abs=0.5), (first, second)
        assert first["bottom"] < second["top"] < first["bottom"] + 9, (first, second)


def test_a_list_after_the_table_counts_on_from_its_cells_as_word_does(cell_lists):
    """Word keeps one count per list across the document: the body's items of the list
    the cells used go on at 4., those of an instance that restarts it begin at 1."""
    issue, lines, _ = cell_lists
    [article] = [a for a in read_issue(issue).articles if a.title == "高新区出台支持企业发展措施"]
    lists = [block for block in article.blocks if block.kind == "list"]
    assert [[(item.marker, item.text) for item in block.items] for block in lists] == [
        [(marker, text) for text, _, marker in AFTER_TABLE[:2]],
        [(marker, text) for text, _, marker in AFTER_TABLE[2:]],
    ]
    for text, _, marker in AFTER_TABLE:
        assert squash(marker + text) in lines, (marker + text, lines)


# --- one contribution with everything, built into the sample issue -----------------------


def sample_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content" / "torch", tmp_path / "torch")
    return tmp_path / "torch" / "2022-17"


def mixed_docx(path: Path, tmp_path: Path) -> Path:
    """A contribution as offices send them: lists, notes, a text box and pictures."""
    document = docx.Document()
    title = document.add_paragraph("潍坊高新区：", style="Title")
    title.runs[0].add_break()  # Shift+Enter: a line break inside the title
    title.add_run("以创新驱动高质量发展")
    add_noted_text(document)
    add_pictures(document, tmp_path)
    add_lists(document)
    add_emphasis(document)
    add_left_out(document)
    document.add_paragraph("（供稿：潍坊高新区）")
    document.save(path)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The mixed contribution imported into the sample issue and built: (report, PDF)."""
    tmp_path = tmp_path_factory.mktemp("mixed")
    issue = sample_copy(tmp_path)
    source = mixed_docx(tmp_path / "供稿.docx", tmp_path)
    imported = run_cli("import", str(source), "--into", str(issue), "--section", "火炬在行动")
    assert imported.returncode == 0, imported.stderr
    checked = run_cli("check", str(issue))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The one warning is the soft picture's, which the import said too.
    assert "0 errors, 1 warning" in checked.stdout, checked.stdout
    assert "03-1.jpg prints at 102 ppi" in checked.stdout
    pdf = tmp_path / "out.pdf"
    result = run_cli("build", str(issue), "-o", str(pdf))
    assert result.returncode == 0, result.stderr
    return imported.stdout + imported.stderr, read_pdf(pdf)


def picture_widths_mm(path: Path) -> list[float]:
    """The printed width of every picture in the PDF, in reading order, in mm."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [
            (image["x1"] - image["x0"]) * 25.4 / 72
            for page in pdf.pages
            for image in sorted(page.images, key=lambda i: i["top"])
        ]


def article_lines(pdf) -> list[str]:
    """The printed lines of the imported article, from its title to its credit."""
    lines = [squash(line) for page in pdf.pages for line in page.splitlines()]
    start = next(  # the title over the article, not its line in the contents
        i for i, line in enumerate(lines) if "以创新驱动高质量发展" in line and "..." not in line
    )
    end = next(i for i, line in enumerate(lines) if i > start and "供稿:潍坊高新区" in line)
    return lines[start : end + 1]


def test_every_list_item_prints_on_a_line_of_its_own_with_its_number(built):
    _, pdf = built
    lines = article_lines(pdf)
    for text, _, _, marker in LIST_ITEMS:
        assert any(line.startswith(squash(marker + text)) for line in lines), marker + text
    for text in BULLETS:
        assert any(line.endswith(text) and len(line) <= len(text) + 2 for line in lines), text


def test_note_marks_print_in_the_text_and_the_notes_after_it_before_the_credit(built):
    _, pdf = built
    lines = article_lines(pdf)
    text = "".join(lines)
    assert squash("潍坊国家高新区①今年以来加快发展。") in text
    assert squash("增长12%②,创新能力稳步提升③。") in text
    head = lines.index("注释:")
    notes = [squash(f"①{FOOTNOTE_1}"), squash(f"②{FOOTNOTE_2}"), squash(f"③{ENDNOTE_1}")]
    assert "".join(lines[head + 1 : -1]) == "".join(notes)  # under 注释, the credit last
    assert all(squash(item) in "".join(lines[:head]) for item in ("分工。", BOX_TEXT))


def test_pictures_print_as_wide_as_in_word_within_a_millimetre(built):
    _, pdf = built
    widths = picture_widths_mm(pdf.path)
    assert any(abs(width - 100) <= 1 for width in widths), widths  # as placed in Word
    measure = 210 - 2 * 77.13 * 25.4 / 72  # the torch layout's text width (style.css)
    assert any(abs(width - measure) <= 1 for width in widths), widths  # 180 mm, capped


def test_captions_print_with_their_full_width_space(built):
    _, pdf = built
    # pdfium reads the gap the layout sets between Han and digits as a space; the
    # full-width space is a character of the text.
    printed = [line.replace(" ", "") for page in pdf.pages for line in page.splitlines()]
    assert "图1\u3000成果展现场" in printed and "图2\u3000园区全景" in printed


def test_the_import_report_names_what_the_mixed_contribution_left_out(built):
    report, pdf = built
    for left_out in ("page header", "page footer", f"the comment '{COMMENT_TEXT}'",
                     "a page break", f"the link to {LINK}", "the field 'DATE'",
                     "a text box's text", "03-1.jpg prints at 102 ppi"):  # fmt: skip
        assert left_out in report, left_out
    printed = "".join(article_lines(pdf))
    assert squash("详见火炬中心网站。") in printed and "潍坊高新区管委会" not in printed


# --- other formats ----------------------------------------------------------------------------

PLAIN_TEXT = (
    "潍坊高新区召开科技成果转化推进会\r\n"
    "\r\n"
    "　　5月10日，潍坊高新区召开科技成果转化推进会。\r\n"
    "　　会议强调，要加快建设中试基地。\r\n"
    "（供稿：潍坊高新区）\r\n"
)


@pytest.mark.parametrize(
    ("encoding", "noted"), [("gbk", True), ("gb18030", True), ("utf-8", False)]
)
def test_a_plain_text_contribution_imports_in_gbk_with_a_note(tmp_path, encoding, noted):
    folder = copy_mini(tmp_path)
    source = tmp_path / "供稿.txt"
    source.write_bytes(PLAIN_TEXT.encode(encoding))
    result = run_cli("import", str(source), "--into", str(folder), "--section", "火炬在行动")
    assert result.returncode == 0, result.stderr
    article = read_issue(folder).articles[1]
    assert article.title == "潍坊高新区召开科技成果转化推进会"
    assert [block.text for block in article.blocks] == [
        "5月10日，潍坊高新区召开科技成果转化推进会。",
        "会议强调，要加快建设中试基地。",
    ]
    assert article.credit == "潍坊高新区"
    note = "供稿.txt: the file is GBK (GB18030) text, not UTF-8: read as GBK"
    assert (note in result.stderr) is noted


def test_bold_prints_in_the_emphasis_face(built):
    import pdfplumber

    _, pdf = built
    with pdfplumber.open(pdf.path) as document:
        chars = [(c["text"], c["fontname"]) for page in document.pages for c in page.chars]
    string = "".join(char for char, _ in chars)
    at = string.index("要把硬科技摆在")
    fonts = [font for _, font in chars[at : at + 7]]
    assert all("role-body" in font for font in fonts[:2] + fonts[5:]), fonts
    assert all("role-heading" in font for font in fonts[2:5]), fonts


def test_the_titles_line_break_prints(built):
    _, pdf = built
    lines = [squash(line) for page in pdf.pages for line in page.splitlines()]
    at = lines.index(squash("以创新驱动高质量发展"))
    assert lines[at - 1] == squash("潍坊高新区：")
