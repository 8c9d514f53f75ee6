"""`compositor preflight --press` on press builds of correct issues other than the sample.

The legacy texts imported, and generated issues of 12 to 21 articles, are typeset
correctly: preflight must find nothing (no contents line, subhead, one-line paragraph
or credit taken for a faulty paragraph line), say PASS and exit 0.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DATA, ROOT
from generated_issue import write_generated_issue
from typer.testing import CliRunner

from compositor.build import build_issue
from compositor.cli import app
from compositor.importer.run import import_legacy
from compositor.press.output import PressSettings

LEGACY = ("torch-2023-05", "torch-2023-11")
GENERATED = (12, 14, 21)  # 14: a page of short paragraphs; 21: one under a banner at a page head


@pytest.fixture(scope="module")
def press_pdfs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("issues")
    pdfs = {}
    for name in LEGACY:
        publication = root / name / "torch"
        publication.mkdir(parents=True)
        shutil.copy(ROOT / "content" / "torch" / "publication.toml", publication)
        issue = publication / name.removeprefix("torch-")
        import_legacy(DATA / "legacy" / f"{name}.txt", issue)
        pdfs[name] = build_issue(issue, root / f"{name}.pdf", press=PressSettings()).path
    for articles in GENERATED:
        publication = root / f"generated-{articles}" / "torch"
        publication.mkdir(parents=True)
        shutil.copy(ROOT / "content" / "torch" / "publication.toml", publication)
        issue = write_generated_issue(publication, articles)
        target = root / f"generated-{articles}.pdf"
        pdfs[f"generated-{articles}"] = build_issue(issue, target, press=PressSettings()).path
    return pdfs


@pytest.mark.parametrize("name", [*LEGACY, *(f"generated-{n}" for n in GENERATED)])
def test_a_correct_press_build_passes_preflight(press_pdfs, name):
    result = CliRunner().invoke(app, ["preflight", "--press", str(press_pdfs[name])])
    lines = result.output.splitlines()
    assert "clean" in lines, result.output
    assert lines[-1].startswith("PASS"), result.output
    assert result.exit_code == 0, result.output


def test_the_verdict_line_agrees_with_the_exit_status(tmp_path):
    """Typesetting findings make the last line a FAIL naming them, whatever the press checks
    found: never "PASS" above exit status 1."""
    import weasyprint

    font = ROOT / "fonts" / "CompositorSong-Regular.otf"
    html = f"""<html lang="zh-CN"><style>
      @font-face {{ font-family: body; src: url({font.as_uri()}) }}
      @page {{ size: 250pt 600pt; margin: 25pt }}
      p {{ font: 10pt/1.6 body; margin: 0; text-indent: 2em; text-align: justify }}
    </style>{"<p>国家高新区,科技创新。</p>" * 6}</html>"""
    plain = tmp_path / "plain.pdf"
    weasyprint.HTML(string=html).write_pdf(plain)
    result = CliRunner().invoke(app, ["preflight", "--press", str(plain)])
    assert result.exit_code == 1
    last = result.output.splitlines()[-1]
    assert last.startswith("FAIL") and "typesetting findings" in last, result.output
