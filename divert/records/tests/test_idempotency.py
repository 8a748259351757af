"""Re-importing a file, or an extract that overlaps one before it, adds nothing twice; changed rows are corrections."""

from datetime import UTC, datetime

from divert.records.models import ImportStatus, StagedRecord
from divert.records.tests.conftest import jail_csv, jail_row


def test_a_file_is_staged_with_normalised_fields(jail, write, do_import):
    path = write(jail_csv([jail_row(1, LAST_NAME="  o'neil jr. ", FIRST_NAME="bill", DOB="00/00/1975",
                                    SID="wa-0000-0001"),
                           jail_row(2, EVENT_TYPE="REL", EVENT_DATE="07/04/2025", EVENT_TIME="0930",
                                    RELEASE_CODE="pr", TOP_CHARGE="")]))
    imp = do_import(jail, path)
    assert imp.status == ImportStatus.FINISHED, imp.message
    assert (imp.rows_read, imp.rows_added) == (2, 2)
    booking, release = StagedRecord.objects.order_by("row_number")
    assert (booking.kind, booking.row_number, booking.source_key) == ("booking", 2, "B0000001|BOOK")
    assert (booking.last_name, booking.first_name, booking.name_suffix) == ("O'NEIL", "BILL", "JR")
    assert (booking.date_of_birth, booking.dob_year, booking.dob_month) == (None, 1975, None)
    assert booking.state_id == "WA00000001"
    assert (booking.offense_category, booking.severity, booking.warrant) == ("theft", "misdemeanor", False)
    assert booking.charge_description == "Theft in the third degree"
    # 22:15 on 14 March in Los Angeles (PDT, UTC-7) is 05:15 UTC the next day.
    assert booking.occurred_at == datetime(2025, 3, 15, 5, 15, tzinfo=UTC)
    assert booking.raw["LAST_NAME"] == "  o'neil jr. "
    assert booking.link_status == "unlinked" and booking.person is None
    assert (release.kind, release.release_reason) == ("release", "own_recognizance")
    assert release.occurred_at == datetime(2025, 7, 4, 16, 30, tzinfo=UTC)


def test_the_same_file_twice_adds_nothing(jail, write, do_import):
    path = write(jail_csv([jail_row(n) for n in range(1, 6)]))
    first = do_import(jail, path)
    again = do_import(jail, path)
    assert (first.rows_added, again.rows_added, again.rows_unchanged) == (5, 0, 5)
    assert again.status == ImportStatus.FINISHED
    assert StagedRecord.objects.count() == 5


def test_an_overlapping_extract_adds_only_the_new_rows(jail, write, do_import):
    do_import(jail, write(jail_csv([jail_row(n) for n in range(1, 11)])))
    imp = do_import(jail, write(jail_csv([jail_row(n) for n in range(6, 16)])))
    assert (imp.rows_added, imp.rows_unchanged) == (5, 5)
    assert StagedRecord.objects.count() == 15


def test_a_changed_row_is_a_correction_that_supersedes_the_first(jail, write, do_import):
    do_import(jail, write(jail_csv([jail_row(1), jail_row(2)])))
    imp = do_import(jail, write(jail_csv([jail_row(1, DOB="07/05/1980"), jail_row(2)])))
    assert (imp.rows_corrected, imp.rows_unchanged, imp.rows_added) == (1, 1, 0)
    old, new = StagedRecord.objects.filter(source_key="B0000001|BOOK").order_by("revision")
    assert (old.superseded, new.superseded, new.revision, new.corrects_id) == (True, False, 2, old.pk)
    assert StagedRecord.objects.current().count() == 2


def test_an_older_extract_sent_again_does_not_undo_a_correction(jail, write, do_import):
    older = write(jail_csv([jail_row(1)]))
    do_import(jail, older)
    do_import(jail, write(jail_csv([jail_row(1, DOB="07/05/1980")])))
    imp = do_import(jail, older)
    assert (imp.rows_unchanged, imp.rows_corrected) == (1, 0)
    assert StagedRecord.objects.current().get().dob_day == 5


def test_spelling_that_normalises_the_same_is_not_a_change(jail, write, do_import):
    do_import(jail, write(jail_csv([jail_row(1)])))
    imp = do_import(jail, write(jail_csv([jail_row(1, LAST_NAME=" RIVERA ", SEX="female")])))
    assert imp.rows_unchanged == 1


def test_a_row_repeated_in_one_file_is_staged_once(jail, write, do_import):
    imp = do_import(jail, write(jail_csv([jail_row(1), jail_row(2), jail_row(1)])))
    assert (imp.status, imp.rows_added, imp.rows_repeated) == (ImportStatus.FINISHED, 2, 1)


def test_one_key_twice_in_a_file_with_different_content_is_a_bad_row(jail, write, do_import):
    imp = do_import(jail, write(jail_csv([jail_row(1), jail_row(1, FIRST_NAME="Dan")])))
    assert imp.status == ImportStatus.REJECTED
    problem = imp.problems.get()
    assert problem.row_number == 3 and "row 2 has the same source key" in problem.reason
    assert not StagedRecord.objects.exists()


def test_the_same_key_as_a_booking_and_a_release_are_two_rows(jail, write, do_import):
    imp = do_import(jail, write(jail_csv([jail_row(1), jail_row(1, EVENT_TYPE="REL", RELEASE_CODE="BAIL")])))
    assert imp.rows_added == 2
