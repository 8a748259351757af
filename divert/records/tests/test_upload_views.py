"""The import pages: the project manager works; every other seat is refused; bad files are refused."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import IDENTITY_CANARY
from divert.audit.models import AuditEvent
from divert.records.models import FeedImport, ImportStatus, StagedRecord
from divert.records.tests.conftest import jail_csv, jail_row

OTHER_SEATS = ["case_manager_cam", "supervisor_sue", "prosecutor_pat", "defender_dana", "officer_olivia",
               "evaluator_eve", "admin_ada", "outsider_oscar"]


def upload(client, profile, content: bytes, name="bookings.csv", kind="mixed"):
    return client.post("/records/imports/new/", {"profile": profile.pk, "kind": kind,
                                                 "file": SimpleUploadedFile(name, content)})


def test_the_project_manager_imports_a_file_and_follows_it(login, manager_mo, jail):
    client = login(manager_mo)
    assert client.get("/records/imports/new/").status_code == 200
    response = upload(client, jail, jail_csv([jail_row(1), jail_row(2)]).encode())
    imp = FeedImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/records/imports/{imp.pk}/"
    assert (imp.status, imp.via, imp.created_by, imp.rows_added) == (ImportStatus.FINISHED, "web", manager_mo, 2)
    assert not Path(imp.stored_path).exists()  # the upload is removed once read
    page = client.get(f"/records/imports/{imp.pk}/").content.decode()
    assert page.count("<h1") == 1 and "bookings.csv" in page and "Finished" in page
    assert "RIVERA" not in page  # counts, not identities
    assert "bookings.csv" in client.get("/records/imports/").content.decode()
    assert AuditEvent.objects.get(action="divert.records.import.started").actor == manager_mo


def test_the_progress_panel_polls_until_the_import_is_done(login, manager_mo, jail, write):
    from divert.records.importer import create_import

    imp = create_import(profile=jail, path=write(jail_csv([jail_row(1)])))
    client = login(manager_mo)
    panel = client.get(f"/records/imports/{imp.pk}/progress/").content.decode()
    assert 'hx-trigger="every 3s"' in panel and "Waiting to start" in panel
    FeedImport.objects.filter(pk=imp.pk).update(status=ImportStatus.RUNNING, size=1000, bytes_read=400, rows_read=7)
    panel = client.get(f"/records/imports/{imp.pk}/progress/").content.decode()
    assert "40% of the file read, 7 rows so far" in panel
    FeedImport.objects.filter(pk=imp.pk).update(status=ImportStatus.FINISHED, message="All done.")
    response = client.get(f"/records/imports/{imp.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in response.content.decode() and response["HX-Refresh"] == "true"


def test_a_refused_upload_shows_its_problems_and_the_report(login, manager_mo, jail):
    client = login(manager_mo)
    upload(client, jail, jail_csv([jail_row(1, LAST_NAME=IDENTITY_CANARY, DOB="02/30/1980")]).encode())
    imp = FeedImport.objects.get()
    assert imp.status == ImportStatus.REJECTED and not StagedRecord.objects.exists()
    page = client.get(f"/records/imports/{imp.pk}/").content.decode()
    assert "not a real date" in page and f"/records/imports/{imp.pk}/report.csv" in page
    response = client.get(f"/records/imports/{imp.pk}/report.csv")
    assert response["Content-Type"].startswith("text/csv") and b"02/30/1980" in response.content
    assert AuditEvent.objects.filter(action="divert.records.import.report_downloaded", actor=manager_mo).exists()


@pytest.mark.parametrize("seat", OTHER_SEATS)
def test_other_seats_are_refused(request, login, seat, jail, write):
    from divert.records.importer import create_import, run_import

    imp = run_import(create_import(profile=jail, path=write(jail_csv([jail_row(1, LAST_NAME=IDENTITY_CANARY,
                                                                              SEX="?")]))))
    client = login(request.getfixturevalue(seat))
    for url in ("/records/imports/", "/records/imports/new/", f"/records/imports/{imp.pk}/",
                f"/records/imports/{imp.pk}/progress/", f"/records/imports/{imp.pk}/report.csv"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert IDENTITY_CANARY.encode() not in response.content
    assert upload(client, jail, jail_csv([jail_row(2)]).encode()).status_code == 403
    assert FeedImport.objects.count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    assert client.get("/records/imports/").status_code == 302


@pytest.mark.parametrize(("content", "name", "field_error"), [
    (b"PK\x03\x04" + b"\x00" * 50, "bookings.csv", "spreadsheet"),
    (b"BOOKING_NO\r\n", "bookings.xlsx", "not .xlsx"),
    (b"", "bookings.csv", "empty"),
])
def test_a_bad_file_is_refused_before_anything_is_recorded(login, manager_mo, jail, content, name, field_error):
    response = upload(login(manager_mo), jail, content, name=name)
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert not FeedImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused(login, manager_mo, jail, settings):
    settings.DIVERT_IMPORT_MAX_UPLOAD_MB = 1
    response = upload(login(manager_mo), jail, b"x" * (1024 * 1024 + 1))
    assert response.status_code == 400 and "larger than 1 MB" in response.content.decode()


def test_a_kind_the_profile_cannot_tell_is_refused(login, manager_mo, jail):
    response = upload(login(manager_mo), jail, jail_csv([jail_row(1)]).encode(), kind="charge")
    assert response.status_code == 400 and "not charge rows" in response.content.decode()
