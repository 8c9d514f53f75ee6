"""``compositor preview``'s JSON API, without a browser: source at a point for every
paragraph, title, subhead, credit and caption of the sample; findings; and the guards
(Host, Origin, token, nothing outside the build output, never writing the content).

One preview serves the whole module, on a copy of the sample issue.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pypdfium2 as pdfium
import pytest
from conftest import SAMPLE, edit, terminated

from compositor.cli.preview import serving
from compositor.content.validate import read_findings
from compositor.layout import layout_for
from compositor.model import Figure, Paragraph, Subhead, Table
from compositor.preview.boxes import check_box_internals
from compositor.text import typeset_issue

MM = 25.4 / 72
PREFIX = 12  # characters of each piece looked for in the PDF


def copy_sample(tmp_path: Path) -> Path:
    """A copy of the sample publication (publication.toml and the issue folder)."""
    shutil.copy(SAMPLE.parent / "publication.toml", tmp_path / "publication.toml")
    shutil.copytree(SAMPLE, tmp_path / SAMPLE.name)
    return tmp_path / SAMPLE.name


@dataclass
class Client:
    host: str
    port: int
    token: str

    def request(self, method: str, path: str, *, token: bool = True, headers=None, body=None):
        if token:
            path += ("&" if "?" in path else "?") + f"token={self.token}"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read(), response
        finally:
            connection.close()

    def json(self, path: str, **options):
        status, data, _response = self.request("GET", path, **options)
        return status, json.loads(data)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = copy_sample(tmp_path_factory.mktemp("preview-api"))
    record = folder.parent / "opened.txt"
    editor = f"{sys.executable} -c \"import sys; open(sys.argv[1], 'w').write(sys.argv[2])\" "
    editor += f"{record} {{file}}:{{line}}:{{column}}"
    digests = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.iterdir()
    }
    with serving(folder, editor=editor) as running:
        url = urlsplit(running.url)
        client = Client(url.hostname, url.port, url.query.split("=", 1)[1])
        yield folder, client, running, record
    after = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.iterdir()}
    assert after == digests, "the preview wrote into the issue folder"


@pytest.fixture(scope="module")
def printed(served):
    """The preview's pages, as pdfium reads them: the page texts to find snippets in."""
    _folder, _client, running, _record = served
    return Printed.of_preview(running.preview)


class Printed:
    """The pages' text without whitespace (the PDF spaces Latin from Han), with where
    each remaining character is drawn and which characters begin a printed line."""

    @classmethod
    def of_preview(cls, preview) -> Printed:
        """The preview's current pages, each read from the PDF the build drew it into
        (a rebuild draws only the pages that changed)."""
        documents = []
        try:
            pages = []
            for key in preview.images.keys:
                drawn = preview.images.drawn(key)
                documents.append(pdfium.PdfDocument(drawn.pdf))
                pages.append(documents[-1][drawn.index])
            return cls(pages)
        finally:
            for document in documents:
                document.close()

    @classmethod
    def of_pdf(cls, path: Path) -> Printed:
        document = pdfium.PdfDocument(path)
        try:
            return cls([document[index] for index in range(len(document))])
        finally:
            document.close()

    def __init__(self, pages) -> None:
        self.pages = []
        for page in pages:
            height = page.get_height()
            text = page.get_textpage()
            chars, places, starts = [], [], set()
            for at in range(text.count_chars()):
                char = text.get_text_range(at, 1)
                if char.strip():
                    left, bottom, right, top = text.get_charbox(at)
                    place = ((left + right) / 2 * MM, (height - (top + bottom) / 2) * MM)
                    if not places or abs(place[1] - places[-1][1]) > 1 or place[0] < places[-1][0]:
                        starts.add(len(chars))
                    chars.append(char)
                    places.append(place)
            self.pages.append(("".join(chars), places, starts))
            text.close()

    def occurrences(
        self, snippet: str, *, skip: int = 0, line_start: bool = True
    ) -> list[tuple[int, float, float]]:
        """(page, x mm, y mm from the top-left) of the centre of the character ``skip``
        characters into each occurrence of ``snippet`` that begins a printed line."""
        snippet = "".join(snippet.split())
        found = []
        for number, (text, places, starts) in enumerate(self.pages, start=1):
            at = text.find(snippet)
            while at >= 0:
                if at in starts or not line_start:
                    found.append((number, *places[at + skip]))
                at = text.find(snippet, at + 1)
        return found


def line_of(path: Path, pattern: str) -> int:
    """The 1-based line of a file that matches ``pattern``, read from the file itself."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if re.search(pattern, line):
            return number
    raise AssertionError(f"{pattern!r} not in {path}")


def typed_in(folder: Path, answer, snippet: str) -> bool:
    """Whether the file and line answered hold ``snippet`` as typed."""
    if not isinstance(answer, tuple):
        return False
    lines = (folder / answer[0]).read_text(encoding="utf-8").split("\n")
    return "".join(snippet.split()) in "".join(lines[answer[1] - 1].split())


def expected_pieces(folder: Path):
    """(what to find in the PDF, file, the line it was typed on), for every title,
    paragraph, subhead, credit and caption."""
    issue = read_findings(folder).issue
    issue = typeset_issue(issue, layout_for(issue).marks)
    for article in issue.articles:
        path = article.source.path
        name = path.name
        yield article.title, name, line_of(path, r"^title\s*=")
        if article.credit:
            yield "（供稿：" + article.credit, name, line_of(path, r"^credit\s*=")
        raw = path.read_text(encoding="utf-8").split("\n")
        for block in article.blocks:
            if isinstance(block, Paragraph | Subhead):
                # the line where the block starts, found by its first typed characters
                line = block.source.line
                assert raw[line - 1].strip(), f"{name}:{line} is blank"
                yield block.text, name, line
            elif isinstance(block, Figure) and block.caption:
                yield block.caption, name, line_of(path, re.escape("![" + block.caption[:4]))
            elif isinstance(block, Table) and block.caption:
                yield block.caption, name, line_of(path, r"^Table:")


def test_source_at_the_first_line_of_every_piece(served, printed):
    """The centre of each piece's first character asks /api/source. A title also prints
    in the contents, and a paragraph may start with the same words as another piece:
    every place the words print at the start of a line must answer one of the pieces
    that start with them, or a line typed with these words in it (a paragraph whose
    later line starts with them), and each piece's own line must be among the answers."""
    folder, client, _running, _record = served
    pieces = [
        ("".join(text.split())[:PREFIX], file, line) for text, file, line in expected_pieces(folder)
    ]
    wrong = []
    for snippet, file, line in pieces:
        hits = printed.occurrences(snippet, skip=4 if snippet.startswith("（供稿：") else 0)
        sharing = {(f, n) for s, f, n in pieces if s.startswith(snippet) or snippet.startswith(s)}
        answers = set()
        for page, x, y in hits:
            status, found = client.json(f"/api/source?page={page}&x={x:.2f}&y={y:.2f}")
            answer = (found.get("file"), found.get("line")) if status == 200 else status
            answers.add(answer)
            if answer not in sharing and not typed_in(folder, answer, snippet):
                wrong.append(
                    f"{snippet!r} p{page} ({x:.0f},{y:.0f}) mm: {answer} not {file}:{line}"
                )
        if (file, line) not in answers:
            wrong.append(f"{snippet!r} ({file}:{line}) printed at {hits}, answered {answers}")
    assert not wrong, "\n".join(wrong)
    assert len(pieces) > 100  # the sample has 13 articles of several paragraphs each


def test_masthead_and_colophon_point_into_the_toml_files(served, printed):
    folder, client, _running, _record = served
    cases = [
        ("2022年10月18日", "issue.toml", line_of(folder / "issue.toml", r"^date\s*=")),
        (
            "北京市西城区三里河",
            "../publication.toml",
            line_of(folder.parent / "publication.toml", r"^address\s*="),
        ),
    ]
    for snippet, file, line in cases:
        [(page, x, y)] = printed.occurrences(snippet, line_start=False)
        status, found = client.json(f"/api/source?page={page}&x={x:.2f}&y={y:.2f}")
        assert status == 200 and (found["file"], found["line"]) == (file, line), found


def test_nothing_from_the_source_in_the_margin(served):
    _folder, client, _running, _record = served
    status, found = client.json("/api/source?page=2&x=2&y=2")
    assert status == 404, found
    assert client.json("/api/source?page=99&x=50&y=50")[0] == 404
    assert client.json("/api/source?page=x")[0] == 400


def test_pages_list_every_page_with_an_image(served, sample_pdf):
    _folder, client, running, _record = served
    status, pages = client.json("/api/pages")
    assert status == 200 and pages["build"] and not pages["error"]
    count = len(pdfium.PdfDocument(sample_pdf.path))  # the sample as `compositor build` prints it
    assert [page["number"] for page in pages["pages"]] == list(range(1, count + 1))
    status, image, response = client.request("GET", pages["pages"][0]["image"])
    assert status == 200 and response.getheader("Content-Type") == "image/jpeg"
    assert image[:3] == b"\xff\xd8\xff"
    import io

    from PIL import Image

    width, height = Image.open(io.BytesIO(image)).size
    css_width = 210 / 25.4 * 96  # A4 in CSS pixels
    assert width >= 2 * css_width - 2  # by default two image pixels per CSS pixel: HiDPI
    for scale in (1, 3):  # as many as the page asks for: its screen's devicePixelRatio
        status, image, _response = client.request(
            "GET", f"{pages['pages'][0]['image']}?scale={scale}"
        )
        assert status == 200
        assert abs(Image.open(io.BytesIO(image)).size[0] - scale * css_width) <= 2
    for wrong in ("0", "4", "x"):
        status, _image, _response = client.request(
            "GET", f"{pages['pages'][0]['image']}?scale={wrong}"
        )
        assert status == 400


def test_findings_carry_file_line_and_page(served):
    folder, client, _running, _record = served
    status, answer = client.json("/api/findings")
    assert status == 200
    from compositor.check.report import check_issue

    expected = [(f.line, f.message) for f in check_issue(folder).findings]
    assert [(max(f["line"], 1), f["message"]) for f in answer["findings"]] == [
        (max(line, 1), message) for line, message in expected
    ]


def test_guards(served):
    _folder, client, _running, _record = served
    assert client.request("GET", "/api/pages", token=False)[0] == 403
    assert client.request("GET", "/api/pages?token=wrong", token=False)[0] == 403
    rebound = {"Host": f"attacker.example:{client.port}"}
    assert client.request("GET", "/api/pages", headers=rebound)[0] == 421
    other = {"Origin": "http://attacker.example"}
    assert client.request("GET", "/api/pages", headers=other)[0] == 403
    for path in ("/pages/../../publication.toml", "/issue.toml", "/static/../live.py"):
        assert client.request("GET", path)[0] == 404, path
    assert client.request("GET", "/static/preview.js", token=False)[0] == 200
    status, page, response = client.request("GET", "/")
    assert status == 200 and client.token.encode() in page
    assert "script-src 'self'" in response.getheader("Content-Security-Policy")


def test_open_in_the_editor(served):
    folder, client, _running, record = served
    origin = {"Origin": f"http://{client.host}:{client.port}", "Content-Type": "application/json"}
    body = json.dumps({"file": "03.md", "line": 7, "column": 1})
    assert client.request("POST", "/api/open", body=body)[0] == 403  # no Origin: not our page
    status, answer, _response = client.request("POST", "/api/open", body=body, headers=origin)
    assert status == 200, answer
    import time

    for _ in range(100):
        if record.exists() and record.read_text():
            break
        time.sleep(0.05)
    assert record.read_text() == f"{folder.resolve() / '03.md'}:7:1"
    outside = json.dumps({"file": "../../../etc/passwd", "line": 1, "column": 1})
    assert client.request("POST", "/api/open", body=outside, headers=origin)[0] == 404


def test_weasyprint_box_internals():
    check_box_internals()


def test_against_an_approved_pdf_marks_the_changed_regions(sample_pdf, tmp_path):
    """--against: the page an edit changed has regions, the others none, and the region
    covers where the edited words print."""
    from compositor.preview.live import Preview

    approved = tmp_path / "approved.pdf"
    approved.write_bytes(sample_pdf.path.read_bytes())
    folder = copy_sample(tmp_path)
    edit(folder / "03.md", "热血沸腾！", "热血沸腾！！！")
    preview = Preview(folder, against=approved)
    try:
        preview.rebuild()
        pages = preview.pages()["pages"]
        page, x, y = Printed.of_preview(preview).occurrences("热血沸腾", line_start=False)[0]
    finally:
        preview.close()
    changed = [p["number"] for p in pages if p["differences"]]
    assert page in changed and changed[0] == page
    assert any(
        r["x"] <= x <= r["x"] + r["width"] and r["y"] <= y <= r["y"] + r["height"]
        for r in pages[page - 1]["differences"]
    )
    assert not any(p["differences"] for p in pages[: page - 1])


def test_marks_are_the_only_difference_from_the_print_html():
    """A print build's HTML has no data-src; the preview's is the same HTML with them
    added (so the layout, and the published PDF's bytes, do not depend on the preview)."""
    from compositor.build import layout_for
    from compositor.content.marks import SourceMarks
    from compositor.render.html import render_html

    issue = read_findings(SAMPLE).issue
    issue = typeset_issue(issue, layout_for(issue).marks)
    layout = layout_for(issue)
    options = {"timestamp": "2022-10-18T00:00:00Z", "press": False}
    printed = render_html(issue, layout, {}, **options).html
    marked = render_html(issue, layout, {}, marks=SourceMarks(issue), **options).html
    assert "data-src" not in printed
    assert marked.count(' data-src="') > 150
    assert re.sub(r' data-src="[^"]*"', "", marked) == printed


def test_table_cells_and_captions(tmp_path):
    """Table cells (header and body), a table's caption and a figure's caption point at
    the pipe-table line and the cell's column, the Table: line, the picture's line; the
    second line of a cell broken with <br> points at its cell too."""
    from conftest import DATA, draw_pictures

    from compositor.preview.live import Preview

    shutil.copytree(DATA / "figures", tmp_path / "figures")
    folder = tmp_path / "figures" / "2023-02"
    draw_pictures(folder)
    edit(folder / "02.md", "| 工业总产值 |", "| 工业<br>总产值 |")
    lines = (folder / "02.md").read_text(encoding="utf-8").split("\n")

    def typed(pattern: str, cell: str = "") -> tuple[str, int, int]:
        line = line_of(folder / "02.md", pattern)
        return "02.md", line, lines[line - 1].index(cell) + 1 if cell else 0

    cases = [
        ("51.3", typed(r"^\| 营业收入", "51.3")),
        ("单位", typed(r"^\| 指标", "单位")),
        ("研发经费支出", typed(r"^\| 研发经费支出", "研发经费支出")),
        ("总产值", typed(r"^\| 工业<br>", "工业")),
        ("表1　2022年国家高新区", typed(r"^Table:")),
        ("图4　各季度营业收入增长", typed(r"^!\[图4")),
    ]
    preview = Preview(folder)
    try:
        assert preview.rebuild().kind == "build", preview.error
        printed = Printed.of_preview(preview)
        for text, (file, line, column) in cases:
            page, x, y = printed.occurrences(text, line_start=False)[0]
            found = preview.source_at(page, x, y)
            assert found is not None, text
            assert (found["file"], found["line"]) == (file, line), text
            if column:
                assert found["column"] == column, text
    finally:
        preview.close()


def test_the_command_prints_its_address_and_serves(tmp_path):
    """`compositor preview --no-open`: a free loopback port and a token in the printed
    address, which answers; another --host is warned about."""
    import subprocess

    from conftest import ROOT

    folder = copy_sample(tmp_path)
    command = [sys.executable, "-X", "faulthandler", "-m", "compositor", "preview", str(folder)]
    process = subprocess.Popen(
        [*command, "--no-open", "--host", "localhost"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline()
        match = re.fullmatch(r"preview: http://localhost:(\d+)/\?token=([\w-]{32})\n", first)
        assert match, first
        client = Client("localhost", int(match[1]), match[2])
        status, pages = client.json("/api/pages")
        assert status == 200 and len(pages["pages"]) >= 10
    finally:
        errors = terminated(process, 30)  # or fails with the stacks of its threads
    assert "warning" not in errors  # localhost is loopback: no warning
    # it wrote nothing beside the content (its PDF went to a temporary folder)
    assert set(folder.parent.iterdir()) == {folder, folder.parent / "publication.toml"}


def test_a_sigterm_whose_interrupt_python_loses_still_stops_the_preview(tmp_path):
    """Python loses a KeyboardInterrupt raised in a weakref callback (importlib runs one
    after each import, and the preview imports watchfiles right after printing its
    address): the preview stops on SIGTERM all the same, and removes its scratch folder."""
    import subprocess

    from conftest import ROOT, cli_losing_an_interrupt, ended

    folder = copy_sample(tmp_path)
    temp = tmp_path / "tmp"
    temp.mkdir()
    command = cli_losing_an_interrupt(
        "compositor.cli.preview.watch", "preview", str(folder), "--no-open"
    )
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().startswith("preview: http://127.0.0.1:")
    finally:
        errors = ended(process, 30)  # the SIGTERM comes by itself, once the address is out
    assert "Exception ignored" in errors and "KeyboardInterrupt" in errors  # it was lost
    assert list(temp.iterdir()) == []  # stopped as by Ctrl+C: the scratch folder is gone


def test_another_host_is_warned_about(tmp_path):
    import subprocess

    from conftest import ROOT

    result = subprocess.run(
        [sys.executable, "-m", "compositor", "preview", str(tmp_path / "missing")]
        + ["--no-open", "--host", "0.0.0.0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "warning: listening on 0.0.0.0" in result.stderr
    assert result.returncode == 2  # and the missing folder is an error, as for watch
