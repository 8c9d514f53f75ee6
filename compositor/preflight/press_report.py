"""Reports a print shop can keep (issue 27): ``preflight --press --json FILE`` writes the
findings and summary as JSON; ``--report DIR`` writes the separations (a PNG per plate
per page, press_plates.py) and an HTML page that shows them beside the findings.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from compositor.preflight.press_plates import ordered_inks, plate_file

REPORT_PAGE = "index.html"


def as_dict(pdf: Path, inspection, verdict: str) -> dict:
    return {
        "file": str(pdf),
        "verdict": verdict,
        "passed": verdict.startswith("PASS"),
        "summary": [{"label": label, "value": value} for label, value in inspection.summary],
        "findings": [
            {
                "page": finding.page,
                "rule": finding.rule,
                "severity": finding.severity,
                "message": finding.message,
            }
            for finding in inspection.findings
        ],
    }


def write_json(target: Path, pdf: Path, inspection, verdict: str) -> None:
    text = json.dumps(as_dict(pdf, inspection, verdict), ensure_ascii=False, indent=2)
    Path(target).write_text(text + "\n", encoding="utf-8")


def write_html(folder: Path, pdf: Path, inspection, verdict: str) -> Path:
    """The report page in ``folder``, next to the plate PNGs already saved there."""
    pages = _plates_by_page(folder)
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>Press preflight: {escape(pdf.name)}</title>",
        "<style>body{font-family:sans-serif} img{width:180px;border:1px solid #ccc}"
        " figure{display:inline-block;margin:4px} .error{color:#b00}</style></head><body>",
        f"<h1>Press preflight: {escape(pdf.name)}</h1><p><strong>{escape(verdict)}</strong></p>",
        "<table>",
        *(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in inspection.summary),
        "</table><h2>Findings</h2><ul>",
        *(
            f"<li class='{f.severity}'>{f.severity.upper()} "
            f"{'page ' + str(f.page) if f.page else 'document'}: {escape(f.rule)}: "
            f"{escape(f.message)}</li>"
            for f in inspection.findings
        ),
        "</ul><h2>Separations</h2>",
    ]
    for page, inks in sorted(pages.items()):
        parts.append(f"<h3>Page {page}</h3><div>")
        for ink in ordered_inks(inks):
            name = plate_file(page, ink)
            parts.append(
                f"<figure><img src='{escape(name)}' alt='{escape(ink)}'>"
                f"<figcaption>{escape(ink)}</figcaption></figure>"
            )
        parts.append("</div>")
    parts.append("</body></html>")
    target = Path(folder) / REPORT_PAGE
    target.write_text("\n".join(parts), encoding="utf-8")
    return target


def _plates_by_page(folder: Path) -> dict[int, list[str]]:
    """{page: its plate names}, from the PNG files press_plates saved."""
    pages: dict[int, list[str]] = {}
    for path in Path(folder).glob("page-*-*.png"):
        _, number, ink = path.stem.split("-", 2)
        pages.setdefault(int(number), []).append(ink)
    return pages
