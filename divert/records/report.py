"""The problem report of an import, as CSV a spreadsheet can open safely.

Its `outcome` column tells refusals ("file refused", "row quarantined") from warnings ("warning: row kept", a
value left blank under lenient row checks).
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.db.models import F

from divert.lib.spreadsheet import neutralise
from divert.records.models import FeedImport

HEADER = ["row", "column", "value", "reason", "outcome"]
def outcome(imp: FeedImport, row_number: int | None, severity: str = "refusal") -> str:
    """What became of the row: a refusal refused the file or quarantined the row; a warning (lenient row checks)
    left a value blank in a row that was kept - unless something else refused the whole file."""
    if severity == "warning":
        return "warning: file refused for other rows" if imp.status == "rejected" else "warning: row kept"
    if row_number is None:
        return "file refused"
    if imp.status == "rejected":
        return "file refused"
    return "row quarantined"


def write_report(imp: FeedImport, stream) -> int:
    """Write the report to a text stream; returns how many problems it lists."""
    writer = csv.writer(stream)
    writer.writerow(HEADER)
    n = 0
    for problem in imp.problems.order_by(F("row_number").asc(nulls_first=True), "id").iterator(chunk_size=2000):
        row = "" if problem.row_number is None else problem.row_number
        writer.writerow([row, *(neutralise(v) for v in (problem.column, problem.value, problem.reason,
                                                         outcome(imp, problem.row_number, problem.severity)))])
        n += 1
    return n


def save_report(imp: FeedImport, path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        write_report(imp, fh)
    return path


def report_name(imp: FeedImport) -> str:
    stem = Path(imp.file_name).name or f"import-{imp.pk}"
    return f"{stem}.errors.csv"
