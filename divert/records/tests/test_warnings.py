"""Lenient row checks: a bad optional value is left blank and reported as a warning; the row is kept and counted.

Strict (the default, and what the shipped profiles use) is unchanged: any bad value makes the row bad.
"""

import copy
import csv
import io
from datetime import UTC, datetime

import pytest

from divert.records.models import ImportStatus, ProblemSeverity, StagedRecord
from divert.records.parsing import parse_row
from divert.records.profiles import FIXTURES, ProfileError, parse_spec, read_profile_file, save_profile
from divert.records.report import write_report
from divert.records.tests.conftest import JAIL_HEADER, jail_csv, jail_row

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def lenient_jail(jail):
    """The shipped jail profile with lenient row checks (and the shipped reject policy)."""
    data = {"slug": "jail-lenient", "name": "Jail, lenient", "spec": {**copy.deepcopy(jail.spec),
                                                                       "row_checks": "lenient"}}
    return save_profile(data)[0]


def report(imp) -> list[list[str]]:
    out = io.StringIO()
    write_report(imp, out)
    return list(csv.reader(io.StringIO(out.getvalue())))[1:]


def warnings(imp):
    return list(imp.problems.filter(severity=ProblemSeverity.WARNING).values_list("row_number", "column", "value"))


# --- The option -------------------------------------------------------------------------------------------------


def test_strict_is_the_default_and_the_shipped_profiles_keep_it(profiles):
    for profile in profiles.values():
        assert "row_checks" not in profile.spec and profile.parsed.row_checks == "strict"


def test_the_febrl_bench_profile_is_lenient():
    assert parse_spec(read_profile_file(FIXTURES / "bench-profile-febrl.json")["spec"]).row_checks == "lenient"


def test_an_unknown_row_checks_value_is_refused(jail):
    with pytest.raises(ProfileError) as caught:
        parse_spec({**jail.spec, "row_checks": "relaxed"})
    assert any('row_checks must be "strict"' in p and "'relaxed'" in p for p in caught.value.problems)


def test_strict_still_refuses_the_file_for_an_impossible_date_of_birth(jail, write, do_import):
    imp = do_import(jail, write(jail_csv([jail_row(1), jail_row(2, DOB="19600086")])))
    assert imp.status == ImportStatus.REJECTED and imp.rows_warned == 0
    assert imp.problems.get().severity == ProblemSeverity.REFUSAL
    assert not StagedRecord.objects.exists()


# --- Lenient: optional values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("column", "value", "field", "blank"), [
    ("DOB", "07/04/2090", "date_of_birth", None),
    ("DOB", "02/30/1980", "dob_year", None),
    ("SEX", "Q", "sex", ""),
    ("RACE", "ZZ", "race", ""),
    ("SID", "WA#123", "state_id", ""),
    ("WARRANT_FLAG", "maybe", "warrant", None),
    ("ARRESTING_AGENCY", "x" * 400, "agency", ""),
])
def test_a_bad_optional_value_is_left_blank_and_the_row_kept(lenient_jail, write, do_import, column, value, field,
                                                             blank):
    imp = do_import(lenient_jail, write(jail_csv([jail_row(1), jail_row(2, **{column: value})])))
    assert imp.status == ImportStatus.FINISHED, imp.message
    assert (imp.rows_added, imp.rows_bad, imp.rows_warned, imp.problems_total) == (2, 0, 1, 1)
    assert "1 kept with warnings" in imp.message
    kept = StagedRecord.objects.get(row_number=3)
    assert getattr(kept, field) == blank
    assert warnings(imp) == [(3, column, value[:200] + ("…" if len(value) > 200 else ""))]
    [row] = report(imp)
    assert row[0] == "3" and row[1] == column and row[4] == "warning: row kept"
    assert "left blank, the row was kept" in row[3]


def test_several_warnings_on_one_row_count_the_row_once(lenient_jail, write, do_import):
    imp = do_import(lenient_jail, write(jail_csv([jail_row(1, DOB="1880", SEX="?", RACE="??")])))
    assert (imp.status, imp.rows_added, imp.rows_warned, imp.problems_total) == (ImportStatus.FINISHED, 1, 1, 3)
    assert [c for _, c, _ in warnings(imp)] == ["DOB", "SEX", "RACE"]


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("INMATE_ID", "J#1", "letters and digits"),  # required by the profile
    ("INMATE_ID", "", "required and is missing"),
    ("FIRST_NAME", "", "required and is missing"),
    ("BOOKING_NO", "B" * 70, "longer than 64"),  # a booking needs its number; it is also the source key
    ("EVENT_DATE", "02/30/2025", "not a real date"),  # the time of the event is never optional
    ("EVENT_TYPE", "TRANSFER", "not a kind this profile knows"),
])
def test_firm_values_still_refuse_under_lenient_checks(lenient_jail, write, do_import, column, value, reason):
    imp = do_import(lenient_jail, write(jail_csv([jail_row(1), jail_row(2, **{column: value})])))
    assert imp.status == ImportStatus.REJECTED
    problem = imp.problems.get()
    assert (problem.row_number, problem.column, problem.severity) == (3, column, ProblemSeverity.REFUSAL)
    assert reason in problem.reason


def test_a_code_the_profile_says_must_be_known_still_refuses(lenient_jail, write, do_import):
    imp = do_import(lenient_jail, write(jail_csv([jail_row(1, EVENT_TYPE="REL", RELEASE_CODE="ESCAPE")])))
    assert imp.status == ImportStatus.REJECTED
    assert "release reason code not in the profile's list" in imp.problems.get().reason


def test_a_refused_file_lists_warnings_apart_from_refusals(lenient_jail, write, do_import):
    imp = do_import(lenient_jail, write(jail_csv([jail_row(1, SEX="Q"), jail_row(2, EVENT_DATE="")])))
    assert imp.status == ImportStatus.REJECTED and not StagedRecord.objects.exists()
    assert [(r[0], r[1], r[4]) for r in report(imp)] == [
        ("2", "SEX", "warning: file refused for other rows"), ("3", "EVENT_DATE", "file refused")]


def test_a_quarantined_row_lists_only_what_refused_it(lenient_jail, write, do_import):
    lenient_jail.spec = {**lenient_jail.spec, "bad_rows": "quarantine"}
    lenient_jail.save()
    imp = do_import(lenient_jail, write(jail_csv([jail_row(1, SEX="Q"), jail_row(2, SEX="Q", EVENT_DATE="")])))
    assert (imp.status, imp.rows_added, imp.rows_quarantined, imp.rows_warned) == (ImportStatus.FINISHED, 1, 1, 1)
    assert [(r[0], r[1], r[4]) for r in report(imp)] == [("2", "SEX", "warning: row kept"),
                                                         ("3", "EVENT_DATE", "row quarantined")]


def test_reimporting_a_file_with_warnings_adds_nothing(lenient_jail, write, do_import):
    path = write(jail_csv([jail_row(1, DOB="07/04/2090")]))
    do_import(lenient_jail, path)
    again = do_import(lenient_jail, write(path.read_text()))
    assert (again.rows_added, again.rows_unchanged, again.rows_warned) == (0, 1, 1)
    assert StagedRecord.objects.count() == 1


# --- Lenient: a row without a last name --------------------------------------------------------------------------


def spec_without_required(**over):
    return parse_spec({
        "format": "csv", "kinds": ["arrest"], "time_zone": "UTC", "date_formats": ["%Y%m%d"],
        "columns": {"last_name": "surname", "first_name": "given", "date_of_birth": "dob", "state_id": "sid",
                    "fbi_number": "fbi", "jail_person_id": "jid", "occurred_date": "day"},
        "key": ["id"], "row_checks": "lenient", **over,
    })


def arrest(**over):
    return {"id": "1", "surname": "", "given": "", "dob": "", "sid": "", "fbi": "", "jid": "", "day": "20250301",
            **over}


@pytest.mark.parametrize(("row", "because"), [
    ({"sid": "WA-123"}, "carries a state id"),
    ({"fbi": "123AB4"}, "carries a fbi number"),
    ({"jid": "J88"}, "carries a jail person id"),
    ({"given": "Elton", "dob": "19651013"}, "first name and a full date of birth"),
])
def test_a_row_without_a_last_name_is_kept_when_something_says_who_it_is(row, because):
    fields, problems = parse_row(spec_without_required(), arrest(**row), "arrest", NOW)
    assert not problems and fields["last_name"] == ""
    [(column, value, reason)] = problems.warnings
    assert column == "surname" and "the last name is missing" in reason and because in reason


@pytest.mark.parametrize("row", [
    {},
    {"given": "Elton"},
    {"given": "Elton", "dob": "1965"},  # a year is not enough
    {"dob": "19651013"},
    {"sid": "WA#1", "given": "Elton"},  # a malformed identifier is blanked, so it says nothing
])
def test_a_row_without_a_last_name_or_anything_else_is_still_refused(row):
    _, problems = parse_row(spec_without_required(), arrest(**row), "arrest", NOW)
    assert [c for c, _, _ in problems] == ["surname"]
    assert "neither an identifier" in problems[0][2]


def test_strict_refuses_a_row_without_a_last_name_even_with_an_identifier():
    _, problems = parse_row(spec_without_required(row_checks="strict"), arrest(sid="WA123"), "arrest", NOW)
    assert problems == [("surname", "", "the last name is missing")] and problems.warnings == []


def test_a_required_last_name_stays_required_under_lenient_checks():
    _, problems = parse_row(spec_without_required(required=["last_name"]), arrest(sid="WA123"), "arrest", NOW)
    assert [c for c, _, _ in problems] == ["surname"] and not problems.warnings


def test_an_impossible_date_of_birth_is_blanked_before_judging_a_missing_last_name():
    fields, problems = parse_row(spec_without_required(), arrest(given="Elton", dob="19600086"), "arrest", NOW)
    assert fields["date_of_birth"] is None and [c for c, _, _ in problems] == ["surname"]
    assert [c for c, _, _ in problems.warnings] == ["dob"]


def test_a_key_column_is_firm():
    spec = spec_without_required(key=["sid"])
    _, problems = parse_row(spec, arrest(sid="WA#1", surname="Rivera"), "arrest", NOW)
    assert [c for c, _, _ in problems] == ["sid"] and not problems.warnings


# --- The page -----------------------------------------------------------------------------------------------------


def test_the_import_page_shows_warnings_apart_from_refusals(login, manager_mo, lenient_jail, write, do_import):
    lenient_jail.spec = {**lenient_jail.spec, "bad_rows": "quarantine"}
    lenient_jail.save()
    imp = do_import(lenient_jail, write(jail_csv([jail_row(1, DOB="07/04/2090"), jail_row(2, EVENT_DATE="")],
                                                 header=JAIL_HEADER)))
    page = login(manager_mo).get(f"/records/imports/{imp.pk}/").content.decode()
    assert "With warnings (values left blank)" in page
    assert "Warnings are not refusals" in page
    assert page.count("badge text-bg-warning") == 1 and page.count("badge text-bg-danger") == 1
    assert "row kept" in page and "row quarantined" in page
