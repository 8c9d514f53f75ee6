"""No reach outside: every resource goes through one fetcher, confined to the issue,
layout and fonts folders, and never to the network.

Content cannot put a URL into the HTML (see test_hostile_content.py), so the fetcher
is tested directly and through a layout whose CSS references forbidden URLs. A
recording server on 127.0.0.1 proves that no request is ever made.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import DATA, ROOT
from loopback import recording_server
from typer.testing import CliRunner
from weasyprint.urls import FatalURLFetchingError

from compositor.cli import app
from compositor.render.pdf import DATA_URL_LIMIT, make_fetcher

FONTS = ROOT / "fonts"


@pytest.fixture(scope="module")
def server():
    with recording_server() as recorder:
        yield recorder


@pytest.fixture
def server_is_silent(server):
    """Each test starts and must end with no request on the server."""
    server.requests.clear()
    yield server
    assert server.requests == [], "a build reached the network"


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    return tmp_path / "mini" / "2023-01"


@pytest.fixture
def fetcher(issue: Path):
    return make_fetcher((issue, ROOT / "layouts" / "torch", FONTS))


def data_url(size: int) -> str:
    """A data: URL exactly ``size`` characters long."""
    prefix = "data:text/plain,"
    return prefix + "x" * (size - len(prefix))


# --- the fetcher itself ----------------------------------------------------------------


def test_files_in_the_allowed_folders_are_read(fetcher, issue):
    response = fetcher.fetch((issue / "01.md").as_uri())
    assert response.read() == (issue / "01.md").read_bytes()
    font = next(FONTS.glob("*.otf"))
    assert fetcher.fetch(font.as_uri()).read()[:4] == font.read_bytes()[:4]


def test_an_issue_url_reads_a_file_of_the_issue_folder_only(fetcher, issue):
    """issue:NAME (the pictures' location-free URLs, issue 14) is relative to the issue."""
    assert fetcher.fetch("issue:01.md").read() == (issue / "01.md").read_bytes()
    for escape in ("issue:../../../../../../etc/passwd", "issue:/../../../../../etc/passwd"):
        with pytest.raises(FatalURLFetchingError) as refused:
            fetcher.fetch(escape)
        assert "outside the issue, layout and fonts folders" in str(refused.value)


def test_a_small_data_url_is_read(fetcher):
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/direct.png",
        "https://127.0.0.1:{port}/direct.png",
        "ftp://127.0.0.1:{port}/direct.png",
        "file://127.0.0.1:{port}/direct.png",
    ],
)
def test_the_network_is_refused(url, fetcher, server_is_silent):
    url = url.format(port=server_is_silent.port)
    with pytest.raises(FatalURLFetchingError) as refused:
        fetcher.fetch(url)
    assert url in str(refused.value)
    assert "never reaches the network" in str(refused.value)


@pytest.mark.parametrize("reference", ["/etc/passwd", "{issue}/../../../../../../etc/passwd"])
def test_files_outside_are_refused(reference, fetcher, issue):
    url = "file://" + reference.format(issue=issue)
    with pytest.raises(FatalURLFetchingError) as refused:
        fetcher.fetch(url)
    assert "outside the issue, layout and fonts folders" in str(refused.value)


def test_a_sibling_folder_with_a_shared_prefix_is_outside(fetcher, issue):
    """/…/2023-01-private is not under /…/2023-01, whatever the string prefix says."""
    sibling = issue.with_name(issue.name + "-private")
    sibling.mkdir()
    (sibling / "secret.txt").write_text("secret", encoding="utf-8")
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch((sibling / "secret.txt").as_uri())


@pytest.mark.parametrize("target", ["/etc/passwd", "/etc"])
def test_a_symlink_in_the_issue_folder_pointing_outside_is_refused(target, fetcher, issue):
    os.symlink(target, issue / "link")
    url = (issue / "link").as_uri() + ("/passwd" if target == "/etc" else "")
    with pytest.raises(FatalURLFetchingError) as refused:
        fetcher.fetch(url)
    assert url in str(refused.value)


def test_a_data_url_over_the_limit_is_refused(fetcher):
    assert fetcher.fetch(data_url(DATA_URL_LIMIT)).read()
    with pytest.raises(FatalURLFetchingError) as refused:
        fetcher.fetch(data_url(DATA_URL_LIMIT + 1))
    assert f"{DATA_URL_LIMIT + 1} bytes (limit {DATA_URL_LIMIT})" in str(refused.value)


# --- through a build: a layout whose CSS references forbidden URLs ---------------------

# (CSS prepended to the copied layout's style.css, the reference the error must name)
LAYOUT_CASES = {
    "import": ('@import url("{server}/import.css");', "{server}/import.css"),
    "background": ('html {{ background: url("{server}/bg.png") }}', "{server}/bg.png"),
    "font": (
        '@font-face {{ font-family: remote; src: url("{server}/font.woff") }}'
        " html {{ font-family: remote, role-body }}",
        "{server}/font.woff",
    ),
    "passwd": ('html {{ background: url("file:///etc/passwd") }}', "file:///etc/passwd"),
    "dotdot": ('html {{ background: url("../../../../../../../etc/passwd") }}', "/etc/passwd"),
    "symlink": ('@import "outside.css";', "outside.css"),
    "issue-symlink": ('html {{ background: url("{issue}/link.png") }}', "{issue}/link.png"),
    "data": ('html {{ background: url("{data}") }}', f"limit {DATA_URL_LIMIT}"),
}


@pytest.mark.parametrize("case", LAYOUT_CASES)
def test_a_layout_reaching_outside_fails_the_build_naming_the_reference(
    case, issue, tmp_path, monkeypatch, server_is_silent
):
    layouts = tmp_path / "layouts"
    shutil.copytree(ROOT / "layouts", layouts)
    os.symlink("/etc/passwd", layouts / "torch" / "outside.css")
    os.symlink("/etc/passwd", issue / "link.png")
    values = {
        "server": f"http://127.0.0.1:{server_is_silent.port}",
        "issue": issue.as_uri(),
        "data": data_url(DATA_URL_LIMIT + 100),
    }
    css, reference = (part.format(**values) for part in LAYOUT_CASES[case])
    style = layouts / "torch" / "style.css"
    style.write_text(css + "\n" + style.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out.pdf"

    result = CliRunner().invoke(
        app, ["build", str(issue), "--layout", str(layouts / "torch"), "-o", str(out)]
    )

    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {layouts / 'torch'}: refused")
    assert reference in result.output
    assert "check the layout's CSS and template" in result.output
    assert not out.exists()


def test_the_untouched_layout_copy_builds(issue, tmp_path, monkeypatch, server_is_silent):
    """The cases above fail because of the CSS they add, not because of the copy."""
    layouts = tmp_path / "layouts"
    shutil.copytree(ROOT / "layouts", layouts)
    result = CliRunner().invoke(
        app,
        ["build", str(issue), "--layout", str(layouts / "torch"), "-o", str(tmp_path / "out.pdf")],
    )
    assert result.exit_code == 0, result.output
