"""Synthetic issues made from the sample issue's own articles, for benchmarks.

``synthetic_issue(parent, copies=8)`` writes a publication folder (a copy of the
sample's publication.toml) holding one issue whose articles are the sample's, each
repeated ``copies`` times: the same text, fonts and layout, only longer, so that
timings of a big issue compare with the sample's. ``copies=8`` gives about 100 A4
pages. ``issue_batch(parent, count)`` writes ``count`` issues of the sample's size,
as an archive of back issues would be.

    python benchmarks/synthetic.py /tmp/big 8     # writes /tmp/big/torch/2022-17
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "torch" / "2022-17"
PUBLICATION_FILE = "publication.toml"
ISSUE_FILE = "issue.toml"
TITLE_LINE = re.compile(r'^title = "(.*)"$', re.MULTILINE)


def synthetic_issue(parent: Path, copies: int, number: int = 17, sample: Path = SAMPLE) -> Path:
    """Write an issue with every article of ``sample`` repeated ``copies`` times.

    Copies of one article are numbered in their titles (……（之2）) so that the table
    of contents stays readable, and named ``NN-K.md`` so that name order keeps the
    articles in section order, as the content reader requires.
    """
    folder = _issue_folder(parent, sample, number)
    for article in sorted(sample.glob("*.md")):
        text = article.read_text(encoding="utf-8")
        for copy in range(1, copies + 1):
            (folder / f"{article.stem}-{copy}.md").write_text(
                _retitle(text, copy), encoding="utf-8"
            )
    return folder


def issue_batch(parent: Path, count: int, sample: Path = SAMPLE) -> list[Path]:
    """Write ``count`` copies of ``sample`` as issues 1 … count of one publication."""
    folders = []
    for number in range(1, count + 1):
        folder = _issue_folder(parent, sample, number)
        for article in sample.glob("*.md"):
            shutil.copy(article, folder / article.name)
        folders.append(folder)
    return folders


def _issue_folder(parent: Path, sample: Path, number: int) -> Path:
    """An empty issue folder numbered ``number`` under a copy of ``sample``'s publication."""
    publication = Path(parent) / sample.parent.name
    publication.mkdir(parents=True, exist_ok=True)
    shutil.copy(sample.parent / PUBLICATION_FILE, publication / PUBLICATION_FILE)
    folder = publication / f"{_year(sample)}-{number:02d}"
    folder.mkdir(exist_ok=True)
    issue = (sample / ISSUE_FILE).read_text(encoding="utf-8")
    issue = re.sub(r"^number = \d+$", f"number = {number}", issue, flags=re.MULTILINE)
    (folder / ISSUE_FILE).write_text(issue, encoding="utf-8")
    return folder


def _year(sample: Path) -> str:
    return re.search(r"^year = (\d+)$", (sample / ISSUE_FILE).read_text("utf-8"), re.M)[1]


def _retitle(article: str, copy: int) -> str:
    if copy == 1:
        return article
    return TITLE_LINE.sub(lambda m: f'title = "{m[1]}（之{copy}）"', article, count=1)


if __name__ == "__main__":
    target, copies = Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 8
    print(synthetic_issue(target, copies))
