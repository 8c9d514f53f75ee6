"""Issue 24, point 3: ``check`` lists every finding of every file — several errors in
one article and the warnings beside them — then the counts; ``build`` still stops."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_mini, run_cli
from PIL import Image

# Seven picture mistakes in one article: four that stop the build, three that only warn
# (pictures too coarse for their printed size), with typed text the build converts.
ARTICLE = """+++
section = "火炬在行动"
title = "图片很多的文章"
+++

会议强调,要抓落实.

![图1　不存在的文件](missing.jpg)

![图2　网上的图片](http://example.com/a.jpg)

![图3　问题宽度](coarse.png){width=abc}

![图4　文件夹外](../outside.jpg)

![图5　太粗](coarse.png){width=150mm}

![图6　太粗](coarse.png){width=140mm}

他说:"很好."

![图7　太粗](coarse.png){width=130mm}
"""


@pytest.fixture(scope="module")
def issue(tmp_path_factory) -> Path:
    folder = copy_mini(tmp_path_factory.mktemp("many"))
    Image.new("RGB", (200, 150), "white").save(folder / "coarse.png")
    (folder / "01b.md").write_text(ARTICLE, encoding="utf-8")
    return folder


def line_of(needle: str) -> int:
    return next(n for n, line in enumerate(ARTICLE.split("\n"), 1) if needle in line)


@pytest.fixture(scope="module")
def checked(issue: Path):
    return run_cli("check", str(issue))


def findings(checked, issue: Path, level: str) -> list[int]:
    prefix = f"{issue / '01b.md'}:"
    return [
        int(line.split(":")[1])
        for line in checked.stdout.splitlines()
        if line.startswith(prefix) and f": {level}: " in line
    ]


def test_every_error_of_the_article_is_listed(checked, issue):
    assert findings(checked, issue, "error") == [
        line_of("missing.jpg"),
        line_of("http://"),
        line_of("width=abc"),
        line_of("../outside"),
    ]
    assert checked.returncode == 2


def test_the_warnings_beside_the_errors_are_listed_too(checked, issue):
    warned = findings(checked, issue, "warning")
    # the three coarse pictures that could be placed …
    for needle in ("width=150mm", "width=140mm", "width=130mm"):
        assert line_of(needle) in warned, checked.stdout
    # … and the typed text: , and . on one line, the quotes, the : and the . on another
    assert warned.count(line_of("会议强调")) == 2
    assert warned.count(line_of("他说")) == 4


def test_the_counts_come_last(checked, issue):
    last = checked.stdout.splitlines()[-1]
    errors = len(findings(checked, issue, "error"))
    warnings = len(findings(checked, issue, "warning"))
    assert last == f"{issue}: {errors} errors, {warnings} warnings"


def test_the_build_still_stops_on_the_first_error(issue, tmp_path):
    result = run_cli("build", str(issue), "-o", str(tmp_path / "x.pdf"))
    assert result.returncode == 2
    assert f"{issue / '01b.md'}:{line_of('missing.jpg')}: " in result.stderr
    assert not (tmp_path / "x.pdf").exists()
