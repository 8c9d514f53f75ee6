"""Issue 28: the screen edition is tagged and conforms to PDF/UA-1 and PDF/A-2 together.

Each issue is built once (the sample by conftest; the figures, make-up and mini test
issues here, into copies) and read back three ways: by the validators (outloud,
pdfua, pikepdf's PDF/A check), by walking its structure tree in order as a screen
reader does (tests/structure.py), and by its metadata and annotations.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys

import pikepdf
import pikepdf.pdfa
import pypdfium2 as pdfium
import pytest
from conftest import (
    DATA,
    ROOT,
    SAMPLE,
    copy_mini,
    draw_pictures,
    edit,
    run_cli,
    shipped_fonts_only,
)
from structure import Node, artifact_text, read_structure, untagged_characters

from compositor.build import build_issue
from compositor.content import read_issue
from compositor.layout import layout_for
from compositor.press.booklet import Booklet
from compositor.press.output import PressSettings
from compositor.text import typeset_issue
from compositor.weasy.tags import check_tags_internals

EDITOR_ALT = "一位与会代表在座谈会上发言"
NOTE = "火炬计划于1988年经国务院批准实施。"
# Each test issue's notes, in the order of their references: (mark, text).
MINI_NOTES = (("①", NOTE), ("②", "强调的注释。"))
BRIEF_NOTES = (("①", "即国发〔2020〕7号。"), ("②", "报告全文另发。"))
CIRCLED = re.compile("[\u2460-\u2473]")
# outloud's warnings this project leaves, each explained in docs/accessibility.md
EXPLAINED_WARNINGS = {"LNK-010", "ORD-001"}
UA_NAMESPACES = "pdfuaid|pdfaExtension|pdfaSchema|pdfaProperty"
HAN = re.compile(r"[\u3400-\u9fff]")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_pdf) -> dict:
    """Issue folder and tagged PDF of the sample and the three test issues."""
    root = tmp_path_factory.mktemp("accessible")
    figures = root / "figures"
    shutil.copytree(DATA / "figures", figures)
    draw_pictures(figures / "2023-02")
    edit(figures / "2023-02" / "01.md", "{width=50mm}", f'{{width=50mm alt="{EDITOR_ALT}"}}')
    makeup = root / "makeup"
    shutil.copytree(DATA / "makeup", makeup)
    draw_pictures(makeup / "2023-03")
    mini = copy_mini(root)
    # a reference in plain text and one in emphasised text (the paragraph's two forms)
    edit(mini / "01.md", "部署2023年重点任务。", "部署2023年重点任务[^1]。**会议强调[^b]**，")
    with (mini / "01.md").open("a", encoding="utf-8") as stream:
        stream.write(f"\n[^1]: {NOTE}\n[^b]: {MINI_NOTES[1][1]}\n")
    brief = root / "jianbao"  # the other layout (jianbao), its sample with two notes
    shutil.copytree(ROOT / "content" / "jianbao", brief)
    brief_article = brief / "2022-17" / "01.md"
    edit(brief_article, "（7号文）", "（7号文）[^a]")
    edit(brief_article, "主题报告。", "主题报告[^b]。")
    with brief_article.open("a", encoding="utf-8") as stream:
        stream.write(
            "".join(f"\n[^{k}]: {text}" for k, (_, text) in zip("ab", BRIEF_NOTES, strict=True))
        )
    found = {"sample": (SAMPLE, sample_pdf.path)}
    for name, folder in (
        ("figures", figures / "2023-02"),
        ("makeup", makeup / "2023-03"),
        ("mini", mini),
    ):
        found[name] = (folder, build_issue(folder, root / f"{name}.pdf").path)
    found["brief"] = (brief / "2022-17", build_issue(brief / "2022-17", root / "brief.pdf").path)
    # blank pages before the back page (press/padding.py), added after WeasyPrint wrote
    found["padded"] = (mini, build_issue(mini, root / "padded.pdf", pad_to=4).path)
    return found


ISSUES = ("sample", "figures", "makeup", "mini", "padded")


@pytest.fixture(scope="module", params=ISSUES)
def issue(request, built):
    folder, path = built[request.param]
    return request.param, folder, path


# --- the validators -----------------------------------------------------------------


def test_outloud_finds_no_error(issue):
    outloud_finds_no_error(issue[2])


def outloud_finds_no_error(path) -> None:
    run = subprocess.run(
        [shutil.which("outloud") or "outloud", "--json", "-", "--fail-on", "error", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    (result,) = json.loads(run.stdout)["results"]
    assert result["counts"]["error"] == 0
    assert result["stats"]["tagged"] is True
    warnings = {f["rule"] for f in result["findings"] if f["severity"] == "warning"}
    assert warnings <= EXPLAINED_WARNINGS, warnings


def test_pdfua_finds_no_error(issue):
    pdfua_finds_no_error(issue[2])


def pdfua_finds_no_error(path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", "-f", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(run.stdout)
    assert report["summary"]["errors"] == 0, report["findings"]
    assert report["summary"]["warnings"] == 0, report["findings"]


def test_pdfa_2_holds(issue):
    """pikepdf checks level B only and knows no extension schema: it reports the level-A
    claim and the PDF/UA identification (which PDF/A-2 allows through the extension
    schema written beside it), and nothing else. Without the PDF/UA claim and at level B,
    the same file passes."""
    _, _, path = issue
    report = pikepdf.pdfa.validate_written(path, "2b")
    unmodelled = [
        f
        for f in report.violations
        if f.rule == "ISO_19005_2:6.6.4-3"
        and "'A'" in f.message
        or f.rule == "ISO_19005_2:6.6.2.3.1-1"
        and re.search(r"pdfuaid|pdfaExtension|pdfaSchema|pdfaProperty", f.message)
    ]
    assert set(report.violations) == set(unmodelled), report.violations
    assert len(unmodelled) == 6  # A, and pdfuaid:part with its schema's three namespaces
    with pikepdf.open(path) as pdf:
        packet = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert 'pdfaid:conformance="A"' in packet and 'pdfaid:part="2"' in packet
        packet = packet.replace('pdfaid:conformance="A"', 'pdfaid:conformance="B"')
        packet = re.sub(r"<rdf:Description[^>]*pdfuaid:part=.*?/>", "", packet)
        schema = r"<rdf:Description rdf:about=\"\"><pdfaExtension.*?</rdf:Description>"
        packet = re.sub(schema, "", packet, flags=re.S)
        packet = re.sub(rf'\s*xmlns:({UA_NAMESPACES})="[^"]*"', "", packet)
        pdf.Root.Metadata.write(packet.encode("utf-8"))
        level_b = io.BytesIO()
        pdf.save(level_b)
    level_b.seek(0)
    stripped = pikepdf.pdfa.validate_written(level_b, "2b")
    assert stripped.violations == (), stripped.violations


# --- the structure tree, read in order ----------------------------------------------


FLOATS = {"Figure", "Caption", "Table"}  # placed by the layout (typeset/floats.py)


def expected_pieces(article) -> list[str]:
    """What an article prints in its text flow, in source order (the typeset text);
    figures and tables float to where the layout places them, and are read there."""
    pieces = [article.title, article.lead]
    for block in article.blocks:
        if block.kind in ("table", "figure"):
            continue
        if block.kind in ("list", "notes"):
            pieces += [item.marker + item.text for item in block.items]
        else:
            pieces.append(block.text)
    return [squash(piece) for piece in [*pieces, article.credit] if squash(piece)]


def test_articles_read_in_source_order(issue):
    """Each Art element holds its article's text, piece by piece in source order; what is
    left over is only what the layout adds (供稿, 注释). Its figures and tables are read
    where they float to, each whole, in source order among themselves."""
    articles_read_in_source_order(*issue[1:])


def articles_read_in_source_order(folder, path) -> None:
    issue = read_issue(folder)
    typeset = typeset_issue(issue, layout_for(issue).marks)
    articles = whole_articles(read_structure(path))
    assert [squash(a.children[0].text) for a in articles] == [
        squash(a.title) for a in typeset.articles
    ]
    for node, article in zip(articles, typeset.articles, strict=True):
        text, at, left = squash(node.text_without(FLOATS)), 0, []
        for piece in expected_pieces(article):
            found = text.find(piece, at)
            assert found >= 0, (article.title, piece, text[at : at + 80])
            left.append(text[at:found])
            at = found + len(piece)
        left.append(text[at:])
        extra = "".join(left).replace("供稿", "").replace("注释", "")
        assert not HAN.search(extra), (article.title, extra)
        floats = [b for b in article.blocks if b.kind in ("table", "figure")]
        captions = [squash(c.text) for c in node.all("Caption")]
        shown = [c for c in captions if not c.startswith("续表")]
        assert shown == [squash(b.caption) for b in floats if b.caption]
        tables, at = "".join(squash(t.text) for t in node.all("Table")), 0  # 续表 parts too
        for cell in (c for b in floats if b.kind == "table" for row in b.grid for c in row):
            found = tables.find(squash(cell), at)
            assert found >= 0, (article.title, cell)
            at = found + len(squash(cell))


def whole_articles(tree) -> list:
    """The Art elements, those of an article's later pages (WeasyPrint makes one per
    page) joined to its first."""
    joined = []
    for node in tree.all("Art"):
        if node.children and node.children[0].kind == "H3" or not joined:
            joined.append(Node(kind="Art", parts=list(node.parts)))
        else:
            joined[-1].parts += node.parts
    return joined


def test_headings_nest_as_the_contents(issue):
    """H1 the masthead, H2 each section's banner, H3 each article's title, H4 its subheads:
    the heading list reads like the contents."""
    headings_nest_as_the_contents(*issue[1:])


def headings_nest_as_the_contents(folder, path) -> None:
    issue = read_issue(folder)
    typeset = typeset_issue(issue, layout_for(issue).marks)
    headings = [
        (node.kind, squash(node.text))
        for node in read_structure(path).walk()
        if re.fullmatch(r"H\d?", node.kind)
    ]
    expected = [("H1", squash(typeset.publication.title))]
    for section in typeset.sections:
        subtitle = f"——{section.subtitle}" if section.subtitle else ""
        expected.append(("H2", squash(section.title + subtitle)))
        for article in (a for a in typeset.articles if a.section == section.title):
            expected.append(("H3", squash(article.title)))
            expected += [("H4", squash(b.text)) for b in article.blocks if b.kind == "subhead"]
    assert headings == expected


def test_figures_have_alt_text_and_tables_header_cells(issue):
    figures_and_tables_described(*issue[1:])


def figures_and_tables_described(folder, path) -> None:
    issue = read_issue(folder)
    typeset = typeset_issue(issue, layout_for(issue).marks)
    blocks = [b for a in typeset.articles for b in a.blocks]
    tree = read_structure(path)
    figures = tree.all("Figure")
    assert [f.alt for f in figures] == [b.alt or b.caption for b in blocks if b.kind == "figure"]
    assert all(f.alt for f in figures)
    tables = tree.all("Table")
    assert len(tables) >= sum(b.kind == "table" for b in blocks)  # a 续表 part is a table too
    for table in tables:
        cells = table.all("TH")
        assert cells and all(cell.scope == "Column" for cell in cells), table.text[:40]
        assert table.all("TD")


def test_contents_are_toc_entries_with_links(issue):
    _, folder, path = issue
    issue = read_issue(folder)
    typeset = typeset_issue(issue, layout_for(issue).marks)
    (toc,) = [n for n in read_structure(path).children if n.kind == "TOC"]
    sections = [n for n in toc.children if n.kind == "TOCI"]
    assert len(sections) == len(typeset.sections)
    entries = [entry for s in sections for inner in s.all("TOC") for entry in inner.children]
    assert [e.kind for e in entries] == ["TOCI"] * len(typeset.articles)
    for entry, article in zip(entries, typeset.articles, strict=True):
        (link, *_) = entry.all("Link")
        assert squash(article.title) in squash(link.text)
        contents = [c for node in entry.all("Link") for c in node.link_contents]
        assert contents and set(contents) == {article.title}


def test_page_furniture_is_artifact(issue):
    """Running heads and folios are artifacts; every other character is tagged."""
    furniture_is_artifact(*issue[1:])


def furniture_is_artifact(folder, path) -> None:
    assert untagged_characters(path) == []
    furniture = artifact_text(path)
    assert "— 1 —" in furniture[0]
    for number, text in enumerate(furniture, start=1):  # padding's pages have none
        assert f"— {number} —" in text or not text
    tree_text = read_structure(path).text
    assert "—1—" not in squash(tree_text)
    issue_model = read_issue(folder)
    running = f"{issue_model.publication.title} · {issue_model.year}年第{issue_model.number}期"
    if len(furniture) > 1:
        assert running in furniture[1]
    assert squash(running) not in squash(tree_text)


@pytest.mark.parametrize(("name", "notes"), [("mini", MINI_NOTES), ("brief", BRIEF_NOTES)])
def test_notes_are_notes_and_their_marks_references(built, name, notes):
    """PDF/UA-1 7.9: each note (注释) a Note with an ID of its own (Matterhorn 19-003,
    19-004), its ① a Lbl; each ① in the text a Reference; read in order, each reference
    before its note. torch (mini) and jianbao (brief), a mark in plain and in **…** text."""
    folder, path = built[name]
    tree = read_structure(path)
    found = tree.all("Note")
    assert [squash(n.text) for n in found] == [squash(mark + text) for mark, text in notes]
    assert [n.children[0].kind for n in found] == ["Lbl"] * len(notes)
    assert [squash(n.children[0].text) for n in found] == [mark for mark, _ in notes]
    idents = [n.ident for n in found]
    assert all(idents) and len(set(idents)) == len(idents)
    references = tree.all("Reference")
    assert [r.text for r in references] == [mark for mark, _ in notes]
    assert not CIRCLED.search(tree.text_without({"Reference", "Note"}))  # no mark left out
    order = list(tree.walk())
    for reference, note in zip(references, found, strict=True):
        assert order.index(reference) < order.index(note)
    assert order.index(references[-1]) < order.index(found[0])  # the notes follow the text
    articles_read_in_source_order(folder, path)
    outloud_finds_no_error(path)
    pdfua_finds_no_error(path)


# --- metadata and links -------------------------------------------------------------


def test_metadata_says_what_the_file_is(built):
    _, path = built["sample"]
    issue = read_issue(SAMPLE)
    sections = [s.title for s in issue.sections]
    with pikepdf.open(path) as pdf:
        info = pdf.docinfo
        assert str(info.Title) == "《火炬动态》2022年第17期"
        assert str(info.Author) == "科技部火炬高技术产业开发中心"
        assert "2022年第17期" in str(info.Subject)
        assert str(info.Keywords).split(", ") == sections
        assert str(info.CreationDate).startswith("D:20221")
        assert str(pdf.Root.Lang) == "zh-CN"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert pdf.Root.MarkInfo.Marked is True
        meta = pdf.open_metadata()
        assert meta["dc:title"] == "《火炬动态》2022年第17期"
        assert meta["pdfuaid:part"] == "1"
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "A"
        assert meta["xmp:CreateDate"].startswith("2022-1")
        assert str(pdf.Root.OutputIntents[0].S) == "/GTS_PDFA1"
        with pdf.open_outline() as outline:
            assert [item.title for item in outline.root] == sections


def test_every_link_is_tagged_printable_and_described(issue):
    _, _, path = issue
    with pikepdf.open(path) as pdf:
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for page in pdf.pages:
            annotations = page.obj.get("/Annots", [])
            if annotations:
                assert page.obj.Tabs == "/S"
            for annotation in annotations:
                assert int(annotation.F) & 4  # printed
                assert str(annotation.Contents).strip()
                assert parents[int(annotation.StructParent)].S == "/Link"


def test_editor_gives_alt_text(built):
    _, path = built["figures"]
    alts = [f.alt for f in read_structure(path).all("Figure")]
    assert EDITOR_ALT in alts
    assert "图2　与会代表发言" not in alts


# --- less when asked; the same bytes; the same pages ---------------------------------


def test_a_plain_pdf_on_request_has_the_same_pages(built, tmp_path):
    folder, tagged = built["mini"]
    plain = build_issue(folder, tmp_path / "plain.pdf", standard="none").path
    with pikepdf.open(plain) as pdf:
        assert "/StructTreeRoot" not in pdf.Root and "/Metadata" not in pdf.Root
    assert _page_images(plain) == _page_images(tagged)


def test_same_content_same_bytes(built, tmp_path):
    folder, tagged = built["mini"]
    again = build_issue(folder, tmp_path / "again.pdf").path
    assert again.read_bytes() == tagged.read_bytes()


def _page_images(path) -> list[bytes]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [page.render(scale=0.5).to_pil().tobytes() for page in document]
    finally:
        document.close()


# --- the seam -----------------------------------------------------------------------


def test_seam_internals_are_there():
    assert check_tags_internals() == []


def test_seam_notices_a_changed_internal(monkeypatch):
    from weasyprint.pdf import tags

    monkeypatch.setattr(tags, "_build_box_tree", lambda box, parent: None)
    assert any("_build_box_tree" in problem for problem in check_tags_internals())


def test_padding_adds_blank_pages(built):
    with pikepdf.open(built["padded"][1]) as pdf, pikepdf.open(built["mini"][1]) as unpadded:
        assert len(pdf.pages) == 4 and len(unpadded.pages) == 2


# --- press files and booklets ---------------------------------------------------------


def test_press_x4_keeps_the_structure(sample_x4):
    """PDF/X-4 + PDF/UA-1: the tree survives the colour conversion and the press pass;
    links (not allowed on paper in PDF/X) leave Span elements behind."""
    outloud_finds_no_error(sample_x4)
    pdfua_finds_no_error(sample_x4)
    articles_read_in_source_order(SAMPLE, sample_x4)
    headings_nest_as_the_contents(SAMPLE, sample_x4)
    figures_and_tables_described(SAMPLE, sample_x4)
    furniture_is_artifact(SAMPLE, sample_x4)
    tree = read_structure(sample_x4)
    assert not tree.all("Link") and len(tree.all("TOCI")) > 10
    with pikepdf.open(sample_x4) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfuaid:part"] == "1"
        assert str(pdf.docinfo.GTS_PDFXVersion) == "PDF/X-4"


def test_press_crop_marks_are_artifacts(tmp_path, built):
    folder, _ = built["mini"]
    path = build_issue(folder, tmp_path / "marks.pdf", press=PressSettings(marks=True)).path
    assert untagged_characters(path) == []
    with pikepdf.open(path) as pdf:
        content = pdf.pages[0].obj.Contents.read_bytes()
    assert content.rstrip().endswith(b"EMC") and b"/Artifact BMC" in content
    outloud_finds_no_error(path)


def test_press_x1a_is_untagged(sample_x1a):
    with pikepdf.open(sample_x1a) as pdf:
        assert "/StructTreeRoot" not in pdf.Root
        assert "pdfuaid" not in pdf.Root.Metadata.read_bytes().decode()


def test_press_x1a_says_it_is_untagged(built, tmp_path):
    folder, _ = built["mini"]
    out = tmp_path / "x1a.pdf"
    run = run_cli("build", str(folder), "--press", "--pdf-x", "1a", "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert "PDF/X-1a (PDF 1.3) is untagged by nature" in run.stderr
    with pikepdf.open(out) as pdf:
        assert "/StructTreeRoot" not in pdf.Root


def test_booklet_sheets_are_untagged_and_say_so(tmp_path, built):
    folder, _ = built["mini"]
    path = build_issue(folder, tmp_path / "sheets.pdf", booklet=Booklet()).path
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" not in pdf.Root
        assert not re.search(r"pdfuaid:|pdfaid:", pdf.Root.Metadata.read_bytes().decode())
        assert all("/StructParents" not in page.obj for page in pdf.pages)
    run = run_cli("preflight", str(path), "--accessible")
    assert run.returncode == 1
    assert "the PDF is not tagged" in run.stdout


# --- compositor preflight --accessible ------------------------------------------------


def test_preflight_accessible_passes_the_sample(sample_pdf):
    run = run_cli("preflight", str(sample_pdf.path), "--accessible")
    assert run.returncode == 0, run.stdout
    assert "accessible structure: clean" in run.stdout


def test_preflight_accessible_names_what_an_editor_fixes(tmp_path):
    """A picture without a caption or alt text, and a table without a header row, in a
    PDF tagged elsewhere (plain WeasyPrint's PDF/UA variant)."""
    from PIL import Image

    picture = tmp_path / "dot.png"
    Image.new("RGB", (20, 20), "red").save(picture)
    html = (
        '<html lang="zh-CN"><title>t</title><h1>标题</h1><h3>小标题</h3>'
        f'<img src="{picture.as_uri()}" alt="">'
        "<table><tr><td>营业收入</td><td>51.3</td></tr></table></html>"
    )
    pdf = tmp_path / "made-elsewhere.pdf"
    with shipped_fonts_only() as font_config:
        import weasyprint

        document = weasyprint.HTML(string=html).render(font_config=font_config)
        document.write_pdf(pdf, pdf_variant="pdf/ua-1")
    run = run_cli("preflight", str(pdf), "--accessible")
    assert run.returncode == 1
    report = run.stdout
    assert "page 1: a picture has no text for a screen reader" in report
    assert "page 1: a picture without a caption (图注)" in report
    assert "page 1: a table without a header row (表头)" in report
    assert "a heading skips a level (H1 to H3)" in report
    assert "put the column names in the row above the |---| line" in report
