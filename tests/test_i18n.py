"""Issue 24, point 4: every message an editor sees exists in Simplified Chinese and
English (gettext catalogues, compositor/i18n.py), chosen by LC_ALL/LC_MESSAGES/LANG or
``--lang``; a message without its Chinese fails here."""

from __future__ import annotations

import ast
import io
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from conftest import ROOT, chinese_env, copy_mini, run_cli
from PIL import Image

from compositor import i18n

PO = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "compositor.po"
MO = PO.with_suffix(".mo")
HAN = re.compile(r"[\u4e00-\u9fff]")
# A Chinese finding: "path 第6行第5列 警告：…"
CHINESE_FINDING = re.compile(r"^\S+ 第\d+行第\d+列 (错误|警告|提示)：(.+)$")


def extracted() -> dict:
    """(msgid, context) → where, for every message the code marks with _(), N_(),
    ngettext() or pgettext()."""
    found = {}
    method_map = [("**.py", "python")]
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT / "compositor", method_map
    ):
        found.setdefault((message, context), f"compositor/{filename}:{lineno}")
    return found


def fields(text: str) -> set[str]:
    """The named placeholders of a format string ({path}, {old!r} → path, old)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.fixture(scope="module")
def catalogue():
    with PO.open("rb") as stream:
        return read_po(stream, locale="zh_CN")


# The modules whose messages an editor reads (issue 24): each must have its messages marked.
EDITOR_FACING = (
    "compositor/errors.py",
    "compositor/content/__init__.py",
    "compositor/content/validate.py",
    "compositor/content/blocks.py",
    "compositor/content/spans.py",
    "compositor/content/notes.py",
    "compositor/text/normalize.py",
    "compositor/check/report.py",
    "compositor/check/fix.py",
    "compositor/layout/resolution.py",
    "compositor/fonts/fontset.py",
    "compositor/cli/__init__.py",
    "compositor/importer/parse.py",
    "compositor/importer/structure.py",
    "compositor/importer/blocks.py",
    "compositor/importer/anchors.py",
    "compositor/importer/lines.py",
    "compositor/importer/run.py",
    "compositor/importer/pdftext.py",
    "compositor/preflight/typography.py",
    "compositor/preflight/accessibility.py",
    "compositor/layout/__init__.py",
    "compositor/press/booklet.py",
    "compositor/preflight/press.py",
    "compositor/preflight/press_plates.py",
    "compositor/preflight/engines.py",
    "compositor/preflight/press_paint.py",
)


def test_the_code_marks_its_messages():
    # The extraction must see the messages at all, or the next test proves nothing.
    files = {where.rsplit(":", 1)[0] for where in extracted().values()}
    assert not [module for module in EDITOR_FACING if module not in files]


# Where every message is marked: a literal or f-string passed straight to an error, to
# the validator's error()/warning() or to typer.BadParameter is a message gettext
# never sees, so it would print in English to a Chinese editor.
FULLY_MARKED = (
    "compositor/errors.py",
    "compositor/content/__init__.py",
    "compositor/content/validate.py",
    "compositor/content/blocks.py",
    "compositor/content/spans.py",
    "compositor/content/notes.py",
    "compositor/check/report.py",
    "compositor/check/fix.py",
    "compositor/layout/resolution.py",
    "compositor/press/pictures.py",
    "compositor/targets.py",
    "compositor/render/pdf.py",
    "compositor/cli/batch.py",
    "compositor/watch.py",
    "compositor/importer/parse.py",
    "compositor/importer/structure.py",
    "compositor/importer/blocks.py",
    "compositor/importer/anchors.py",
    "compositor/importer/lines.py",
    "compositor/importer/run.py",
    "compositor/importer/pdftext.py",
    "compositor/preflight/typography.py",
    "compositor/preflight/accessibility.py",
    "compositor/layout/__init__.py",
    "compositor/press/booklet.py",
    "compositor/fonts/fontset.py",
    "compositor/preflight/press.py",
    "compositor/preflight/press_plates.py",
    "compositor/preflight/engines.py",
    "compositor/preflight/press_paint.py",
)
# warn: the legacy importer's LineReader.warn
REPORTERS = ("error", "warning", "warn", "BadParameter")


def unmarked_messages(path: Path) -> list[int]:
    """Lines where a message is given as a bare literal or f-string."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = getattr(func, "id", None) or getattr(func, "attr", "")
        literal = any(
            isinstance(arg, ast.JoinedStr)
            or (isinstance(arg, ast.Constant) and isinstance(arg.value, str))
            for arg in node.args
        )
        if literal and (name.endswith("Error") or name in REPORTERS):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("module", FULLY_MARKED)
def test_editor_facing_modules_mark_every_message(module):
    assert unmarked_messages(ROOT / module) == []


def test_an_unmarked_message_is_caught(tmp_path):
    # The guard above must see what it is meant to see.
    source = tmp_path / "m.py"
    source.write_text(
        'raise ContentError(f"bad {x}", path)\nself.error(path, where, "bad")\n'
        'raise ContentError(_("fine"), path)\n',
        encoding="utf-8",
    )
    assert unmarked_messages(source) == [1, 2]


def test_every_message_has_its_chinese(catalogue):
    missing = []
    for (message, context), where in extracted().items():
        entry = catalogue.get(message, context)
        strings = () if entry is None else entry.string
        strings = (strings,) if isinstance(strings, str) else strings
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{where}: {message!r}")
    assert not missing, "messages without a zh_CN translation (compositor/i18n.py says how):\n" + (
        "\n".join(missing)
    )


def test_no_translation_loses_or_adds_a_placeholder(catalogue):
    wrong = []
    for entry in catalogue:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        # Chinese has one plural form; it takes the plural's placeholders.
        if fields(ids[-1]) != set().union(*(fields(s) for s in strings)):
            wrong.append(f"{ids[-1]!r} → {strings!r}")
    assert not wrong, "\n".join(wrong)


def test_the_translations_are_chinese(catalogue):
    # A msgstr copied from the msgid passes the tests above but leaves the editor in English.
    english = [
        entry.id
        for entry in catalogue
        if entry.id
        and not HAN.search(
            "".join(entry.string) if isinstance(entry.string, tuple) else entry.string
        )
        and re.search(r"[a-z]{4,}", re.sub(r"\{[^}]*\}|`[^`]*`|\S+\.\w+", "", str(entry.id)))
        and entry.id not in ("[colophon]", "[[sections]]")
    ]
    assert not english, english


def test_the_committed_mo_is_the_po_compiled(catalogue):
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    assert MO.read_bytes() == compiled.getvalue(), (
        "compositor.mo is older than compositor.po: "
        "pybabel compile -d compositor/locale -D compositor"
    )


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.GB18030"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "C"}, "en"),  # LC_MESSAGES outranks LANG
        ({"LANG": "C", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),  # LC_ALL outranks all
        ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh"),  # an empty variable is not set
        ({"LANG": "zh_CN.UTF-8", "COMPOSITOR_LANG": "en"}, "en"),  # --lang outranks the locale
        ({"LANG": "C", "COMPOSITOR_LANG": "zh"}, "zh"),
    ],
)
def test_the_language_follows_the_locale_and_lang(monkeypatch, variables, expected):
    for name in ("COMPOSITOR_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert i18n.language() == expected


# --- the real CLI -------------------------------------------------------------------------

# Four errors and seven warnings in one article (as tests/test_check_every_finding.py).
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

他说:"很好."
"""


@pytest.fixture(scope="module")
def issue(tmp_path_factory) -> Path:
    folder = copy_mini(tmp_path_factory.mktemp("zh"))
    Image.new("RGB", (200, 150), "white").save(folder / "coarse.png")
    (folder / "01b.md").write_text(ARTICLE, encoding="utf-8")
    return folder


def finding_lines(output: str) -> list[tuple[str, str]]:
    """(level, message) of each Chinese finding line; a line that is not one fails."""
    lines = [line for line in output.splitlines() if line.strip()]
    found = []
    for line in lines[:-1]:  # the last line is the summary
        match = CHINESE_FINDING.match(line)
        assert match, f"not a Chinese finding: {line!r}"
        found.append((match[1], match[2]))
    return found


def assert_no_english_sentence(message: str) -> None:
    """Technical tokens stay (paths, `--fix`, {width=40mm}, what was typed, quoted);
    English prose does not."""
    prose = re.sub(
        r"`[^`]*`|--[\w-]+|\{[^}]*\}|“[^”]*”|!\[[^\]]*\]\([^)]*\)|\S*[/.]\S*", "", message
    )
    words = re.findall(r"[A-Za-z]{3,}", prose)
    allowed = {"TOML", "UTF", "GBK", "JPEG", "PNG", "SVG", "ppi", "PDF", "CMYK", "RGB", "data"}
    assert not [w for w in words if w not in allowed], message


def test_check_speaks_chinese_under_a_chinese_locale(issue):
    result = run_cli("check", str(issue), env=chinese_env(LANG="zh_CN.UTF-8"))
    assert result.returncode == 2, result.stderr
    found = finding_lines(result.stdout)
    levels = [level for level, _ in found]
    assert levels.count("错误") == 4 and levels.count("警告") == 7
    for _, message in found:
        assert HAN.search(message)
        assert_no_english_sentence(message)
    messages = "\n".join(message for _, message in found)
    # the editor's example: a half-width comma in Chinese text, named with its full-width form
    assert "半角“,”" in messages and "全角“，”" in messages
    assert result.stdout.splitlines()[-1] == f"{issue}：4个错误，{levels.count('警告')}个警告"


def test_lang_zh_outranks_an_english_locale_and_lang_en_a_chinese_one(issue):
    chinese = run_cli("check", str(issue), "--lang", "zh", env=chinese_env(LANG="C.UTF-8"))
    before = run_cli("--lang", "zh", "check", str(issue), env=chinese_env(LC_ALL="en_US.UTF-8"))
    english = run_cli("check", str(issue), "--lang", "en", env=chinese_env(LANG="zh_CN.UTF-8"))
    assert chinese.stdout == before.stdout
    assert finding_lines(chinese.stdout)
    assert english.stdout.splitlines()[-1] == f"{issue}: 4 errors, 7 warnings"
    assert not HAN.search(re.sub(r"\S*[\u4e00-\u9fff]\S*|“[^”]*”|'[^']*'", "", english.stdout))


def test_a_build_stopped_by_the_content_says_why_in_chinese(issue, tmp_path):
    out = tmp_path / "x.pdf"
    result = run_cli("build", str(issue), "-o", str(out), env=chinese_env(LANG="zh_CN.UTF-8"))
    assert result.returncode == 2
    assert not out.exists()
    line = result.stderr.strip().splitlines()[-1]
    match = re.fullmatch(r"错误：(\S+) 第(\d+)行：(.+)", line)
    assert match, line
    assert match[1] == str(issue / "01b.md") and match[2] == "8"
    assert "missing.jpg" in match[3]
    assert_no_english_sentence(match[3])


def test_a_word_import_reports_in_chinese(tmp_path):
    import docx

    folder = copy_mini(tmp_path)
    document = docx.Document()
    document.add_paragraph("高新区座谈会", style="Title")
    document.add_paragraph("会议强调,要抓落实:一是加快布局。")
    paragraph = document.add_paragraph("会议")
    paragraph.add_run("隆重").italic = True
    paragraph.add_run("召开。")
    source = tmp_path / "供稿.docx"
    document.save(source)
    result = run_cli(
        *("import", str(source), "--into", str(folder), "--section", "火炬在行动"),
        env=chinese_env(LC_MESSAGES="zh_CN.UTF-8"),
    )
    assert result.returncode == 0, result.stderr
    report = result.stderr.splitlines()
    # each normalisation with the paragraph Word numbers, then the count
    assert "供稿.docx：第2段：',' 改为 '，'" in report
    assert "供稿.docx：第2段：':' 改为 '：'" in report
    assert "供稿.docx：第3段：斜体文字“隆重”将印作正体" in report
    assert report[-1] == "供稿.docx：规范化改动2处"
    added = folder / "02.md"
    assert result.stdout.strip() == f"{added}（栏目：火炬在行动）"
    assert "会议强调，要抓落实：一是加快布局。" in added.read_text(encoding="utf-8")


# --- preflight: its summary and verdict ---------------------------------------------------


@pytest.fixture(scope="module")
def small_pdf(tmp_path_factory) -> Path:
    folder = copy_mini(tmp_path_factory.mktemp("pdf"))
    out = folder.parent.parent / "mini.pdf"
    built = run_cli("build", str(folder), "-o", str(out), env=chinese_env(LANG="zh_CN.UTF-8"))
    assert built.returncode == 0, built.stderr
    assert built.stdout.strip() == f"{out}（共2页）"
    return out


def test_preflight_summarises_in_chinese(small_pdf):
    result = run_cli("preflight", str(small_pdf), "--lang", "zh")
    english = run_cli("preflight", str(small_pdf))
    assert result.returncode == english.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"排版预检：{small_pdf}（共2页）"
    assert lines[-1] == "未发现问题" and english.stdout.splitlines()[-1] == "clean"
    # the same counts as the English report, line for line
    numbers = [re.findall(r"\d+(?:\.\d+)?", line) for line in english.stdout.splitlines()[1:]]
    assert len(lines) == len(english.stdout.splitlines())
    for chinese, counted in zip(lines[1:-1], numbers[:-1], strict=True):
        assert HAN.search(chinese)
        assert sorted(re.findall(r"\d+(?:\.\d+)?", chinese)) == sorted(counted)


def test_the_press_verdict_keeps_pass_and_fail_and_says_the_rest_in_chinese(monkeypatch):
    from compositor.preflight.press import PressInspection, verdict

    monkeypatch.setenv("COMPOSITOR_LANG", "zh")
    inspection = PressInspection()
    inspection.add(1, "output-intent", "no OutputIntent")
    inspection.add(2, "ink", "too much ink", severity="warning")
    assert verdict(inspection) == "FAIL：1个错误，1个警告"
    assert verdict(PressInspection(), typesetting_errors=3) == (
        "FAIL：0个错误，0个警告；排版有3处需要修改（见上文）"
    )
    assert verdict(PressInspection()).startswith("PASS：")


def test_help_is_chinese_under_a_chinese_locale_and_nothing_is_cut():
    env = chinese_env(LANG="zh_CN.UTF-8", COLUMNS="80")
    result = run_cli("check", "--help", env=env)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "不生成 PDF，列出一期的全部问题" in text
    assert "示例：compositor check content/torch/2022-17 --strict" in text
    # the longest option help, whole (a rich table would cut it with …)
    assert "写回原稿，然后重新检查。" in text and "…" not in text.replace("……", "")
    english = run_cli("check", "--help", env={**env, "LANG": "C.UTF-8"})
    assert "List every problem of an issue" in " ".join(english.stdout.split())


def test_check_fix_names_each_change_in_chinese(tmp_path):
    folder = copy_mini(tmp_path)
    article = folder / "01b.md"
    article.write_text(
        '+++\nsection = "火炬在行动"\ntitle = "改正"\n+++\n\n会议强调,要抓落实.\n', encoding="utf-8"
    )
    result = run_cli("check", str(folder), "--fix", "--lang", "zh")
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        f"{article} 第6行第5列 已改正：',' → '，'",
        f"{article} 第6行第10列 已改正：'.' → '。'",
    ]
    assert lines[-1] == f"{folder}：0个错误，0个警告"
    assert "会议强调，要抓落实。" in article.read_text(encoding="utf-8")


# --- the legacy importer and the typesetting preflight ------------------------------------

LEGACY = ROOT / "tests" / "data" / "legacy" / "torch-2022-17.txt"


def test_a_legacy_import_reports_in_chinese(tmp_path):
    out = tmp_path / "2022-17"
    result = run_cli("import", str(LEGACY), "-o", str(out), env=chinese_env(LANG="zh_CN.UTF-8"))
    assert result.returncode == 0, result.stderr
    # the guess the importer made, with the line of the legacy text and the text it read
    lead = "大战略呼唤大担当，新起点瞄准新高度。"
    assert result.stderr.splitlines() == [
        f"{LEGACY} 第196行 警告：开头的短段“{lead}”已作为文章的导语（排在标题下方，用楷体）；"
        "如果它是正文，请把它从 lead = 移回正文"
    ]
    assert result.stdout.strip() == f"{out}（13篇文章，写入15个文件）"
    issue = (out / "issue.toml").read_text(encoding="utf-8")
    assert "number = 17" in issue


def test_a_legacy_import_stops_in_chinese(tmp_path):
    # the same issue without its colophon: the import stops and says what is missing
    lines = LEGACY.read_text(encoding="utf-8").splitlines(keepends=True)
    colophon = next(i for i, line in enumerate(lines) if line.startswith("地址:")) - 1
    legacy = tmp_path / "无版权信息.txt"
    legacy.write_text("".join(lines[:colophon]), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("import", str(legacy), "-o", str(out), env=chinese_env(LANG="zh_CN.UTF-8"))
    assert result.returncode == 2, result.stderr
    assert not out.exists()
    line = result.stderr.strip().splitlines()[-1]
    match = re.fullmatch(r"错误：(\S+) 第(\d+)行：(.+)", line)
    assert match, line
    # it points at the last line of text, after which the colophon should follow
    last = max(number for number, text in enumerate(lines[:colophon], start=1) if text.strip())
    assert match[1] == str(legacy) and int(match[2]) == last
    assert match[3].startswith("缺少版权信息：最后一篇文章之后应是编印单位名称")
    assert_no_english_sentence(match[3])


@pytest.fixture(scope="module")
def off_grid_pdf(small_pdf, tmp_path_factory) -> Path:
    """The built mini issue whose make-up record claims a 20 pt line grid (the layout's
    is 18.375 pt): its body lines are then off the grid, a build fault preflight names."""
    import pikepdf

    out = tmp_path_factory.mktemp("grid") / "off-grid.pdf"
    with pikepdf.open(small_pdf) as pdf:
        pdf.docinfo["/CompositorMakeup"] = '{"pitch_pt": 20.0, "short": {}}'
        pdf.save(out)
    return out


def test_preflight_findings_are_chinese_and_keep_their_rule_ids(off_grid_pdf):
    result = run_cli("preflight", str(off_grid_pdf), env=chinese_env(LANG="zh_CN.UTF-8"))
    english = run_cli("preflight", str(off_grid_pdf), "--lang", "en")
    assert result.returncode == english.returncode == 1
    lines = result.stdout.splitlines()
    found = [line.strip() for line in lines if line.startswith("    ") and "«" in line]
    english_found = [line for line in english.stdout.splitlines() if "«" in line]
    assert found and len(found) == len(english_found)
    for line in found:
        match = re.fullmatch(r"基线偏离 20 pt 行格 (\d+\.\d) pt：«(.+)»", line)
        assert match, line
        assert HAN.search(match[2])
    # the rule ids stay as they are; what to do is Chinese
    assert "  off-grid (5)" in lines
    advice = [line for line in lines if line.startswith("    处理办法：")]
    assert advice and all("请勿将此 PDF 付印" in line for line in advice)
    assert lines[0] == f"排版预检：{off_grid_pdf}（共2页）"
    assert lines[-1] == "有6处需要修改" and english.stdout.splitlines()[-1] == "6 findings to fix"


def test_press_findings_are_chinese_with_their_rule_ids_and_verdict_word(small_pdf):
    # a screen PDF is no PDF/X: the press preflight says so, in Chinese, under its rule id
    result = run_cli("preflight", "--press", str(small_pdf), env=chinese_env(LANG="zh_CN.UTF-8"))
    assert result.returncode == 1, result.stdout
    findings = [
        re.split(r"\s{2,}|(?<=页)\s+|(?<=文档)\s+", line.strip(), maxsplit=3)
        for line in result.stdout.splitlines()
        if line.startswith("  错误 ") or line.startswith("  警告 ")
    ]
    assert [
        "错误",
        "整个文档",
        "pdfx-version",
        "不是 PDF/X 文件：没有 GTS_PDFXVersion 键（PDF/X-1a、-4）",
    ] in (findings)
    bleed = [f for f in findings if f[2] == "bleed"]
    assert [f[:2] for f in bleed] == [["警告", "第1页"], ["警告", "第2页"]]
    assert all(re.fullmatch(r"出血 0\.0 mm，不足 3 mm", f[3]) for f in bleed)
    assert result.stdout.rstrip().splitlines()[-1].startswith("FAIL：")
