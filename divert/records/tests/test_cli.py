"""The command line: `divert import` with progress and a summary, `divert import-drop` for nightly cron."""

import io
import os
import time

import pytest
from django.core.management import CommandError, call_command

from divert.records.models import FeedImport, ImportStatus, StagedRecord
from divert.records.tests.conftest import jail_csv, jail_row


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_progress_and_a_summary(jail, write):
    path = write(jail_csv([jail_row(n) for n in range(1, 2200)]), "bookings.csv")
    out, err = run("import", "mixed", str(path), "--profile", "county-jail-csv")
    assert "Import #" in out and "finished: 2,199 rows read, 2,199 new" in out
    assert "bookings.csv: 2,199 rows" in err and "rows/s" in err
    assert StagedRecord.objects.count() == 2199


def test_a_refused_file_exits_non_zero_with_the_report_path(jail, write):
    path = write(jail_csv([jail_row(1, DOB="99/99/1980")]), "bad.csv")
    with pytest.raises(CommandError) as caught:
        run("import", "booking", str(path), "--profile", "county-jail-csv")
    report = path.with_name("bad.csv.errors.csv")
    assert str(report) in str(caught.value)
    assert "DOB" in report.read_text()


def test_an_unknown_profile_says_how_to_load_one(db, write):
    with pytest.raises(CommandError, match="divert import-profiles"):
        run("import", "booking", str(write("x")), "--profile", "nope")


def test_a_kind_the_profile_does_not_carry_is_refused(jail, write):
    with pytest.raises(CommandError, match="not charge rows"):
        run("import", "charge", str(write(jail_csv([jail_row(1)]))), "--profile", "county-jail-csv")


def test_the_drop_folder_imports_each_file_once(jail, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "monday.csv").write_text(jail_csv([jail_row(1), jail_row(2)]))
    (drop / "tuesday.csv").write_text(jail_csv([jail_row(2), jail_row(3, SEX="?")]))
    (drop / "wednesday.csv.part").write_text("still arriving")
    fresh = drop / "thursday.csv"
    fresh.write_text(jail_csv([jail_row(4)]))
    old = time.time() - 600
    for name in ("monday.csv", "tuesday.csv", "wednesday.csv.part"):
        os.utime(drop / name, (old, old))
    with pytest.raises(CommandError, match="1 of 2 files were refused"):
        run("import_drop", str(drop), "--profile", "county-jail-csv", "--quiet")
    assert (drop / "done" / "monday.csv").exists()
    assert (drop / "rejected" / "tuesday.csv").exists()
    assert "SEX" in (drop / "rejected" / "tuesday.csv.errors.csv").read_text()
    assert (drop / "wednesday.csv.part").exists() and fresh.exists()  # not finished arriving
    assert StagedRecord.objects.count() == 2
    out, _ = run("import_drop", str(drop), "--profile", "county-jail-csv", "--settle", "0", "--quiet")
    assert "1 files taken, 0 refused" in out
    assert (drop / "done" / "thursday.csv").exists()
    assert FeedImport.objects.filter(via="drop folder", status=ImportStatus.FINISHED).count() == 2
