"""`compositor preflight` on PDFs made without our typesetting, and with it.

The faulty PDF is made by plain WeasyPrint (as a PDF from elsewhere would be): each
paragraph is written to break one rule, and preflight must name every one of them.
"""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT, run_cli, weasy_write

from compositor.layout import Typesetting
from compositor.preflight.typography import preflight
from compositor.weasy.linebreak import cjk_typesetting

FONT = ROOT / "fonts" / "CompositorSong-Regular.otf"
FILLER = "国家高新区发展的新成效和科技创新的新突破，" * 4

PARAGRAPHS = [
    FILLER,
    "一二三四五六七八九十一二三四五六七八九“十”一二三四五" + FILLER,  # Pango: short line
    "他说：“好。”然后走了。" + FILLER,  # 。” and ：“ at full width
    "截至2022年底共有100多家" + FILLER,  # no Han-Latin space
    "国家高新区,科技创新" + FILLER,  # ASCII comma in Chinese text
    "一二三四五六七八九十" * 3 + "一二三四五六七八家。",  # 18 + 20 characters, then 家。 alone
    "第一行<br>。第二行从句号开始" + FILLER,  # a forced break puts 。 first
]


def write(path: Path, typeset: bool) -> Path:
    html = f"""<html lang="zh-CN"><style>
      @font-face {{ font-family: body; src: url({FONT.as_uri()}) }}
      @page {{ size: 250pt 1200pt; margin: 25pt }}
      body {{ margin: 0 }}
      p {{ font: 10pt/1.6 body; margin: 0; text-indent: 2em; text-align: justify }}
    </style>{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</html>"""
    if typeset:
        with cjk_typesetting(Typesetting()):
            weasy_write(html, path)
    else:
        weasy_write(html, path)
    return path


def test_every_rule_is_found_in_plain_weasyprint_output(tmp_path):
    report = preflight(write(tmp_path / "plain.pdf", typeset=False))
    rules = {finding.rule for finding in report.findings}
    assert {
        "short-line",
        "uncompressed-pair",
        "han-latin-space",
        "halfwidth-punctuation",
        "single-char-last-line",
        "line-start",
    } <= rules, rules
    assert report.exit_code == 1
    pairs = [f.message for f in report.findings if f.rule == "uncompressed-pair"]
    assert any("。”" in message for message in pairs)
    assert report.counts["Han-Latin spaced"] == 0 < report.counts["Han-Latin boundaries"]


def test_the_same_text_typeset_is_clean_but_for_the_input_faults(tmp_path):
    report = preflight(write(tmp_path / "typeset.pdf", typeset=True))
    rules = {finding.rule for finding in report.findings}
    # What layout cannot fix: the ASCII comma (the build normalises it before layout)
    # and the forced break before 。 (and the short line it leaves).
    assert rules <= {"halfwidth-punctuation", "line-start", "short-line"}, report.findings
    short = [f for f in report.findings if f.rule == "short-line"]
    assert len(short) == 1 and short[0].example.endswith("第一行")


def test_cli_exit_status(tmp_path):
    plain = write(tmp_path / "plain.pdf", typeset=False)
    result = run_cli("preflight", str(plain))
    assert result.returncode == 1
    assert "short-line" in result.stdout and "uncompressed-pair" in result.stdout
    not_a_pdf = tmp_path / "notes.pdf"
    not_a_pdf.write_text("not a PDF", encoding="utf-8")
    result = run_cli("preflight", str(not_a_pdf))
    assert result.returncode == 2 and "cannot read the PDF" in result.stderr


def test_cli_clean_on_the_sample(sample_pdf):
    result = run_cli("preflight", str(sample_pdf.path))
    assert result.returncode == 0, result.stdout
    # a page the make-up had to leave short, with the build's reason, is a warning only
    assert result.stdout.rstrip().splitlines()[-1].startswith("clean"), result.stdout
