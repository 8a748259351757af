"""Files that cannot be read safely are refused whole, with a reason a person can act on."""

import csv

import pytest

from divert.records.models import ImportStatus, StagedRecord
from divert.records.reading import MAX_LINE_CHARS
from divert.records.tests.conftest import JAIL_HEADER, court_jsonl, court_line, jail_csv, jail_row


def refused(imp, *words):
    assert imp.status == ImportStatus.REJECTED
    assert not StagedRecord.objects.filter(feed_import=imp).exists()
    for word in words:
        assert word in imp.message, imp.message
    return imp.problems.first()


def test_latin1_in_a_utf8_profile_is_refused_naming_the_encoding(jail, write, do_import):
    rows = [jail_row(n) for n in range(1, 2500)] + [jail_row(2500, LAST_NAME="Muñoz")]
    imp = do_import(jail, write(jail_csv(rows), encoding="latin-1"))
    refused(imp, "not valid utf-8", "near row", "cp1252")
    assert imp.problems.get().row_number > 2000


def test_a_utf8_byte_order_mark_is_read_past(jail, write, do_import):
    imp = do_import(jail, write(b"\xef\xbb\xbf" + jail_csv([jail_row(1, LAST_NAME="Muñoz")]).encode()))
    assert imp.status == ImportStatus.FINISHED
    assert StagedRecord.objects.get().last_name == "MUÑOZ"


def test_utf16_with_a_byte_order_mark_is_read_as_utf16(jail, write, do_import):
    imp = do_import(jail, write(jail_csv([jail_row(1, LAST_NAME="Muñoz")]), encoding="utf-16"))
    assert imp.status == ImportStatus.FINISHED, imp.message
    assert imp.encoding_used == "utf-16"


def test_utf16_without_a_byte_order_mark_is_refused(jail, write, do_import):
    imp = do_import(jail, write(jail_csv([jail_row(1)]), encoding="utf-16-le"))
    refused(imp, "NUL bytes", "UTF-16")


def test_a_spreadsheet_is_refused(jail, write, do_import):
    refused(do_import(jail, write(b"PK\x03\x04" + b"\x00" * 100, "feed.xlsx")), "spreadsheet")


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n  \n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(jail, write, do_import, content):
    refused(do_import(jail, write(content)), "empty")


def test_a_header_only_file_is_refused(jail, write, do_import):
    refused(do_import(jail, write(jail_csv([]))), "header but no rows")


def test_missing_columns_refuse_the_file_naming_them(jail, write, do_import):
    header = [h for h in JAIL_HEADER if h not in ("DOB", "SID")]
    imp = do_import(jail, write(jail_csv([jail_row(1)], header=header)))
    refused(imp, "DOB", "SID")
    problem = imp.problems.get()
    assert (problem.row_number, problem.column) == (1, "DOB, SID")


def test_a_column_named_twice_refuses_the_file(jail, write, do_import):
    refused(do_import(jail, write(jail_csv([jail_row(1)], header=[*JAIL_HEADER, "SID"]))), "more than once")


def test_a_long_field_is_a_bad_row_with_its_value_cut(jail, write, do_import):
    imp = do_import(jail, write(jail_csv([jail_row(1), jail_row(2, CHARGE_DESC="x" * 5000)])))
    problem = refused(imp)
    assert (problem.row_number, problem.column) == (3, "CHARGE_DESC")
    assert "5,000 characters" in problem.reason and "500" in problem.reason
    assert len(problem.value) <= 201


def test_a_field_beyond_the_csv_limit_refuses_the_file(jail, write, do_import):
    # An unclosed quote swallows the rest of the file into one field.
    text = jail_csv([jail_row(1)]) + 'B2,BOOK,"03/14/2025' + ",x" * (csv.field_size_limit() // 2 + 10) + "\r\n"
    refused(do_import(jail, write(text)), "stray quote")


def test_more_rows_than_the_profile_allows_refuses_the_file(jail, write, do_import):
    jail.spec = {**jail.spec, "max_rows": 3}
    jail.save()
    refused(do_import(jail, write(jail_csv([jail_row(n) for n in range(1, 5)]))), "more than 3 rows")


def test_a_row_with_the_wrong_number_of_fields_is_bad(jail, write, do_import):
    imp = do_import(jail, write(jail_csv([jail_row(1)]) + "B0000009,BOOK,03/14/2025\r\n"))
    assert "has 3 fields; the header has 18" in refused(imp).reason


def test_jsonl_bad_lines_are_quarantined_with_their_reason(court, write, do_import):
    text = court_jsonl([court_line(1)]) + "{not json\n" + "[1, 2]\n" + '{"a": "' + "x" * MAX_LINE_CHARS + '"}\n'
    imp = do_import(court, write(text + court_jsonl([court_line(2)]), "court.jsonl"))
    assert imp.status == ImportStatus.FINISHED and imp.rows_added == 2 and imp.rows_quarantined == 3
    reasons = list(imp.problems.values_list("row_number", "reason"))
    assert reasons[0][0] == 2 and "not valid JSON" in reasons[0][1]
    assert reasons[1] == (3, "not a JSON object")
    assert reasons[2][0] == 4 and "longer than" in reasons[2][1]


def test_jsonl_nan_is_no_json_and_is_quarantined(court, write, do_import):
    # Python's json reads a bare NaN; the staged row's JSON column would refuse it and stop the whole import.
    line = court_jsonl([court_line(2)]).replace('"charge_seq": 1', '"charge_seq": NaN')
    assert "NaN" in line
    imp = do_import(court, write(court_jsonl([court_line(1)]) + line, "court.jsonl"))
    assert imp.status == ImportStatus.FINISHED and imp.rows_added == 1 and imp.rows_quarantined == 1
    assert "NaN is not a JSON value" in imp.problems.get().reason


def test_a_nul_byte_late_in_a_file_is_kept_as_a_replacement_character(jail, write, do_import):
    rows = [jail_row(n) for n in range(1, 300)] + [jail_row(300, CHARGE_DESC="bad\x00byte")]
    imp = do_import(jail, write(jail_csv(rows)))
    assert imp.status == ImportStatus.FINISHED
    assert StagedRecord.objects.get(row_number=301).charge_description == "bad\ufffdbyte"
