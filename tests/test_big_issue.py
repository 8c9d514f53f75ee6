"""A big issue builds within memory: the ~30-page version of benchmarks/big_issue.py.

The benchmark run by hand builds 300 pages (results in benchmarks/results/big_issue.txt);
here the same script builds about 30, in a fresh process whose peak RSS it reports.
"""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

LIMIT_MB = 1024


def test_a_30_page_issue_builds_well_under_a_gigabyte(tmp_path):
    out = tmp_path / "result.json"
    script = ROOT / "benchmarks" / "big_issue.py"
    command = [sys.executable, str(script), "--pages", "30", "--json", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    measured = json.loads(out.read_text(encoding="utf-8"))
    big = measured["big"]
    assert 30 <= big["pages"] < 60
    assert big["peak_mb"] < LIMIT_MB
    # Memory must not grow with the page count anywhere near linearly from the sample's.
    assert big["peak_mb"] < 2 * measured["sample"]["peak_mb"]
    assert measured["met"]
