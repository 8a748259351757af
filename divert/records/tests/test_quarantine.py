"""A profile may take good rows and quarantine bad ones; bad rows are kept and reported, never dropped."""

from divert.audit.models import AuditEvent
from divert.records.models import ImportStatus, QuarantinedRow, StagedRecord
from divert.records.tests.conftest import court_jsonl, court_line


def test_good_rows_are_staged_and_bad_rows_quarantined(court, write, do_import):
    lines = [court_line(1), court_line(2, event_date="2025-02-30"), court_line(3), court_line(4, charge_seq=None),
             court_line(5, record_type="DISP", disposition_code="ACQUITTED BY MOON")]
    imp = do_import(court, write(court_jsonl(lines), "court.jsonl"))
    assert imp.status == ImportStatus.FINISHED
    assert (imp.rows_read, imp.rows_added, imp.rows_bad, imp.rows_quarantined) == (5, 2, 3, 3)
    assert "3 quarantined" in imp.message
    assert set(StagedRecord.objects.values_list("row_number", flat=True)) == {1, 3}
    quarantined = QuarantinedRow.objects.order_by("row_number")
    assert [q.row_number for q in quarantined] == [2, 4, 5]
    assert quarantined[0].raw["event_date"] == "2025-02-30"
    problems = list(imp.problems.values_list("row_number", "column", "reason"))
    assert problems[0][:2] == (2, "event_date") and "not a real date" in problems[0][2]
    assert problems[1][:2] == (4, "charge_seq") and "source key is empty" in problems[1][2]
    assert problems[2][:2] == (5, "disposition_code") and "not in the profile's list" in problems[2][2]
    event = AuditEvent.objects.get(action="divert.records.import.finished")
    assert event.details["rows_quarantined"] == 3


def test_a_quarantined_row_sent_again_fixed_is_staged(court, write, do_import):
    do_import(court, write(court_jsonl([court_line(1), court_line(2, event_date="2025-02-30")]), "a.jsonl"))
    imp = do_import(court, write(court_jsonl([court_line(1), court_line(2)]), "b.jsonl"))
    assert (imp.rows_added, imp.rows_unchanged, imp.rows_quarantined) == (1, 1, 0)


def test_a_file_level_problem_still_refuses_the_whole_file(court, write, do_import):
    good = court_jsonl([court_line(n) for n in range(1, 1500)])
    imp = do_import(court, write(good.encode() + b'{"case_number": "\xe9"}\n', "c.jsonl"))
    assert imp.status == ImportStatus.REJECTED and "not valid utf-8" in imp.message
    assert not StagedRecord.objects.exists() and not QuarantinedRow.objects.exists()
