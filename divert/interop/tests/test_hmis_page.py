"""The HMIS export page (project manager) and `divert export-hmis`."""

import zipfile
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command

from conftest import IDENTITY_CANARY
from divert.audit.models import AuditEvent
from divert.interop.models import HmisExport
from divert.interop.tests.conftest import make_release
from divert.interop.tests.hmis_check import problems, read_zip
from divert.privacy.models import Disclosure

pytestmark = pytest.mark.django_db

PERIOD = {"period_from": "2026-01-01", "period_to": "2026-12-31"}


@pytest.fixture
def consented(participant, hmis_agency, personas):
    make_release(participant, hmis_agency, personas.case_manager_cam)
    return participant


def test_project_manager_downloads_the_zip(login, manager_mo, consented):
    response = login(manager_mo).post("/hmis/", PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="hmis-20260101-20261231.zip"' in response["Content-Disposition"]
    files = read_zip(response.content)
    assert problems(files) == [] and IDENTITY_CANARY in files["Client.csv"]["text"]
    export = HmisExport.objects.get()
    assert (export.made_by, export.via, export.persons) == (manager_mo, "web", 1)
    assert Disclosure.objects.filter(person=consented).count() == 1
    page = login(manager_mo).get("/hmis/")
    assert page.status_code == 200 and b"<svg" in page.content and b"<table" in page.content
    assert IDENTITY_CANARY.encode() not in page.content  # the page lists counts, never who went


@pytest.mark.parametrize("persona", ["case_manager_cam", "supervisor_sue", "admin_ada", "evaluator_eve",
                                     "officer_olivia", "outsider_oscar"])
def test_other_seats_are_refused(login, personas, consented, persona):
    client = login(getattr(personas, persona))
    assert client.get("/hmis/").status_code == 403
    assert client.post("/hmis/", PERIOD).status_code == 403
    assert not HmisExport.objects.exists() and not Disclosure.objects.exists()


def test_signed_out_is_sent_to_sign_in(client, consented):
    assert client.post("/hmis/", PERIOD).status_code == 302
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("data", [{"period_from": "2026-05-01", "period_to": "2026-04-01"},
                                  {"period_from": "yesterday", "period_to": "2026-04-01"},
                                  {"period_from": "2020-01-01", "period_to": "2026-04-01"}])
def test_bad_period_is_refused_and_nothing_changes(login, manager_mo, consented, data):
    response = login(manager_mo).post("/hmis/", data)
    assert response.status_code == 400
    assert not HmisExport.objects.exists() and not Disclosure.objects.exists()


def test_page_says_what_is_missing_in_the_setup(login, manager_mo, settings, agencies):
    settings.DIVERT_HMIS_AGENCY = ""
    response = login(manager_mo).post("/hmis/", PERIOD)
    assert response.status_code == 400 and b"DIVERT_HMIS_AGENCY" in response.content
    assert not AuditEvent.objects.filter(action="divert.interop.hmis.exported").exists()


def test_command_writes_a_zip_or_a_directory(consented, tmp_path):
    out = StringIO()
    call_command("export_hmis", str(tmp_path / "hmis.zip"), "--from", "2026-01-01", "--to", "2026-12-31",
                 stdout=out, stderr=StringIO())
    assert "Exported 1 participants" in out.getvalue()
    with zipfile.ZipFile(tmp_path / "hmis.zip") as archive:
        assert "Client.csv" in archive.namelist()
    call_command("export_hmis", str(tmp_path / "dir"), "--from", "2026-01-01", "--to", "2026-12-31", "--quiet",
                 stdout=StringIO())
    assert (tmp_path / "dir" / "Enrollment.csv").read_text().startswith("EnrollmentID,PersonalID,ProjectID")
    assert HmisExport.objects.filter(via="command").count() == 2
    assert Disclosure.objects.filter(person=consented, recipient=None).count() == 2


@pytest.mark.parametrize("args, message", [
    (["--from", "2026-13-01", "--to", "2026-12-31"], "not a date"),
    (["--from", "2026-06-01", "--to", "2026-01-31"], "before"),
])
def test_command_refuses_bad_input(consented, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_hmis", str(tmp_path / "x.zip"), *args, stdout=StringIO())
    assert not (tmp_path / "x.zip").exists() and not Disclosure.objects.exists()


def test_command_refuses_to_overwrite(consented, tmp_path):
    (tmp_path / "x.zip").write_bytes(b"keep")
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_hmis", str(tmp_path / "x.zip"), "--from", "2026-01-01", "--to", "2026-01-31")
    assert (tmp_path / "x.zip").read_bytes() == b"keep" and not Disclosure.objects.exists()


def test_zip_holds_exactly_the_format_files(consented, tmp_path):
    call_command("export_hmis", str(tmp_path / "hmis.zip"), "--from", "2026-01-01", "--to", "2026-12-31",
                 stdout=StringIO(), stderr=StringIO())
    names = zipfile.ZipFile(BytesIO((tmp_path / "hmis.zip").read_bytes())).namelist()
    assert {"Export.csv", "Organization.csv", "Project.csv", "Client.csv", "Enrollment.csv", "Exit.csv",
            "Services.csv", "IncomeBenefits.csv"} <= set(names)
