"""A build sees only the fonts in fonts/, whatever the machine has installed, and
leaves nothing behind in the temp directory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import DATA, ROOT, SAMPLE, embedded_font_families, run_cli, weasy_write
from fontTools.ttLib import TTFont

from compositor.fonts.fontset import load_fontset

KAI = ROOT / "fonts" / "CompositorKai-Regular.ttf"
# Families a CJK machine font is commonly known by, and the generic names they serve.
DECOY_FAMILY = "Noto Serif CJK SC"
GENERIC = ("serif", "sans-serif", "monospace", "SimSun", "宋体")


def decoy_fontconfig(tmp_path: Path) -> dict[str, str]:
    """An environment whose fontconfig sees the fresh machine's fonts plus a decoy CJK
    face (our Kai, renamed) under a common family name, preferred for every generic
    family. A build that asks the machine for any font at all picks the decoy."""
    fonts = tmp_path / "decoy-fonts"
    fonts.mkdir()
    face = TTFont(KAI)
    for record in face["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = DECOY_FAMILY
        elif record.nameID == 6:
            record.string = "DecoySerifCJK-Regular"
    face.save(fonts / "decoy.ttf")
    aliases = "".join(
        f"<alias binding='strong'><family>{name}</family><prefer><family>{DECOY_FAMILY}"
        f"</family></prefer></alias>"
        for name in GENERIC
    )
    config = tmp_path / "fonts.conf"
    config.write_text(
        f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
        <dir>/usr/share/fonts/truetype/dejavu</dir><dir>{fonts}</dir>
        <cachedir>{tmp_path / "fc-cache"}</cachedir>{aliases}
        <include ignore_missing="yes">/etc/fonts/conf.d</include></fontconfig>""",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


def test_plain_layout_never_falls_back_to_a_machine_font(tmp_path):
    """Text in a generic family, and a character the @font-face font lacks, stay in
    shipped faces: with WeasyPrint's own configuration both go to DejaVu."""
    html = f"""<html lang="zh-CN"><style>
      @font-face {{ font-family: kai; src: url({KAI.as_uri()}) }}
      @page {{ size: 200pt 100pt; margin: 10pt }}
      p {{ font: 12pt kai }} span {{ font-family: serif }}
    </style><p>国家 <span>Hello 高新区</span> ∰</p></html>"""
    pdf = weasy_write(html, tmp_path / "plain.pdf")
    families = {family for _, family in embedded_font_families(pdf)}
    shipped = {font.family for font in load_fontset(ROOT / "fonts").fonts}
    assert "Compositor Kai" in families and families <= shipped, families


def test_the_sample_is_byte_identical_with_a_decoy_cjk_font_installed(sample_pdf, tmp_path):
    out = tmp_path / "with-decoy.pdf"
    result = run_cli("build", str(SAMPLE), "-o", str(out), env=decoy_fontconfig(tmp_path))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == sample_pdf.path.read_bytes()
    assert all(family.startswith("Compositor") for _, family in embedded_font_families(out))


def test_the_sample_is_byte_identical_from_a_checkout_elsewhere(sample_pdf, tmp_path):
    """The same content gives the same PDF on any machine, wherever the checkout is: the
    CSS names the shipped fonts by absolute URL, and the PDF's /ID once hashed it."""
    elsewhere = tmp_path / "另一个目录" / "compositor-copy"
    for name in ("compositor", "layouts", "fonts", "content"):
        shutil.copytree(ROOT / name, elsewhere / name, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "elsewhere.pdf"
    env = {**os.environ, "PYTHONPATH": str(elsewhere)}
    sample = elsewhere / "content" / "torch" / "2022-17"
    result = run_cli("build", str(sample), "-o", str(out), cwd=elsewhere, env=env)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == sample_pdf.path.read_bytes()


def test_builds_leave_nothing_in_the_temp_directory(tmp_path):
    """WeasyPrint keeps a copy of every @font-face file in a temp folder it removes only
    when garbage-collected: 18 MB per issue of a batch, never removed."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    publication = tmp_path / "mini"
    shutil.copytree(DATA / "mini", publication)
    shutil.copytree(publication / "2023-01", publication / "2023-02")
    issue = publication / "2023-02" / "issue.toml"
    issue.write_text(issue.read_text(encoding="utf-8").replace("number = 1", "number = 2"))
    outputs = tmp_path / "out"
    batch = run_cli(
        "build", str(publication / "2023-01"), str(publication / "2023-02"),
        "-j", "2", "-o", str(outputs), env=env,
    )  # fmt: skip
    assert batch.returncode == 0, batch.stdout + batch.stderr
    single = run_cli("build", str(SAMPLE), "--press", "-o", str(outputs / "x4.pdf"), env=env)
    assert single.returncode == 0, single.stderr
    assert sorted(path.name for path in temp.iterdir()) == []
