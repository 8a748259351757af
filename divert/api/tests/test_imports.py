"""Justice-data imports through the API: upload a file with a profile, poll its status, download its problem report."""

from django.core.files.uploadedfile import SimpleUploadedFile

from divert.records.models import FeedImport, StagedRecord
from divert.records.tests.conftest import jail_csv, jail_row


def _file(text: str, name: str = "bookings.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_upload_poll_and_report(api, personas, profiles):
    mo = api(personas.manager_mo)
    assert "county-jail-csv" in {p["slug"] for p in mo.get("/import-profiles").json()}
    text = jail_csv([jail_row(1), jail_row(2, DOB="13/45/1980"), jail_row(3)])
    created = mo.upload("/imports", {"profile": "county-jail-csv", "file": _file(text)},
                        headers={"Idempotency-Key": "nightly-2026-12-06"})
    assert created.status_code == 202, created.content
    imp = created.json()
    assert created["Location"] == f"/api/v1/imports/{imp['id']}"
    status = mo.get(f"/imports/{imp['id']}").json()
    # The impossible date of birth refuses the file (an import is atomic per file); the report says where.
    assert status["done"] and status["status"] == "rejected" and status["problems_total"] >= 1
    report = mo.get(f"/imports/{imp['id']}/report")
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    lines = report.content.decode().splitlines()
    assert lines[0] == "row,column,value,reason,outcome" and any("13/45/1980" in line for line in lines)
    good = mo.upload("/imports", {"profile": "county-jail-csv", "file": _file(jail_csv([jail_row(4)]))}).json()
    assert mo.get(f"/imports/{good['id']}").json()["status"] == "finished" and good["rows_added"] == 1
    # The nightly push retried: the same key and file are the same import.
    again = mo.upload("/imports", {"profile": "county-jail-csv", "file": _file(text)},
                      headers={"Idempotency-Key": "nightly-2026-12-06"})
    assert again.json()["id"] == imp["id"] and again["Idempotent-Replayed"] == "true"
    assert FeedImport.objects.count() == 2
    assert [i["id"] for i in mo.get("/imports").json()["items"]] == [imp["id"], good["id"]]


def test_a_file_the_profile_cannot_read_is_refused_and_keeps_nothing(api, personas, profiles):
    mo = api(personas.manager_mo)
    bad = mo.upload("/imports", {"profile": "county-jail-csv", "file": _file("x", "bookings.pdf")})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "file"
    unknown = mo.upload("/imports", {"profile": "nope", "file": _file("x")})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "profile"
    missing = mo.upload("/imports", {"profile": "county-jail-csv"})
    assert missing.status_code == 422
    assert not FeedImport.objects.exists() and not StagedRecord.objects.exists()


def test_imports_are_the_project_managers_seat(api, personas, profiles):
    for name in ("case_manager_cam", "officer_olivia", "prosecutor_pat", "evaluator_eve", "admin_ada"):
        client = api(getattr(personas, name))
        assert client.get("/imports").status_code == 403, name
        assert client.upload("/imports", {"profile": "county-jail-csv",
                                          "file": _file(jail_csv([jail_row(1)]))}).status_code == 403
    assert not FeedImport.objects.exists()
