"""Figures and tables (issue 14) on real builds of tests/data/figures.

The pictures are drawn by tests/data/figures/make_images.py into a temporary copy;
expectations come from the article files and the pictures themselves (sizes asked for
in mm, pixel counts, colours), never from the code under test.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import DATA, copy_mini, run_cli
from PIL import Image

sys.path.insert(0, str(DATA / "figures"))
from make_images import make_images  # noqa: E402

PT_PER_MM = 72 / 25.4
TEXT_WIDTH_PT = 595.28 - 2 * 77.13  # the torch layout's text block (style.css @page)


@pytest.fixture(scope="module")
def issue(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("figures") / "figures"
    shutil.copytree(DATA / "figures", root)
    make_images(root / "2023-02")
    return root / "2023-02"


@pytest.fixture(scope="module")
def screen(issue: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out") / "screen.pdf"  # never inside the content
    result = run_cli("build", str(issue), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr  # every picture is 300 ppi or more
    return out


@pytest.fixture(scope="module")
def press(issue: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out") / "press.pdf"
    result = run_cli("build", str(issue), "--press", "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


def page_with(pdf: Path, text: str) -> int:
    """0-based index of the first page whose text contains ``text``."""
    with pdfplumber.open(pdf) as document:
        for index, page in enumerate(document.pages):
            if text in (page.extract_text() or "").replace(" ", ""):
                return index
    raise AssertionError(f"{text!r} is on no page")


def word_box(page, text: str) -> dict:
    words = page.extract_words()
    words = [w for w in words if w["text"] == text] or [w for w in words if text in w["text"]]
    assert words, f"{text!r} not on page {page.page_number}"
    return words[0]


# --- figures: size, caption, order -------------------------------------------------


@pytest.mark.parametrize(
    ("caption", "width_pt"),
    [
        ("座谈会现场", TEXT_WIDTH_PT),  # no {width}: the text width
        ("与会代表发言", 50 * PT_PER_MM),  # {width=50mm}
        ("园区一角", 0.8 * TEXT_WIDTH_PT),  # {width=80%}
        ("各季度营业收入增长", 120 * PT_PER_MM),  # {width=120mm}
    ],
)
def test_a_picture_prints_at_its_width_centred_with_the_caption_below(screen, caption, width_pt):
    with pdfplumber.open(screen) as pdf:
        page = pdf.pages[page_with(screen, caption)]
        label = word_box(page, caption)
        above = [i for i in page.images if i["bottom"] <= label["top"] + 0.5]
        image = max(above, key=lambda i: i["bottom"])  # the picture right above its caption
        assert image["width"] == pytest.approx(width_pt, abs=0.6)
        assert label["top"] - image["bottom"] < 12  # the caption sits right under it
        centre = 77.13 + TEXT_WIDTH_PT / 2
        assert (image["x0"] + image["x1"]) / 2 == pytest.approx(centre, abs=0.6)


def test_a_figure_and_its_caption_are_never_parted(screen):
    with pdfplumber.open(screen) as pdf:
        for page in pdf.pages:
            for image in page.images:
                below = [
                    w
                    for w in page.extract_words()
                    if w["top"] >= image["bottom"] and w["top"] - image["bottom"] < 12
                ]
                assert below and below[0]["text"].startswith("图"), page.page_number


def test_the_svg_is_drawn_as_vectors(screen):
    """trend.svg has a blue line (#0050a0) and no pixels: it must show, as paths."""
    index = page_with(screen, "研发投入强度走势")
    document = pdfium.PdfDocument(str(screen))
    pixels = np.asarray(document[index].render(scale=1).to_pil().convert("RGB")).astype(int)
    blue = (abs(pixels[..., 0] - 0) < 40) & (abs(pixels[..., 1] - 80) < 40)
    blue &= abs(pixels[..., 2] - 160) < 40
    assert blue.sum() > 100
    with pdfplumber.open(screen) as pdf:
        assert pdf.pages[index].curves or pdf.pages[index].lines


# --- every engine draws every kind of picture ----------------------------------------


def render_with(engine: str, pdf: Path, page: int, out: Path) -> np.ndarray:
    """Page ``page`` (0-based) at 36 dpi as RGB pixels, drawn by one engine."""
    number = str(page + 1)
    png = out / f"{engine}-{number}.png"
    commands = {
        "poppler": ["pdftoppm", "-r", "36", "-f", number, "-l", number, "-singlefile", "-png",
                    str(pdf), str(png.with_suffix(""))],
        "mupdf": ["mutool", "draw", "-q", "-r", "36", "-o", str(png), str(pdf), number],
        "ghostscript": ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=png16m",
                        "-r36", f"-dFirstPage={number}", f"-dLastPage={number}",
                        f"-sOutputFile={png}", str(pdf)],
    }  # fmt: skip
    if engine == "pdfium":
        document = pdfium.PdfDocument(str(pdf))
        return np.asarray(document[page].render(scale=36 / 72).to_pil().convert("RGB"))
    subprocess.run(commands[engine], check=True, capture_output=True, timeout=120)
    return np.asarray(Image.open(png).convert("RGB"))


ENGINES = ("pdfium", "poppler", "mupdf", "ghostscript")


@pytest.mark.parametrize("which", ["screen", "press"])
def test_pictures_look_the_same_in_every_engine(request, which, issue, tmp_path):
    """Each raster picture's area, in all four engines: not blank, and the same mean
    colour as the source picture (a CMYK JPEG drawn inverted, or a picture left out,
    would be far off)."""
    pdf = request.getfixturevalue(which)
    pictures = {
        "座谈会现场": issue / "photos" / "meeting.jpg",
        "与会代表发言": issue / "photos" / "portrait.jpg",
        "园区一角": issue / "photos" / "park-cmyk.jpg",
    }
    for caption, source in pictures.items():
        index = page_with(pdf, caption)
        with pdfplumber.open(pdf) as document:
            page = document.pages[index]
            label = word_box(page, caption)
            image = max(
                (i for i in page.images if i["bottom"] <= label["top"] + 0.5),
                key=lambda i: i["bottom"],
            )
            top_offset = float(page.bbox[1]) if which == "press" else 0.0
        scale = 36 / 72
        box = [
            int((image["x0"] - page.bbox[0]) * scale) + 2,
            int((image["top"] - top_offset) * scale) + 2,
            int((image["x1"] - page.bbox[0]) * scale) - 2,
            int((image["bottom"] - top_offset) * scale) - 2,
        ]
        expected = np.asarray(Image.open(source).convert("RGB")).reshape(-1, 3).mean(axis=0)
        for engine in ENGINES:
            pixels = render_with(engine, pdf, index, tmp_path)
            area = pixels[box[1] : box[3], box[0] : box[2]].reshape(-1, 3).astype(float)
            assert area.std(axis=0).max() > 8, f"{engine}: {caption} is blank"
            # Press: CMYK through the output profile, and each engine shows CMYK its own
            # way (MuPDF by the output intent); a picture drawn inverted is off by 80+.
            tolerance = 22 if which == "screen" else 60
            assert np.abs(area.mean(axis=0) - expected).max() < tolerance, (engine, caption)


# --- tables --------------------------------------------------------------------------


def test_a_table_is_a_three_line_table(screen):
    """Heavy rules above and below, a light one under the header, no vertical rules."""
    with pdfplumber.open(screen) as pdf:
        page = pdf.pages[page_with(screen, "主要经济指标保持平稳增长")]
        header = word_box(page, "指标")
        last = word_box(page, "研发经费支出")
        rules = [
            line for line in page.lines if header["top"] - 10 < line["top"] < last["bottom"] + 10
        ]
        assert rules
        assert all(abs(line["top"] - line["bottom"]) < 0.01 for line in rules)  # horizontal only
        widths = {}
        for line in rules:
            widths.setdefault(round(line["top"], 1), set()).add(line["linewidth"])
        tops = sorted(widths)
        assert len(tops) == 3, widths
        assert widths[tops[0]] == {1.5} and widths[tops[2]] == {1.5}
        assert widths[tops[1]] == {0.75}
        assert tops[0] < header["top"] < tops[1] < last["top"] < tops[2]
        spans = [line for line in rules if round(line["top"], 1) == tops[0]]
        assert min(s["x0"] for s in spans) == pytest.approx(77.13, abs=0.5)
        assert max(s["x1"] for s in spans) == pytest.approx(77.13 + TEXT_WIDTH_PT, abs=0.5)


def test_table_columns_align_as_the_delimiter_row_says(screen):
    """02.md: |:---|:---:|---:|---:|---:| — names left, units centred, numbers right."""
    with pdfplumber.open(screen) as pdf:
        page = pdf.pages[page_with(screen, "主要经济指标保持平稳增长")]
        words = page.extract_words()
        first = [w for w in words if w["text"] in ("营业收入", "研发经费支出")]
        assert abs(first[0]["x0"] - first[1]["x0"]) < 0.3  # left
        growth = [w for w in words if w["text"] in ("6.4%", "10.0%", "7.2%")]
        assert len({round(w["x1"], 1) for w in growth}) == 1  # right
        units = [w for w in words if w["text"] in ("万亿元", "亿元")]
        centres = {round((w["x0"] + w["x1"]) / 2) for w in units}
        assert len(centres) == 1 and len({round(w["x0"]) for w in units}) == 2  # centred
        caption = word_box(page, "主要经济指标")
        header = word_box(page, "指标")
        assert caption["bottom"] < header["top"]  # 表题 above the table (GB/T 7713)


def test_body_text_of_a_table_is_one_size_smaller(screen):
    with pdfplumber.open(screen) as pdf:
        page = pdf.pages[page_with(screen, "主要经济指标保持平稳增长")]
        sizes = {c["text"]: round(c["size"], 1) for c in page.chars}
        assert sizes["营"] < sizes["稳"]  # cell text against body text (小五 vs 五号)


def test_a_long_table_continues_with_its_header_repeated_and_xubiao(screen, issue):
    rows = [
        line.split("|")[2].strip()
        for line in (issue / "03.md").read_text(encoding="utf-8").splitlines()
        if re.match(r"\| \d+ \|", line)
    ]
    assert len(rows) == 60
    start = page_with(screen, "表2")
    with pdfplumber.open(screen) as pdf:
        texts = [pdf.pages[i].extract_text().replace(" ", "") for i in range(start, len(pdf.pages))]
    pages_with_rows = [t for t in texts if "第1高新区" in t or "续表2" in t]
    assert len(pages_with_rows) >= 2  # it does break
    assert "续表2" not in pages_with_rows[0]
    for text in pages_with_rows[1:]:
        assert text.index("续表2") < text.index("序号") < text.index("高新区")
    printed = [name for t in pages_with_rows for name in re.findall(r"第\d+高新区", t)]
    assert printed == rows  # every row once, in order


# --- press output --------------------------------------------------------------------


def test_press_images_are_cmyk_at_full_resolution(press, issue):
    sources = {
        Image.open(p).size: p
        for p in [*(issue / "photos").glob("*.jpg"), issue / "chart.png"]
        if p.name != "small.jpg"
    }
    with pikepdf.open(press) as pdf:
        images = {obj.objgen: obj for page in pdf.pages for obj in page.get_images().values()}
        masks = {o.SMask.objgen for o in images.values() if "/SMask" in o}
        colour = [o for key, o in images.items() if key not in masks]
        assert len(colour) == 4
        for obj in colour:
            assert obj.ColorSpace == pikepdf.Name.DeviceCMYK  # no RGB, no grey left
            source = sources[(int(obj.Width), int(obj.Height))]  # never downsampled
            if source.name == "park-cmyk.jpg":  # a CMYK JPEG is kept as it is
                assert obj.read_raw_bytes() == source.read_bytes()


def test_the_screen_pdf_downsamples_to_200_ppi(screen):
    with pikepdf.open(screen) as pdf:
        widths = {int(o.Width) for page in pdf.pages for o in page.get_images().values()}
    # meeting.jpg: 2000 px over the 155.6 mm text width = 326 ppi → 200 ppi
    assert (
        round(TEXT_WIDTH_PT / 72 * 200) in widths or round(TEXT_WIDTH_PT / 72 * 200) + 1 in widths
    )
    assert 2000 not in widths


def test_pdfx1a_refuses_a_picture_with_transparency(issue, tmp_path):
    out = tmp_path / "x1a.pdf"
    result = run_cli("build", str(issue), "--press", "--pdf-x", "1a", "-o", str(out))
    assert result.returncode == 2
    assert "alpha channel" in result.stderr and "--pdf-x 4" in result.stderr
    # The editor is told which picture, in which article and line (not a PDF object).
    where = next(
        (path.name, number)
        for path in sorted(issue.glob("*.md"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "chart.png" in line
    )
    assert f"{where[0]}:{where[1]}: picture chart.png has an alpha channel" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_preflight_reports_the_images(press):
    result = run_cli("preflight", "--press", str(press))
    report = result.stdout[result.stdout.index("Press preflight") :]
    assert "Images:         4 (4 CMYK)" in report
    assert "2000×1300 px, CMYK, 327 ppi, opaque" in report  # 2000 px over 155.6 mm
    assert "600×800 px, CMYK, 305 ppi, opaque" in report  # 600 px over 50 mm
    assert "soft mask (alpha)" in report
    # Outside the pictures every engine draws what pdfium draws (preflight/engines.py).
    assert "Engines:        poppler, MuPDF, Ghostscript draw and read it as pdfium" in report
    assert "PASS" in report


# --- low resolution ------------------------------------------------------------------


@pytest.fixture
def low_res(tmp_path) -> Path:
    """The mini issue with a 400 px photo printed across the text width (65 ppi)."""
    folder = copy_mini(tmp_path)
    Image.new("RGB", (400, 260), (120, 140, 160)).save(folder / "small.jpg")
    (folder / "01b.md").write_text(
        '+++\nsection = "火炬在行动"\ntitle = "小图"\n+++\n\n'
        "一张小图。\n\n![图1　小图](small.jpg)\n",
        encoding="utf-8",
    )
    return folder


def test_a_low_resolution_photo_warns_in_check_and_build(low_res, tmp_path):
    check = run_cli("check", str(low_res))
    assert "01b.md:8:1: warning: picture small.jpg prints at 65 ppi" in check.stdout
    build = run_cli("build", str(low_res), "-o", str(tmp_path / "out.pdf"))
    assert build.returncode == 0
    assert "01b.md:8:1: warning: picture small.jpg prints at 65 ppi" in build.stderr


def test_a_low_resolution_photo_stops_a_press_build_unless_allowed(low_res, tmp_path):
    out = tmp_path / "press.pdf"
    refused = run_cli("build", str(low_res), "--press", "-o", str(out))
    assert refused.returncode == 2
    assert "01b.md:8: picture small.jpg prints at 65 ppi" in refused.stderr
    assert "--allow-low-res" in refused.stderr and "Traceback" not in refused.stderr
    assert not out.exists()
    allowed = run_cli("build", str(low_res), "--press", "--allow-low-res", "-o", str(out))
    assert allowed.returncode == 0, allowed.stderr
    assert out.exists()
    preflight = run_cli("preflight", "--press", str(out))
    assert "400×260 px, CMYK, 65 ppi" in preflight.stdout
    assert "image-resolution" in preflight.stdout and "FAIL" in preflight.stdout


# --- the diff tool on pages with pictures ----------------------------------------------


def test_diff_finds_a_changed_photo_and_nothing_else(screen, issue, tmp_path):
    changed = tmp_path / "figures"
    shutil.copytree(issue.parent, changed)
    photo = changed / "2023-02" / "photos" / "meeting.jpg"
    pixels = np.asarray(Image.open(photo)).copy()
    pixels[200:600, 300:900] = 255  # a white patch in the first photo
    Image.fromarray(pixels).save(photo, quality=90)
    same = run_cli("diff", str(screen), str(screen), "--json")
    assert same.returncode == 0, same.stderr
    new = tmp_path / "new.pdf"
    assert run_cli("build", str(changed / "2023-02"), "-o", str(new)).returncode == 0
    result = run_cli("diff", str(screen), str(new), "--json")
    assert result.returncode == 1, result.stderr
    import json

    statuses = [page["status"] for page in json.loads(result.stdout)["pages"]]
    photo = page_with(screen, "座谈会现场")
    assert statuses[photo] == "changed"
    assert set(statuses[:photo] + statuses[photo + 1 :]) == {"identical"}


# --- a figure that does not fit floats to the next page --------------------------------


def test_a_figure_that_does_not_fit_moves_on_and_the_text_fills_the_page(tmp_path):
    """A 4:3 picture across the text width (116 mm high) after the second paragraph of the
    mini issue's first article cannot fit on page 1: it goes to the top of page 2, and the
    two paragraphs written after it fill page 1 instead of leaving it half empty."""
    folder = copy_mini(tmp_path)
    Image.new("RGB", (2000, 1500), (30, 90, 160)).save(folder / "big.jpg")
    article = folder / "01.md"
    text = article.read_text(encoding="utf-8")
    after = "会议要求，各高新区要进一步发挥示范引领作用。" + "推动高质量发展取得新成效。" * 12
    assert "同比增长5.2%，" in text
    article.write_text(
        text.replace(
            "同比增长5.2%，",
            f"同比增长5.2%，\n\n![图1　会场](big.jpg)\n\n{after}\n\n会议还通报了评价结果。",
        ),
        encoding="utf-8",
    )
    out = tmp_path / "float.pdf"
    result = run_cli("build", str(folder), "-o", str(out))
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(out) as pdf:
        first = pdf.pages[0].extract_text().replace(" ", "")
        second = pdf.pages[1]
        assert "会议还通报了评价结果" in first  # the text after the figure, set before it
        assert not pdf.pages[0].images
        [image] = [i for i in second.images if i["width"] > 400]
        assert image["top"] < 30 * PT_PER_MM  # at the head of page 2 (26 mm top margin)
        label = word_box(second, "会场")
        assert 0 < label["top"] - image["bottom"] < 12


def test_a_grey_photo_prints_on_black_only_at_its_own_tones(press, issue):
    """portrait.jpg (greyscale) → K only, each pixel at the K whose printed lightness in the
    output profile matches the grey's (sRGB) lightness, black point to black point."""
    import io

    from PIL import ImageCms

    with pikepdf.open(press) as pdf:
        found = {
            o.objgen: o
            for page in pdf.pages
            for o in page.get_images().values()
            if (int(o.Width), int(o.Height)) == (600, 800)
        }
        [obj] = found.values()
        cmyk = pikepdf.PdfImage(obj).as_pil_image()
        profile = bytes(pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes())
    c, m, y, k = (np.asarray(channel, dtype=float) for channel in cmyk.split())
    assert c.max() == m.max() == y.max() == 0
    grey = np.asarray(Image.open(issue / "photos" / "portrait.jpg").convert("L"), dtype=float)
    lab = ImageCms.createProfile("LAB")
    printed = ImageCms.buildTransform(
        ImageCms.ImageCmsProfile(io.BytesIO(profile)), lab, "CMYK", "LAB"
    )
    ramp = Image.frombytes("CMYK", (256, 1), bytes(v for n in range(256) for v in (0, 0, 0, n)))
    k_light = np.asarray(ImageCms.applyTransform(ramp, printed).getchannel(0), dtype=float)[0]
    screen = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), lab, "RGB", "LAB")
    levels = np.unique(grey)
    assert levels.max() - levels.min() > 100  # a real range of tones to check
    for level in levels[:: max(1, len(levels) // 6)]:
        ys, xs = np.nonzero(grey == level)
        pixel = Image.new("RGB", (1, 1), (int(level),) * 3)
        wanted = ImageCms.applyTransform(pixel, screen).getpixel((0, 0))[0]
        wanted = k_light.min() + wanted * (k_light.max() - k_light.min()) / 255
        got = k_light[int(k[ys[0], xs[0]])]
        assert abs(got - wanted) < 3, (level, got, wanted)  # L* in 0–255 units


def test_check_counts_pictures_and_tables_in_its_page_estimate(screen, issue):
    with pikepdf.open(screen) as pdf:
        pages = len(pdf.pages)
    result = run_cli("check", str(issue))
    assert result.returncode == 0, result.stdout
    estimate = int(re.search(r"about (\d+) pages", result.stdout)[1])
    assert abs(estimate - pages) <= 1, (estimate, pages)


def test_typesetting_preflight_does_not_take_table_rows_for_paragraphs(screen, issue):
    """60 rows of 9 pt cells outnumber the body lines: they must not be judged as body
    text (short lines, Han–Latin gaps between columns, widows)."""
    cells = {
        cell.strip()
        for name in ("02.md", "03.md")
        for line in (issue / name).read_text(encoding="utf-8").splitlines()
        if line.startswith("|")
        for cell in line.strip("|").split("|")
    }
    report = run_cli("preflight", str(screen)).stdout
    assert "han-latin-space" not in report
    quoted = re.findall(r"«(.*?)»", report)
    assert not [q for q in quoted if q in cells or re.fullmatch(r"\d+第\d+高新区", q)]
    assert "body lines" in report and "body lines 0" not in report


def test_the_same_issue_elsewhere_gives_the_same_pdf(screen, issue, tmp_path):
    """Pictures are named relative to the issue folder: moving it changes nothing."""
    moved = tmp_path / "elsewhere" / "figures"
    shutil.copytree(issue.parent, moved, ignore=shutil.ignore_patterns("*.pdf"))
    out = tmp_path / "moved.pdf"
    result = run_cli("build", str(moved / issue.name), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == screen.read_bytes()


def test_a_tall_picture_is_never_taller_than_the_text_block(tmp_path):
    """1000 × 3000 px at the text width would be 467 mm high: it prints 225 mm high (the
    layout's limit, leaving room for the caption in the 247 mm text block), 75 mm wide."""
    folder = copy_mini(tmp_path)
    Image.new("RGB", (1000, 3000), (200, 60, 40)).save(folder / "tall.jpg")
    (folder / "01b.md").write_text(
        '+++\nsection = "火炬在行动"\ntitle = "长图"\n+++\n\n'
        "一张长图。\n\n![图1　长图](tall.jpg)\n",
        encoding="utf-8",
    )
    out = tmp_path / "tall.pdf"
    result = run_cli("build", str(folder), "-o", str(out))
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(out) as pdf:
        [image] = [i for page in pdf.pages for i in page.images]
    assert image["height"] == pytest.approx(225 * PT_PER_MM, abs=0.6)
    assert image["width"] == pytest.approx(75 * PT_PER_MM, abs=0.6)
    assert "warning" not in result.stderr  # 1000 px over 75 mm: 339 ppi


def short_table_issue(tmp_path, filler_paragraphs: int, rows: int) -> list[str]:
    """The mini issue with an article of filler text, then a short table, then 后文.
    Returns the text of each page of its PDF."""
    folder = copy_mini(tmp_path)
    body = "\n".join(f"| 第{n}项 | {n * 3}.0 |" for n in range(1, rows + 1))
    filler = "\n\n".join(
        "会议指出，国家高新区要坚持创新驱动发展，加快建设世界一流科技园区。" * 3
        for _ in range(filler_paragraphs)
    )
    (folder / "01b.md").write_text(
        '+++\nsection = "火炬在行动"\ntitle = "表格"\n+++\n\n'
        f"{filler}\n\n| 项目 | 数值 |\n|:--|--:|\n{body}\nTable: 表1　十二项\n\n后文。\n",
        encoding="utf-8",
    )
    out = tmp_path / "table.pdf"
    result = run_cli("build", str(folder), "-o", str(out))
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(out) as pdf:
        return [page.extract_text().replace(" ", "") for page in pdf.pages]


def test_a_short_table_that_does_not_fit_lets_the_text_on_then_runs_on_rather_than_wait(
    tmp_path,
):
    """12 rows after text that fills page 1 and part of page 2, where the table does not
    fit: the text after it comes forward, and rather than leave page 2 short the table
    runs on (续表), each part with at least two rows."""
    texts = short_table_issue(tmp_path, 12, 12)
    [page] = [n for n, text in enumerate(texts) if "第1项" in text]
    assert "表1" in texts[page] and texts[page].index("后文") < texts[page].index("表1")
    [rest] = [n for n, text in enumerate(texts) if "续表" in text]
    assert rest == page + 1 and "第12项" in texts[rest]
    first = sum(f"第{n}项" in texts[page] for n in range(1, 13))
    assert 2 <= first <= 10  # two rows at least on either side


def test_a_short_table_that_would_leave_one_row_behind_moves_whole(tmp_path):
    """Page 1's text leaves room for the table's caption, header and one row only: the
    table moves whole to page 2 (no 续表), the text after it brought forward."""
    for filler in range(13, 20):
        texts = short_table_issue(tmp_path / str(filler), filler, 3)
        [page] = [n for n, text in enumerate(texts) if "第1项" in text]
        if "会议指出" in texts[page - 1] and "第3项" in texts[page]:
            break
    assert not any("续表" in text for text in texts)
    assert "第1项" in texts[page] and "第3项" in texts[page] and "表1" in texts[page]


def test_page_makeup_keeps_tables_inside_the_text_block(screen):
    """A table's rows are no blocks of the page: page make-up took its page for short and
    pushed the table past the foot, over the folio. Every short page is explained."""
    import pdfplumber

    result = run_cli("preflight", str(screen))
    assert result.returncode == 0, result.stdout
    assert "no reason recorded" not in result.stdout
    with pdfplumber.open(screen) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            folio = [c for c in page.chars if c["text"] == "—" and c["top"] > page.height * 0.9]
            assert folio, number
            text = [c for c in page.chars if c["top"] < folio[0]["top"] - 1]
            assert all(c["bottom"] < folio[0]["top"] - 10 for c in text), number


def test_the_settled_layout_is_drawn_not_laid_out_again(issue: Path, tmp_path, monkeypatch):
    """Settling figures lays the issue out until nothing moves; that last layout is the
    one drawn. Drawn from a fresh layout instead, the PDF is the same bytes."""
    from compositor import build
    from compositor.render import pdf

    layouts = []
    original_laid_out = pdf._laid_out

    def counted(*args, **kwargs):
        layouts.append(args[0])
        return original_laid_out(*args, **kwargs)

    monkeypatch.setattr(pdf, "_laid_out", counted)
    reused = build.build_issue(issue, tmp_path / "reused.pdf")
    settling = len(layouts)

    original_write = build.write_pdf

    def fresh(*args, laid_out=None, **kwargs):
        return original_write(*args, **kwargs)

    monkeypatch.setattr(build, "write_pdf", fresh)
    layouts.clear()
    again = build.build_issue(issue, tmp_path / "fresh.pdf")
    assert len(layouts) == settling + 1  # the final layout, which the first build skipped
    assert settling >= 2  # the figures issue takes a second pass to settle
    assert layouts[-1] == layouts[-2]  # the same HTML as the settling's last pass
    assert reused.pages == again.pages
    assert (tmp_path / "reused.pdf").read_bytes() == (tmp_path / "fresh.pdf").read_bytes()
