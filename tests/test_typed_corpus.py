"""Issue 24: what editors type, through every path that reads it.

tests/data/typed/corpus.tsv holds typed lines with what must print (GB/T 15834-2011
examples, what Word files bring, and what is never touched). Each line goes through the
normaliser, through a real build (read back from the PDF), through ``compositor check``
and ``check --fix`` (after which the source says what prints and the PDF is unchanged),
and through the Word importer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from conftest import copy_mini, read_pdf, run_cli

from compositor.content import read_issue
from compositor.importer.contribution import import_contribution
from compositor.text.normalize import doubts, normalize

CORPUS = Path(__file__).parent / "data" / "typed" / "corpus.tsv"
SECTION = "奋进新征程 建功新时代"  # the last section: a new 03.md goes in it
FINDING = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<level>\w+): (?P<msg>.*)$")


@dataclass(frozen=True)
class Typed:
    typed: str
    printed: str
    doubt: bool  # kept as typed, and check asks

    @property
    def changes(self) -> bool:
        return self.typed != self.printed


def read_corpus() -> list[Typed]:
    cases = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        typed, printed, *flags = line.split("\t")
        cases.append(Typed(typed, printed, flags == ["doubt"]))
    return cases


CASES = read_corpus()


def test_the_corpus_is_large_and_covers_every_kind_of_case():
    assert len(CASES) >= 60
    assert sum(c.changes for c in CASES) >= 40
    assert sum(not c.changes and not c.doubt for c in CASES) >= 15  # never touched
    assert sum(c.doubt for c in CASES) >= 3


@pytest.mark.parametrize("case", CASES, ids=[c.typed for c in CASES])
def test_the_normaliser_prints_what_the_corpus_says(case: Typed):
    assert normalize(case.typed) == case.printed
    assert normalize(case.printed) == case.printed
    assert bool(doubts(case.typed)) == case.doubt


# --- build, check, fix, build again ------------------------------------------------------


def article_text(cases: list[Typed]) -> tuple[str, dict[int, Typed]]:
    """An article with each typed line as a paragraph, and the file line of each."""
    head = f'+++\nsection = "{SECTION}"\ntitle = "编辑录入的文字"\n+++\n'
    lines = head.split("\n")[:-1]
    at = {}
    for case in cases:
        lines.append("")
        lines.append(case.typed)
        at[len(lines)] = case
    return "\n".join(lines) + "\n", at


@dataclass(frozen=True)
class Journey:
    article: Path
    lines: dict[int, Typed]
    before_check: list[re.Match]
    before_pdf: bytes
    before_text: str
    fix_output: str
    fixed_source: str
    after_check: list[re.Match]
    after_check_status: int
    after_pdf: bytes


def findings(stdout: str, article: Path) -> list[re.Match]:
    matches = [FINDING.match(line) for line in stdout.splitlines()]
    return [m for m in matches if m and m["path"] == str(article)]


@pytest.fixture(scope="module")
def journey(tmp_path_factory) -> Journey:
    root = tmp_path_factory.mktemp("typed")
    issue = copy_mini(root)
    article = issue / "03.md"
    text, lines = article_text(CASES)
    # CRLF, as a file saved on Windows: --fix must keep it.
    article.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    before_pdf, after_pdf = root / "before.pdf", root / "after.pdf"
    assert run_cli("build", str(issue), "-o", str(before_pdf)).returncode == 0
    before = run_cli("check", str(issue))
    fixed = run_cli("check", str(issue), "--fix")
    after = run_cli("check", str(issue))
    assert run_cli("build", str(issue), "-o", str(after_pdf)).returncode == 0
    return Journey(
        article=article,
        lines=lines,
        before_check=findings(before.stdout, article),
        before_pdf=before_pdf.read_bytes(),
        before_text="".join(read_pdf(before_pdf).pages),
        fix_output=fixed.stdout,
        fixed_source=article.read_bytes().decode("utf-8"),
        after_check=findings(after.stdout, article),
        after_check_status=after.returncode,
        after_pdf=after_pdf.read_bytes(),
    )


def squeeze(text: str) -> str:
    """Whitespace out: lines break anywhere, and the layout's Han–Latin space is no character."""
    return re.sub(r"\s+", "", text)


def test_the_pdf_prints_every_line_as_the_corpus_says(journey: Journey):
    printed = squeeze(journey.before_text)
    missing = [c.printed for c in CASES if squeeze(c.printed) not in printed]
    assert missing == []
    # and what was typed otherwise is not printed as typed
    still = [
        c.typed
        for c in CASES
        if c.changes and squeeze(c.typed) in printed and c.typed not in c.printed
    ]
    assert still == []


def test_check_warns_on_every_line_that_prints_otherwise_and_on_no_other(journey: Journey):
    warned = {int(m["line"]) for m in journey.before_check if m["level"] == "warning"}
    assert not [m for m in journey.before_check if m["level"] == "error"]
    expected = {line for line, case in journey.lines.items() if case.changes or case.doubt}
    assert warned == expected


def test_each_warning_names_what_is_typed_at_its_column_and_its_replacement(journey: Journey):
    for match in journey.before_check:
        case = journey.lines[int(match["line"])]
        at = case.typed[int(match["column"]) - 1 :]
        if case.doubt:
            assert at[0] in '"—.'  # the unpaired quote, the lone dash, the 一. enumerator
            continue
        if "stray space" in match["msg"]:
            assert at[0] == " "
            continue
        quoted = re.findall(r"'([^']+)'|\"([^\"]+)\"", match["msg"])
        quoted = [a or b for a, b in quoted]
        assert any(at.startswith(q) for q in quoted), (case.typed, match["msg"])
        assert any(q in case.printed and q not in case.typed for q in quoted), match["msg"]


def test_fix_writes_what_prints_into_the_source_and_keeps_crlf(journey: Journey):
    fixed_lines = journey.fixed_source.split("\r\n")
    assert "\n" not in journey.fixed_source.replace("\r\n", "")
    for line, case in journey.lines.items():
        assert fixed_lines[line - 1] == case.printed
    assert f"{journey.article}:" in journey.fix_output and "fixed:" in journey.fix_output


def test_after_fix_check_asks_only_about_the_doubts_and_the_pdf_is_identical(journey: Journey):
    warned = {int(m["line"]) for m in journey.after_check}
    assert warned == {line for line, case in journey.lines.items() if case.doubt}
    assert journey.after_check_status == 0
    assert journey.after_pdf == journey.before_pdf


def test_diff_shows_the_changes_without_writing(tmp_path):
    issue = copy_mini(tmp_path)
    article = issue / "03.md"
    text, _ = article_text(CASES[:3])
    article.write_text(text, encoding="utf-8")
    result = run_cli("check", str(issue), "--diff")
    assert article.read_text(encoding="utf-8") == text
    assert f"-{CASES[0].typed}\n" in result.stdout
    assert f"+{CASES[0].printed}\n" in result.stdout


# --- the Word importer ------------------------------------------------------------------


def test_the_word_importer_stores_every_line_as_the_corpus_says(tmp_path):
    issue = copy_mini(tmp_path)
    document = docx.Document()
    document.add_paragraph("编辑录入的文字", style="Title")
    for case in CASES:
        document.add_paragraph(case.typed)
    document.save(tmp_path / "供稿.docx")
    result = import_contribution(tmp_path / "供稿.docx", issue, SECTION)
    article = next(a for a in read_issue(issue).articles if a.source.path == result.article)
    assert [block.text for block in article.blocks] == [c.printed for c in CASES]


# --- the legacy text importer (the PDF importer's text goes the same way) -----------------


def test_the_text_importer_stores_every_line_as_the_corpus_says(tmp_path):
    from compositor.importer.run import import_legacy

    seed = Path(__file__).parent / "data" / "legacy" / "torch-2022-17.txt"
    anchor = "在山东省淄博市召开。\n"
    text = seed.read_text(encoding="utf-8")
    assert anchor in text
    typed = "".join(f"\n{case.typed}\n" for case in CASES)
    legacy = tmp_path / "typed.txt"
    legacy.write_text(text.replace(anchor, anchor + typed, 1), encoding="utf-8")
    result = import_legacy(legacy, tmp_path / "torch" / "2022-17")
    # The importer joins lines that end no sentence (text broken across a page): compare
    # the stored text as one stream.
    stored = "".join(b.text for a in result.issue.articles for b in a.blocks if hasattr(b, "text"))
    assert [c.printed for c in CASES if c.printed not in stored] == []
    assert [
        c.typed for c in CASES if c.changes and c.typed not in c.printed and c.typed in stored
    ] == []


def test_fix_keeps_a_bom_the_file_mode_and_every_other_byte(tmp_path):
    issue = copy_mini(tmp_path)
    article = issue / "03.md"
    text, _ = article_text([CASES[0]])
    article.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8") + b"\n\nThe end.\n")
    article.chmod(0o640)
    result = run_cli("check", str(issue), "--fix")
    assert result.returncode == 0, result.stderr
    data = article.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert (
        data[3:].decode("utf-8")
        == text.replace(CASES[0].typed, CASES[0].printed) + "\n\nThe end.\n"
    )
    assert article.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in issue.iterdir() if p.name.startswith(".")] == []  # no temp file left
