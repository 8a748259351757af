"""A refused file leaves nothing staged, however far its reading got; a running import's rows are not ready."""

from unittest import mock

from divert.audit.models import AuditEvent
from divert.records import importer
from divert.records.models import ImportStatus, StagedRecord
from divert.records.tests.conftest import jail_csv, jail_row


def test_a_bad_row_after_many_batches_withdraws_every_staged_row(jail, write, do_import):
    rows = [jail_row(n) for n in range(1, 2 * importer.BATCH_ROWS + 500)]
    rows.append(jail_row(99_999, DOB="02/31/1980"))
    imp = do_import(jail, write(jail_csv(rows)))
    assert imp.status == ImportStatus.REJECTED
    assert "1 of 2,500 rows have problems" in imp.message
    assert imp.rows_added == 0
    assert not StagedRecord.objects.exists()
    assert AuditEvent.objects.filter(action="divert.records.import.rejected").count() == 1


def test_a_refused_file_corrects_nothing(jail, write, do_import):
    do_import(jail, write(jail_csv([jail_row(1)])))
    imp = do_import(jail, write(jail_csv([jail_row(1, DOB="07/05/1980"), jail_row(2, SEX="?")])))
    assert imp.status == ImportStatus.REJECTED
    row = StagedRecord.objects.get()
    assert (row.dob_day, row.superseded) == (4, False)


def test_an_unexpected_error_fails_the_import_and_keeps_nothing(jail, write, do_import):
    rows = [jail_row(n) for n in range(1, importer.BATCH_ROWS + 10)]
    real = importer.parse_row
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == importer.BATCH_ROWS + 5:
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)

    with mock.patch.object(importer, "parse_row", flaky):
        imp = do_import(jail, write(jail_csv(rows)))
    assert imp.status == ImportStatus.FAILED and "RuntimeError" in imp.message
    assert not StagedRecord.objects.exists()
    assert AuditEvent.objects.filter(action="divert.records.import.failed").exists()


def test_rows_of_a_running_import_are_not_ready_for_linkage(jail, write, do_import):
    seen = {}
    rows = [jail_row(n) for n in range(1, importer.BATCH_ROWS + 10)]

    def progress(imp):
        if not imp.done and not seen:
            seen.update(staged=StagedRecord.objects.filter(feed_import=imp).count(),
                        ready=StagedRecord.objects.ready().count())

    imp = importer.create_import(profile=jail, path=write(jail_csv(rows)))
    with mock.patch.object(importer._Run, "_report", lambda self, force=False: progress(
            type(imp).objects.get(pk=imp.pk))):
        importer.run_import(imp)
    assert seen == {"staged": importer.BATCH_ROWS, "ready": 0}
    assert StagedRecord.objects.ready().count() == len(rows)


def test_an_import_that_stopped_reporting_is_given_up_and_withdrawn(jail, write, do_import):
    from datetime import timedelta

    from django.utils import timezone

    stuck = importer.create_import(profile=jail, path=write(jail_csv([jail_row(1)])))
    type(stuck).objects.filter(pk=stuck.pk).update(status=ImportStatus.RUNNING,
                                                   heartbeat_at=timezone.now() - timedelta(hours=1))
    StagedRecord.objects.create(feed_import=stuck, profile=jail, row_number=2, kind="booking", source_key="B1|BOOK",
                                content_hash="x", occurred_at=timezone.now())
    imp = do_import(jail, write(jail_csv([jail_row(1)])))
    stuck.refresh_from_db()
    assert stuck.status == ImportStatus.FAILED and imp.status == ImportStatus.FINISHED
    assert list(StagedRecord.objects.values_list("feed_import", flat=True)) == [imp.pk]


def test_a_second_import_of_a_profile_waits_for_the_running_one(jail, write):
    from django.utils import timezone

    running = importer.create_import(profile=jail, path=write(jail_csv([jail_row(1)])))
    type(running).objects.filter(pk=running.pk).update(status=ImportStatus.RUNNING, heartbeat_at=timezone.now())
    waiting = importer.create_import(profile=jail, path=write(jail_csv([jail_row(2)])))
    assert importer.run_waiting_imports() == 0
    waiting.refresh_from_db()
    assert waiting.status == ImportStatus.WAITING
    type(running).objects.filter(pk=running.pk).update(status=ImportStatus.FINISHED)
    assert importer.run_waiting_imports() == 1
