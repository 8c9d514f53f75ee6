"""Hostile content prints literally and never acts (tests/data/hostile).

The fixture is built once through the CLI while a recording HTTP server listens on
127.0.0.1; every line an editor typed must come back out of the PDF as text, and no
request may reach the server. Expectations are read from the raw files, never from
the reader's model, so a reader that swallowed markup would fail here.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pikepdf
import pytest
from conftest import DATA, ROOT, RenderedPdf, read_pdf, run_cli, squash
from loopback import copy_with_port, recording_server

HOSTILE = DATA / "hostile"
# PDF actions that would make a viewer do something: run code, open a URL or a file.
ACTIVE_ACTIONS = {"/JavaScript", "/URI", "/Launch", "/SubmitForm", "/ImportData", "/GoToR"}


@pytest.fixture(scope="module")
def server():
    with recording_server() as recorder:
        yield recorder


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, server) -> Path:
    """The hostile publication with the server's port; returns its issue folder."""
    root = tmp_path_factory.mktemp("hostile") / "hostile"
    return copy_with_port(HOSTILE, root, server.port) / "2023-01"


@pytest.fixture(scope="module")
def hostile_pdf(hostile: Path, server) -> RenderedPdf:
    out = hostile.parent.parent / "hostile.pdf"
    result = run_cli("build", str(hostile), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return read_pdf(out)


def document_text(pdf: RenderedPdf) -> str:
    return squash("".join(pdf.pages))


def body_lines(article: Path) -> list[str]:
    """The article's body lines as typed, without the Markdown subhead marker."""
    body = article.read_text(encoding="utf-8").split("+++")[2]
    return [re.sub(r"^##\s+", "", line) for line in body.splitlines() if line.strip()]


def toml_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in toml_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in toml_strings(item)]
    return []


def front_matter(article: Path) -> dict:
    return tomllib.loads(article.read_text(encoding="utf-8").split("+++")[1])


@pytest.mark.parametrize("name", ["01.md", "02.md", "03.md"])
def test_every_body_line_prints_literally(name, hostile, hostile_pdf):
    text = document_text(hostile_pdf)
    lines = body_lines(hostile / name)
    assert len(lines) >= 8
    missing = [line for line in lines if squash(line) not in text]
    assert not missing, f"not printed literally: {missing}"


@pytest.mark.parametrize("name", ["01.md", "02.md", "03.md"])
def test_every_front_matter_value_prints_literally(name, hostile, hostile_pdf):
    text = document_text(hostile_pdf)
    values = toml_strings(front_matter(hostile / name))
    missing = [value for value in values if squash(value) not in text]
    assert not missing, f"not printed literally: {missing}"


@pytest.mark.parametrize("name", ["publication.toml", "2023-01/issue.toml"])
def test_every_toml_string_prints_literally(name, hostile, hostile_pdf):
    text = document_text(hostile_pdf)
    data = tomllib.loads((hostile.parent / name).read_text(encoding="utf-8"))
    values = [value for value in toml_strings(data) if value != "torch"]  # the layout's name
    assert len(values) >= 5
    missing = [value for value in values if squash(value) not in text]
    assert not missing, f"not printed literally: {missing}"


def test_template_syntax_is_not_evaluated(hostile_pdf):
    text = document_text(hostile_pdf)
    assert "before{{7*7}}after" in text
    assert "before49after" not in text
    assert "loop{%endfor%}" in text and "looplooploop" not in text


def test_nothing_was_fetched(hostile_pdf, server):
    assert "127.0.0.1:" in document_text(hostile_pdf)  # the URLs are there, as text
    assert server.requests == []


def test_the_pdf_has_no_actions_links_or_images(hostile_pdf):
    with pikepdf.open(hostile_pdf.path) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary):
                continue
            assert "/JS" not in obj and "/JavaScript" not in obj
            assert str(obj.get("/S", "")) not in ACTIVE_ACTIONS
            assert str(obj.get("/Subtype", "")) != "/Image"  # no <img> was loaded


# --- pictures that may not be placed: refused, never read ---------------------------


@pytest.fixture
def writable(tmp_path: Path, server) -> Path:
    return copy_with_port(HOSTILE, tmp_path / "hostile", server.port) / "2023-01"


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("http://127.0.0.1:PORT/a.png", "a build never fetches a URL"),
        ("photo.png", "not a picture Pillow can read"),  # a text file named .png
        ("/etc/passwd", "an absolute path"),
    ],
)
def test_an_image_is_refused_naming_the_article_line_and_reference(
    source, reason, writable, server
):
    shutil.copy(ROOT / "tests" / "data" / "mini" / "2023-01" / "01.md", writable / "photo.png")
    article = (HOSTILE / "image-article.md").read_text(encoding="utf-8")
    reference = source.replace("PORT", str(server.port))
    (writable / "04.md").write_text(
        article.replace("http://127.0.0.1:PORT/a.png", reference), encoding="utf-8"
    )
    result = run_cli("build", str(writable), "-o", str(writable / "out.pdf"))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "04.md:8: ![a picture]" in result.stderr and reason in result.stderr
    assert f"![a picture]({reference})" in result.stderr
    assert not (writable / "out.pdf").exists()
    assert server.requests == []


# --- the layout is a name, never a path ------------------------------------------------


def test_publication_cannot_point_the_layout_outside_layouts(writable):
    """A layout's templates are code; content must not be able to pick its own."""
    evil = writable / "evil-layout"
    shutil.copytree(ROOT / "layouts" / "torch", evil)
    (evil / "issue.html.j2").write_text("<p>layout {{ 6*7 }} acted</p>", encoding="utf-8")
    publication = writable.parent / "publication.toml"
    text = publication.read_text(encoding="utf-8")
    publication.write_text(text.replace('"torch"', f'"{evil}"'), encoding="utf-8")
    result = run_cli("build", str(writable), "-o", str(writable / "out.pdf"))
    assert result.returncode == 2, result.stderr
    assert "publication.toml:3: layout" in result.stderr
    assert "not a path" in result.stderr
    assert not (writable / "out.pdf").exists()
