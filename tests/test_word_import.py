"""compositor import CONTRIBUTION.docx --into ISSUE: a Word article added to an issue.

The .docx files are made here with python-docx (nothing binary is committed); the
few things python-docx cannot author (text boxes, footnotes, tracked changes …) are
added as the WordprocessingML that Word itself writes.
"""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import docx
import pikepdf
import pytest
from conftest import ROOT, copy_mini, read_pdf, run_cli, squash
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.shared import Pt

from compositor.content import read_issue
from compositor.errors import ContentError
from compositor.importer.contribution import import_contribution
from compositor.model import Paragraph, Subhead

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SAMPLE_ROOT = ROOT / "content" / "torch"

BODY_1 = "科技部火炬中心近日在京召开座谈会,听取各地意见:一是加快布局;二是强化服务!"
BODY_2 = "会议强调,要把“硬科技”摆在突出位置(见附件)。全年投入1,000万元,增长5.2%。"


def sample_copy(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE_ROOT, tmp_path / "torch")
    return tmp_path / "torch" / "2022-17"


def styled_docx(path: Path) -> Path:
    """A contribution written with Word's styles: Title, Subtitle, Heading 2, a credit."""
    document = docx.Document()
    document.add_paragraph("高新区 座谈会:凝聚发展合力", style="Title")
    document.add_paragraph("聚力创新,共谋发展。", style="Subtitle")
    document.add_paragraph("")  # an empty paragraph run: skipped
    document.add_paragraph("")
    document.add_paragraph(BODY_1)
    document.add_heading("强化规划引领", level=2)
    document.add_paragraph(BODY_2)
    document.add_paragraph("")
    document.add_paragraph("(供稿:苏州高新区)")
    document.save(path)
    return path


def body_of(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("+++", 2)[2]


# --- the article ----------------------------------------------------------------------------


def test_styled_contribution_is_added_as_the_sections_next_article(tmp_path):
    issue = sample_copy(tmp_path)
    before = read_issue(issue)
    result = import_contribution(styled_docx(tmp_path / "供稿.docx"), issue, "火炬在行动")
    after = read_issue(issue)
    # 火炬在行动 held 01–02; the new article is 03 and the later ones moved up by one.
    assert result.article == issue / "03.md"
    assert [old.name for old, _ in result.renamed][:2] == ["03.md", "04.md"]
    assert len(after.articles) == len(before.articles) + 1
    assert [a.title for a in after.articles[3:]] == [a.title for a in before.articles[2:]]
    article = after.articles[2]
    assert article.section == "火炬在行动"
    assert article.title == "高新区 座谈会：凝聚发展合力"  # a deliberate space in a title stays
    assert article.lead == "聚力创新，共谋发展。"
    assert article.credit == "苏州高新区"
    assert [(b.kind, b.text) for b in article.blocks] == [
        (
            "paragraph",
            "科技部火炬中心近日在京召开座谈会，听取各地意见：一是加快布局；二是强化服务！",
        ),  # noqa: E501
        ("subhead", "强化规划引领"),
        (
            "paragraph",
            "会议强调，要把“硬科技”摆在突出位置（见附件）。全年投入1,000万元，增长5.2%。",
        ),
    ]


def test_the_issue_checks_clean_and_builds_with_the_article_on_its_page(tmp_path):
    issue = sample_copy(tmp_path)
    source = styled_docx(tmp_path / "供稿.docx")
    imported = run_cli("import", str(source), "--into", str(issue), "--section", "火炬在行动")
    assert imported.returncode == 0, imported.stderr
    checked = run_cli("check", str(issue), "--strict")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    pdf = tmp_path / "out.pdf"
    built = run_cli("build", str(issue), "-o", str(pdf))
    assert built.returncode == 0, built.stderr
    text = squash("".join(read_pdf(pdf).pages))
    for printed in ("高新区座谈会:凝聚发展合力", squash(BODY_2), "(供稿:苏州高新区)"):
        assert squash(printed) in text


def test_every_normalisation_is_reported_with_its_paragraph_and_a_count(tmp_path):
    issue = sample_copy(tmp_path)
    source = styled_docx(tmp_path / "供稿.docx")
    imported = run_cli("import", str(source), "--into", str(issue), "--section", "火炬在行动")
    assert imported.returncode == 0, imported.stderr
    report = imported.stderr.splitlines()
    # Paragraphs are counted as Word holds them, empty ones included.
    expected = [
        "供稿.docx: paragraph 1: ':' → '：'",
        "供稿.docx: paragraph 2: ',' → '，'",
        "供稿.docx: paragraph 5: ',' → '，'",
        "供稿.docx: paragraph 5: ':' → '：'",
        "供稿.docx: paragraph 5: ';' → '；'",
        "供稿.docx: paragraph 5: '!' → '！'",
        "供稿.docx: paragraph 7: ',' → '，'",
        "供稿.docx: paragraph 7: '(' → '（'",
        "供稿.docx: paragraph 7: ')' → '）'",
        "供稿.docx: paragraph 7: ',' → '，'",
        "供稿.docx: paragraph 9: '(' → '（'",
        "供稿.docx: paragraph 9: ':' → '：'",
        "供稿.docx: paragraph 9: ')' → '）'",
        "供稿.docx: 13 normalisations",
    ]
    changes = [line for line in report if line.startswith("供稿.docx: ")]
    changes = [line for line in changes if "→" in line or "normalisation" in line]
    assert changes == expected
    assert "03.md → 04.md (renumbered)" in report
    assert imported.stdout.strip() == f"{issue / '03.md'} (section 火炬在行动)"


def test_unstyled_title_bold_subhead_kai_lead_and_word_typing_are_handled(tmp_path):
    folder = copy_mini(tmp_path)
    document = docx.Document()
    document.add_paragraph("　　西安高新区发布 “硬科技”  十条")  # typed title, no style
    lead = document.add_paragraph().add_run("政策落地，企业受益。")
    lead.font.name = "楷体_GB2312"
    lead.element.rPr.rFonts.set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", "楷体_GB2312"
    )
    paragraph = document.add_paragraph("　　全年新增企业１２０家，增长 ２５％。")
    run = paragraph.add_run()
    run.add_break()  # a soft line break (Shift+Enter) inside the paragraph
    paragraph.add_run("其中 科技型 企业占 六成。")
    document.add_paragraph().add_run("一、优化营商环境").bold = True
    document.add_paragraph("高新区 持续优化服务，Open Day活动吸引企业参加。")
    document.add_paragraph("更多内容见官网。(来源:西安高新区管委会)")
    source = tmp_path / "c.docx"
    document.save(source)

    result = import_contribution(source, folder, "奋进新征程 建功新时代")
    article = read_issue(folder).articles[-1]
    assert result.article == folder / "03.md" and result.renamed == ()
    assert article.title == "西安高新区发布“硬科技”十条"
    assert article.lead == "政策落地，企业受益。"
    assert [(type(b), b.text) for b in article.blocks] == [
        (Paragraph, "全年新增企业120家，增长25%。其中科技型企业占六成。"),
        (Subhead, "一、优化营商环境"),
        (Paragraph, "高新区持续优化服务，Open Day活动吸引企业参加。"),
        (Paragraph, "更多内容见官网。"),
    ]
    assert article.credit == "西安高新区管委会"
    changes = [str(change) for change in result.contribution.changes]
    assert "paragraph 3: '１' → '1'" in changes
    assert "paragraph 3: '\\n' → ''" in changes or any("\\n" in c for c in changes)
    assert "paragraph 3: '中 科' → '中科'" in changes
    notes = "\n".join(result.contribution.notes)
    assert "paragraph 1: no paragraph is styled Title or Heading 1" in notes
    assert "paragraph 4: a short bold line, taken as a subhead" in notes
    assert "（来源：西安高新区管委会） prints as （供稿：西安高新区管委会）" in notes


def test_tracked_insertions_are_kept_and_deletions_dropped_and_both_reported(tmp_path):
    folder = copy_mini(tmp_path)
    document = docx.Document()
    document.add_paragraph("标题", style="Title")
    paragraph = document.add_paragraph("会议")
    paragraph._p.append(
        parse_xml(
            f'<w:ins {W} w:id="1" w:author="a" w:date="2023-01-01T00:00:00Z">'
            f"<w:r><w:t>隆重</w:t></w:r></w:ins>"
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:del {W} w:id="2" w:author="a" w:date="2023-01-01T00:00:00Z">'
            f"<w:r><w:delText>草草</w:delText></w:r></w:del>"
        )
    )
    paragraph.add_run("召开。")
    source = tmp_path / "t.docx"
    document.save(source)
    result = import_contribution(source, folder, "火炬在行动")
    assert read_issue(folder).articles[1].blocks[0].text == "会议隆重召开。"
    assert result.contribution.notes[-2:] == (
        "paragraph 2: accepted the tracked insertion '隆重'",
        "paragraph 2: dropped the tracked deletion '草草'",
    )


# --- the section --------------------------------------------------------------------------


def test_without_section_an_issue_of_several_sections_is_an_error_listing_them(tmp_path):
    issue = sample_copy(tmp_path)
    source = styled_docx(tmp_path / "供稿.docx")
    result = run_cli("import", str(source), "--into", str(issue))
    assert result.returncode == 2
    assert "say which one with --section" in result.stderr
    assert "'火炬在行动', '聚焦二十大', '奋进新征程 建功新时代'" in result.stderr
    wrong = run_cli("import", str(source), "--into", str(issue), "--section", "聚焦")
    assert wrong.returncode == 2 and "has no section '聚焦'" in wrong.stderr
    assert sorted(p.name for p in issue.glob("*.md")) == [f"{n:02d}.md" for n in range(1, 14)]


def test_an_issue_of_one_section_needs_no_section(tmp_path):
    folder = copy_mini(tmp_path)
    issue_toml = folder / "issue.toml"
    text = issue_toml.read_text(encoding="utf-8")
    issue_toml.write_text(text.split('\n[[sections]]\ntitle = "奋进')[0], encoding="utf-8")
    (folder / "02.md").unlink()
    result = import_contribution(styled_docx(tmp_path / "c.docx"), folder)
    assert result.section == "火炬在行动" and result.article.name == "02.md"


def test_the_last_section_gets_the_next_free_number(tmp_path):
    issue = sample_copy(tmp_path)
    result = import_contribution(styled_docx(tmp_path / "c.docx"), issue, "奋进新征程 建功新时代")
    assert result.article == issue / "14.md" and result.renamed == ()
    assert read_issue(issue).articles[-1].title == "高新区 座谈会：凝聚发展合力"


# --- what cannot be placed ------------------------------------------------------------------


def tiny_png() -> bytes:
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def photo(path: Path) -> Path:
    """A 2000 × 1300 px JPEG: 326 ppi across the text width, sharp in print."""
    from PIL import Image

    Image.radial_gradient("L").resize((2000, 1300)).convert("RGB").save(path, quality=90)
    return path


def contribution_with_picture_and_table(path: Path, tmp_path: Path) -> Path:
    """Typed as contributors do: ASCII punctuation, a subhead, a picture, a table."""
    document = docx.Document()
    document.add_paragraph("潍坊高新区召开科技成果转化推进会", style="Title")
    document.add_paragraph("5月10日,潍坊高新区召开科技成果转化推进会,部署全年工作.")
    document.add_paragraph("成果转化提速", style="Heading 2")
    document.add_paragraph("会议指出:要加快建设中试基地!")
    document.add_picture(str(photo(tmp_path / "photo.jpg")))
    document.add_paragraph("图为推进会现场", style="Caption")
    document.add_paragraph("表1 主要指标")
    table = document.add_table(rows=3, cols=3)
    cells = [
        "指标",
        "2022年",
        "增长",
        "技术合同成交额(亿元)",
        "128.5",
        "12.3%",
        "孵化器",
        "21",
        "5",
    ]
    for cell, text in zip(table._cells, cells, strict=True):
        cell.text = text
    document.add_paragraph("(供稿:潍坊高新区)")
    document.save(path)
    return path


def test_a_picture_is_saved_beside_the_article_and_placed_with_its_caption(tmp_path):
    folder = copy_mini(tmp_path)
    source = contribution_with_picture_and_table(tmp_path / "p.docx", tmp_path)
    result = import_contribution(source, folder, "火炬在行动")
    assert result.article.name == "02.md"
    saved = folder / "02-1.jpg"
    assert saved.read_bytes() == (tmp_path / "photo.jpg").read_bytes()  # original bytes
    text = result.article.read_text(encoding="utf-8")
    assert "![图为推进会现场](02-1.jpg)" in text
    figure = next(b for b in read_issue(folder).articles[1].blocks if b.kind == "figure")
    assert figure.caption == "图为推进会现场" and figure.pixels == (2000, 1300)


def test_a_table_becomes_a_pipe_table_with_its_caption_and_numbers_to_the_right(tmp_path):
    folder = copy_mini(tmp_path)
    source = contribution_with_picture_and_table(tmp_path / "t.docx", tmp_path)
    result = import_contribution(source, folder, "火炬在行动")
    text = result.article.read_text(encoding="utf-8")
    assert "| 指标 | 2022年 | 增长 |\n| --- | ---: | ---: |" in text
    assert "Table: 表1\u3000主要指标" in text
    table = next(b for b in read_issue(folder).articles[1].blocks if b.kind == "table")
    assert table.header == ("指标", "2022年", "增长")
    assert table.rows == (("技术合同成交额（亿元）", "128.5", "12.3%"), ("孵化器", "21", "5"))
    assert table.caption == "表1\u3000主要指标"


def test_a_word_contribution_with_picture_and_table_imports_checks_clean_and_builds(tmp_path):
    """The issue's 'done': into the sample, ASCII punctuation normalised, a subhead, a
    picture and a table; `check` is clean and the issue builds with them on its pages."""
    issue = sample_copy(tmp_path)
    source = contribution_with_picture_and_table(tmp_path / "供稿.docx", tmp_path)
    imported = run_cli("import", str(source), "--into", str(issue), "--section", "火炬在行动")
    assert imported.returncode == 0, imported.stderr
    assert "',' → '，'" in imported.stdout + imported.stderr
    checked = run_cli("check", str(issue), "--strict")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    pdf = tmp_path / "out.pdf"
    built = run_cli("build", str(issue), "-o", str(pdf))
    assert built.returncode == 0, built.stderr
    printed = squash("".join(read_pdf(pdf).pages))
    for expected in ("成果转化提速", "图为推进会现场", "技术合同成交额", "128.5", "表1"):
        assert expected in printed, expected
    with pikepdf.open(pdf) as document:
        images = [i for page in document.pages for i in page.get_images().values()]
    assert images


FOOTNOTE = f'<w:r {W}><w:footnoteReference w:id="1"/></w:r>'
EQUATION = (
    '<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">'
    "<m:r><m:t>x</m:t></m:r></m:oMath>"
)


@pytest.mark.parametrize(
    ("xml", "what"),
    [
        (EQUATION, "an equation"),
    ],
)
def test_what_cannot_be_placed_is_refused_naming_what_and_where(tmp_path, xml, what):
    folder = copy_mini(tmp_path)
    document = docx.Document()
    document.add_paragraph("标题", style="Title")
    document.add_paragraph("第一段。")
    document.add_paragraph("第二段。")._p.append(parse_xml(xml))
    source = tmp_path / "x.docx"
    document.save(source)
    result = run_cli("import", str(source), "--into", str(folder), "--section", "火炬在行动")
    assert result.returncode == 2
    assert f"x.docx: paragraph 3 holds {what}, which cannot be placed" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_footnote_reference_without_its_note_is_refused_naming_it(tmp_path):
    folder = copy_mini(tmp_path)
    document = docx.Document()
    document.add_paragraph("标题", style="Title")
    document.add_paragraph("第一段。")._p.append(parse_xml(FOOTNOTE))
    source = tmp_path / "x.docx"
    document.save(source)
    result = run_cli("import", str(source), "--into", str(folder), "--section", "火炬在行动")
    assert result.returncode == 2
    assert "x.docx: the text refers to footnote 1, which the document does not hold" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_text_before_the_styled_title_is_refused(tmp_path):
    folder = copy_mini(tmp_path)
    document = docx.Document()
    document.add_paragraph("火炬动态供稿")
    document.add_paragraph("标题", style="Heading 1")
    document.add_paragraph("正文。")
    source = tmp_path / "b.docx"
    document.save(source)
    with pytest.raises(ContentError, match="paragraph 1 stands before the title '标题'"):
        import_contribution(source, folder, "火炬在行动")


# --- files that are not (readable) .docx ----------------------------------------------------


def test_a_file_that_is_not_a_docx_is_a_clear_error(tmp_path):
    folder = copy_mini(tmp_path)
    source = tmp_path / "note.docx"
    source.write_text("这不是Word文件", encoding="utf-8")
    result = run_cli("import", str(source), "--into", str(folder), "--section", "火炬在行动")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {source}: not a Word .docx file (a .docx is a ZIP package; this file is not one)"
    )


def test_a_corrupt_docx_is_a_clear_error(tmp_path):
    folder = copy_mini(tmp_path)
    good = styled_docx(tmp_path / "good.docx").read_bytes()
    source = tmp_path / "broken.docx"
    source.write_bytes(good[: len(good) // 2] + good[-200:])  # the central directory survives
    result = run_cli("import", str(source), "--into", str(folder), "--section", "火炬在行动")
    assert result.returncode == 2
    assert "broken.docx:" in result.stderr
    assert "damaged" in result.stderr or "not a Word .docx file" in result.stderr
    assert "Traceback" not in result.stderr


def encrypted_docx_bytes() -> bytes:
    """The shape Word gives a password-protected .docx: an OLE compound file whose
    directory holds an EncryptedPackage stream (header and directory sector only)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    entry = "EncryptedPackage".encode("utf-16-le").ljust(64, b"\0")
    entry += struct.pack("<H", 34) + bytes(62)
    return header + entry + bytes(512 - len(entry))


def test_a_password_protected_docx_is_a_clear_error(tmp_path):
    folder = copy_mini(tmp_path)
    source = tmp_path / "locked.docx"
    source.write_bytes(encrypted_docx_bytes())
    result = run_cli("import", str(source), "--into", str(folder), "--section", "火炬在行动")
    assert result.returncode == 2
    assert "locked.docx: the document is password-protected" in result.stderr


def test_doc_and_wps_without_libreoffice_say_so(tmp_path):
    folder = copy_mini(tmp_path)
    python = Path(shutil.which("python3") or "/usr/bin/python3").parent
    # A PATH without LibreOffice, as on CI.
    env = {**os.environ, "PATH": str(python)}
    for suffix in (".doc", ".wps"):
        source = tmp_path / f"old{suffix}"
        source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
        result = run_cli(
            "import", str(source), "--into", str(folder), "--section", "火炬在行动", env=env
        )
        assert result.returncode == 2, result.stderr
        needs = f"old{suffix}: {suffix} files (old Word, WPS, OpenDocument) need LibreOffice"
        assert needs in result.stderr
        assert "save it as .docx" in result.stderr


def test_word_file_needs_into_not_output(tmp_path):
    source = styled_docx(tmp_path / "c.docx")
    result = run_cli("import", str(source), "-o", str(tmp_path / "new"))
    assert result.returncode == 2
    assert "use --into FOLDER" in result.stderr


def test_font_size_is_not_structure(tmp_path):
    """A big bold first line without a style is still just the (unstyled) title."""
    folder = copy_mini(tmp_path)
    document = docx.Document()
    run = document.add_paragraph().add_run("大字标题")
    run.font.size, run.bold = Pt(22), True
    document.add_paragraph("正文第一段。")
    source = tmp_path / "s.docx"
    document.save(source)
    import_contribution(source, folder, "火炬在行动")
    article = read_issue(folder).articles[1]
    assert (article.title, [b.text for b in article.blocks]) == ("大字标题", ["正文第一段。"])


def test_a_lead_styled_with_a_kai_paragraph_style_is_the_lead(tmp_path):
    folder = copy_mini(tmp_path)
    document = docx.Document()
    lead_style = document.styles.add_style("导语", WD_STYLE_TYPE.PARAGRAPH)
    lead_style.base_style = document.styles["Normal"]
    lead_style.font.name = "KaiTi"
    document.add_paragraph("标题", style="Heading 1")
    document.add_paragraph("一句导语。", style="导语")
    document.add_paragraph("正文第一段。")
    source = tmp_path / "k.docx"
    document.save(source)
    import_contribution(source, folder, "火炬在行动")
    article = read_issue(folder).articles[1]
    assert (article.lead, [b.text for b in article.blocks]) == ("一句导语。", ["正文第一段。"])


def test_text_the_reader_loses_fails_the_import_and_leaves_the_issue_alone(tmp_path, monkeypatch):
    from compositor.importer import word

    folder = copy_mini(tmp_path)
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    monkeypatch.setattr(word._Reader, "lead", lambda self, items: ("", items[1:]))  # a bug
    with pytest.raises(ContentError, match="text could not be placed: from '聚力创新"):
        import_contribution(styled_docx(tmp_path / "c.docx"), folder, "火炬在行动")
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


@pytest.mark.parametrize("suffix", [".doc", ".wps", ".odt"])
def test_doc_wps_and_odt_files_are_converted_by_libreoffice_when_installed(tmp_path, suffix):
    """A stand-in soffice on PATH checks our side of the call: headless, to .docx, into
    a temporary folder; it 'converts' by copying a .docx made here."""
    folder = copy_mini(tmp_path)
    converted = styled_docx(tmp_path / "converted.docx")
    tools = tmp_path / "bin"
    tools.mkdir()
    soffice = tools / "soffice"
    soffice.write_text(
        "#!/bin/sh\n"
        'case "$*" in *"--headless --convert-to docx --outdir "*) ;; *) exit 3;; esac\n'
        'for last; do :; done\nwhile [ "$1" != "--outdir" ]; do shift; done\n'
        f'cp {converted} "$2/$(basename "$last" {suffix}).docx"\n',
        encoding="utf-8",
    )
    soffice.chmod(0o755)
    source = tmp_path / f"old{suffix}"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"}
    args = ("import", str(source), "--into", str(folder), "--section", "火炬在行动")
    result = run_cli(*args, env=env)
    assert result.returncode == 0, result.stderr
    assert read_issue(folder).articles[1].title == "高新区 座谈会：凝聚发展合力"
    assert f"old{suffix}: paragraph 5: ',' → '，'" in result.stderr


def test_chinese_style_names_are_understood(tmp_path):
    folder = copy_mini(tmp_path)
    document = docx.Document()
    for name, based_on in (("标题 2", "Normal"), ("副标题", "Normal")):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles[based_on]
    document.add_paragraph("标题", style="Title")
    document.add_paragraph("导语一句。", style="副标题")
    document.add_paragraph("正文第一段。")
    document.add_paragraph("小标题", style="标题 2")
    document.add_paragraph("正文第二段。")
    source = tmp_path / "zh.docx"
    document.save(source)
    import_contribution(source, folder, "火炬在行动")
    article = read_issue(folder).articles[1]
    assert article.lead == "导语一句。"
    assert [(b.kind, b.text) for b in article.blocks] == [
        ("paragraph", "正文第一段。"),
        ("subhead", "小标题"),
        ("paragraph", "正文第二段。"),
    ]


def test_a_list_style_numbers_its_paragraphs_as_word_does(tmp_path):
    """python-docx's List Number style numbers through its style (no numPr of its own)."""
    folder = copy_mini(tmp_path)
    document = docx.Document()
    document.add_paragraph("标题", style="Title")
    document.add_paragraph("正文。")
    document.add_paragraph("加快布局。", style="List Number")
    document.add_paragraph("强化服务。", style="List Number")
    source = tmp_path / "n.docx"
    document.save(source)
    import_contribution(source, folder, "火炬在行动")
    items = read_issue(folder).articles[1].blocks[1].items
    assert [(item.marker, item.text) for item in items] == [
        ("1.", "加快布局。"),
        ("2.", "强化服务。"),
    ]


def test_a_picture_never_takes_the_name_of_a_renumbered_articles_picture(tmp_path):
    """The 奋进 article (02.md, picture 02-1.jpg) moves to 03.md when a 火炬 article comes
    before it; the newcomer's picture must not overwrite or clash with 02-1.jpg."""
    folder = copy_mini(tmp_path)
    (folder / "02.md").unlink()
    first = contribution_with_picture_and_table(tmp_path / "a.docx", tmp_path)
    import_contribution(first, folder, "奋进新征程 建功新时代")
    original = (folder / "02-1.jpg").read_bytes()
    second = contribution_with_picture_and_table(tmp_path / "b.docx", tmp_path)
    result = import_contribution(second, folder, "火炬在行动")
    assert result.article.name == "02.md"
    assert (folder / "02-1.jpg").read_bytes() == original
    assert "](02-2.jpg)" in result.article.read_text(encoding="utf-8")
    assert "](02-1.jpg)" in (folder / "03.md").read_text(encoding="utf-8")


def test_hidden_files_do_not_move_the_new_articles_number(tmp_path):
    folder = copy_mini(tmp_path)
    (folder / "._01.md").write_bytes(b"\0\x05\x16\x07")  # macOS metadata beside 01.md
    result = import_contribution(styled_docx(tmp_path / "c.docx"), folder, "火炬在行动")
    assert result.article.name == "02.md" and result.renamed[0][1].name == "03.md"


def test_a_credit_whose_source_holds_brackets_is_the_credit(tmp_path):
    folder = copy_mini(tmp_path)
    document = docx.Document()
    document.add_paragraph("科学城建设提速", style="Title")
    document.add_paragraph("会议在重庆召开。")
    document.add_paragraph("（供稿：西部（重庆）科学城管委会）")
    source = tmp_path / "c.docx"
    document.save(source)
    result = import_contribution(source, folder, "火炬在行动")
    article = read_issue(folder).articles[1]
    assert article.credit == "西部（重庆）科学城管委会", result.article.read_text(encoding="utf-8")
    assert [b.text for b in article.blocks] == ["会议在重庆召开。"]
