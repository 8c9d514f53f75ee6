"""Issue 26: what the layering promises — an issue folder is read once, the make-up
record is one dataclass that the writer (weasy.makeup) and the reader (preflight) share.

The layers themselves are checked by ``lint-imports`` in .ci/run (pyproject.toml).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pikepdf
import pytest

import compositor.content
from compositor.content.validate import read_findings
from compositor.layout import load_layout
from compositor.makeup_record import KEY, RELAXED, MakeupRecord
from compositor.paths import LAYOUTS_DIR
from compositor.preflight.typography import read_makeup

MINI = Path(__file__).parent / "data" / "mini" / "2023-01"


def test_reading_an_issue_folder_decodes_each_file_once(monkeypatch):
    reads: Counter[Path] = Counter()
    decode = compositor.content.read_text

    def counting(path: Path) -> str:
        reads[Path(path).resolve()] += 1
        return decode(path)

    monkeypatch.setattr(compositor.content, "read_text", counting)
    reading = read_findings(MINI)
    assert reading.issue is not None, reading.findings
    files = {p.resolve() for p in MINI.iterdir() if p.suffix in (".md", ".toml")}
    files.add((MINI.parent / "publication.toml").resolve())
    assert set(reads) == files
    assert all(count == 1 for count in reads.values()), reads


@pytest.fixture(scope="module")
def recorded(sample_pdf) -> tuple[str, MakeupRecord]:
    with pikepdf.open(sample_pdf.path) as pdf:
        raw = str(pdf.docinfo["/" + KEY])
    return raw, read_makeup(sample_pdf.path)


def test_the_record_in_the_pdf_is_what_the_dataclass_writes(recorded):
    raw, record = recorded
    assert record.ours
    assert record.to_json() == raw  # reading and writing again changes no byte
    assert MakeupRecord.from_json(raw) == record


def test_the_record_holds_the_layout_pitch_and_what_the_makeup_did(recorded, sample_pdf):
    _, record = recorded
    assert record.pitch == load_layout(LAYOUTS_DIR / "torch").grid.pitch_pt
    pages = range(1, sample_pdf.page_count + 1)
    assert set(record.reasons) <= set(pages)
    assert set(record.spaced) <= set(pages)
    # 齐底 spaced at least one page of the sample, in whole lines of known gap kinds
    assert record.spaced and all(
        lines > 0 and kind.startswith(("before-", "after-"))
        for kinds in record.spaced.values()
        for kind, lines in kinds.items()
    )


def test_a_record_without_relaxed_pages_keeps_that_apart_from_none_relaxed():
    tried = MakeupRecord(14.0, {3: "why"}, {}, frozenset())
    assert '"relaxed": {}' in tried.to_json()
    assert MakeupRecord.from_json(tried.to_json()) == tried
    untried = MakeupRecord(14.0)
    assert "relaxed" not in untried.to_json()
    assert MakeupRecord.from_json(untried.to_json()).relaxed is None
    assert RELAXED in MakeupRecord(14.0, relaxed=frozenset({2})).to_json()


def test_a_foreign_record_is_refused():
    with pytest.raises(ValueError):
        MakeupRecord.from_json('{"short": {}}')
    with pytest.raises(ValueError):
        MakeupRecord.from_json("not json")
