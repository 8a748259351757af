"""Every row is checked: dates, codes, kinds, required values, source keys. Problems name the row and column."""

from datetime import UTC, datetime

import pytest
import time_machine

from divert.records.models import ImportStatus, StagedRecord
from divert.records.tests.conftest import court_jsonl, court_line, jail_csv, jail_row


def only_problem(imp):
    assert imp.status == ImportStatus.REJECTED
    problem = imp.problems.get()
    return problem.row_number, problem.column, problem.value, problem.reason


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("EVENT_DATE", "2025-03-14", "not a real date in the form %m/%d/%Y"),
    ("EVENT_DATE", "02/30/2025", "not a real date"),
    ("EVENT_DATE", "13/01/2025", "not a real date"),
    ("EVENT_DATE", "03/14/2099", "in the future"),
    ("EVENT_DATE", "03/14/1850", "before 1900"),
    ("EVENT_TIME", "25:61", "not a real time"),
    ("DOB", "02/30/1980", "not a real date"),
    ("DOB", "07/04/2090", "impossible date of birth"),
    ("DOB", "1880", "impossible date of birth"),
    ("DOB", "last tuesday", "not a date"),
    ("SEX", "Q", "unknown sex code"),
    ("RACE", "ZZ", "unknown race code"),
    ("WARRANT_FLAG", "maybe", "unknown warrant code"),
    ("SID", "WA#123", "letters and digits"),
    ("EVENT_TYPE", "TRANSFER", "not a kind this profile knows"),
    ("INMATE_ID", "", "required and is missing"),
    ("BOOKING_NO", "", "booking number is required"),
    ("EVENT_TYPE", "", "not a kind this profile knows"),
    ("LAST_NAME", "", "last name is missing"),
])
def test_a_bad_value_refuses_the_file_naming_row_and_column(jail, write, do_import, column, value, reason):
    imp = do_import(jail, write(jail_csv([jail_row(1), jail_row(2, **{column: value})])))
    row, problem_column, problem_value, problem_reason = only_problem(imp)
    assert (row, problem_column, problem_value) == (3, column, value)
    assert reason in problem_reason


def test_an_unmapped_release_reason_is_an_error_when_the_profile_says_so(jail, write, do_import):
    imp = do_import(jail, write(jail_csv([jail_row(1, EVENT_TYPE="REL", RELEASE_CODE="ESCAPE")])))
    assert "release reason code not in the profile's list" in only_problem(imp)[3]


def test_an_unmapped_charge_code_is_kept_when_the_profile_says_so(jail, write, do_import):
    imp = do_import(jail, write(jail_csv([jail_row(1, TOP_CHARGE="99.99.999")])))
    assert imp.status == ImportStatus.FINISHED
    row = StagedRecord.objects.get()
    assert (row.charge_code, row.offense_category, row.severity) == ("99.99.999", "", "")


def test_a_row_of_another_kind_than_declared_is_bad(jail, write, do_import):
    imp = do_import(jail, write(jail_csv([jail_row(1), jail_row(2, EVENT_TYPE="REL", RELEASE_CODE="BAIL")])),
                    kind="booking")
    assert "this row is a release; the import was started for booking rows" in only_problem(imp)[3]


@pytest.mark.parametrize(("dob", "parts"), [
    ("07/04/1980", (1980, 7, 4)),
    ("00/00/1980", (1980, None, None)),
    ("07/00/1980", (1980, 7, None)),
    ("1980", (1980, None, None)),
])
def test_partial_dates_of_birth_keep_the_known_parts(jail, write, do_import, dob, parts):
    do_import(jail, write(jail_csv([jail_row(1, DOB=dob)])))
    row = StagedRecord.objects.get()
    assert (row.dob_year, row.dob_month, row.dob_day) == parts
    assert (row.date_of_birth is not None) == all(parts)


def test_local_times_across_the_daylight_saving_change_are_stored_in_utc(jail, write, do_import):
    do_import(jail, write(jail_csv([jail_row(1, EVENT_DATE="01/15/2025", EVENT_TIME="08:00"),
                                    jail_row(2, EVENT_DATE="07/15/2025", EVENT_TIME="08:00")])))
    winter, summer = StagedRecord.objects.order_by("row_number").values_list("occurred_at", flat=True)
    assert winter == datetime(2025, 1, 15, 16, 0, tzinfo=UTC)
    assert summer == datetime(2025, 7, 15, 15, 0, tzinfo=UTC)


def test_court_rows_map_statutes_classes_and_dispositions(court, write, do_import):
    lines = [court_line(1, **{"class": "F"}),
             court_line(1, record_type="DISP", disposition_code="stipulated order of continuance",
                        event_date="2025-06-01"),
             court_line(2, statute="RCW 66.44.100", **{"class": None}, defendant__dob="1979-00-00")]
    imp = do_import(court, write(court_jsonl(lines), "court.jsonl"))
    assert imp.status == ImportStatus.FINISHED, imp.message
    charge, disposition, violation = StagedRecord.objects.order_by("row_number")
    # The court's own class of the charge wins over the profile's statute map.
    assert (charge.kind, charge.severity, charge.offense_category) == ("charge", "felony", "theft")
    assert (disposition.kind, disposition.disposition) == ("disposition", "deferred")
    assert (violation.severity, violation.dob_year, violation.dob_month) == ("violation", 1979, None)
    assert charge.source_key == "25-1-00001-1|1|CHARGE"


def test_a_nested_value_where_a_single_one_belongs_is_bad(court, write, do_import):
    imp = do_import(court, write(court_jsonl([court_line(1, statute=["a", "b"])]), "court.jsonl"))
    assert imp.status == ImportStatus.FINISHED and imp.rows_quarantined == 1
    assert "expected a single value" in imp.problems.get().reason


@time_machine.travel(datetime(2025, 3, 15, 12, 0, tzinfo=UTC), tick=False)
def test_an_event_a_day_ahead_of_now_is_refused(jail, write, do_import):
    imp = do_import(jail, write(jail_csv([jail_row(1, EVENT_DATE="03/17/2025")])))
    assert "in the future" in only_problem(imp)[3]
