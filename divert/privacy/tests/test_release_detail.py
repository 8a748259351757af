"""A release's page, its drawn signature and its scan: the team sees all; a named recipient reads the scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from divert.audit.models import AuditEvent
from divert.privacy.models import ReleaseKind
from divert.privacy.tests.conftest import tiny_png


@pytest.fixture
def part2(make_release, agencies):
    return make_release([agencies.prosecutor], kind=ReleaseKind.PART2,
                        scan=SimpleUploadedFile("x.pdf", b"%PDF-1.4 the signed form"), signature_png=tiny_png())


@pytest.mark.parametrize("name", ["case_manager_cam", "supervisor_sue", "outreach_omar"])
def test_the_team_sees_every_element_and_the_notice(name, personas, part2, login):
    response = login(getattr(personas, name)).get(f"/releases/{part2.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Alex Zyxcanary", "Test Harm Reduction Services", "Attendance and progress in treatment",
                 "Test Prosecutor&#x27;s Office", "Care coordination", "revoke", "42 CFR 2.32",
                 "may not use it, or testimony", f"/releases/{part2.pk}/signature", f"/releases/{part2.pk}/scan",
                 "Record a revocation"):
        assert text in html, text
    event = AuditEvent.objects.get(action="divert.consent.viewed")
    assert (event.actor, event.consent_id, event.category) == (getattr(personas, name), part2.pk, "sud")


def test_a_general_release_has_no_part2_notice(make_release, agencies, case_manager_cam, login):
    release = make_release([agencies.prosecutor])
    html = login(case_manager_cam).get(f"/releases/{release.pk}/").content.decode()
    assert "42 CFR 2.32" not in html


def test_a_named_recipient_reads_the_scope_but_not_the_signature(part2, prosecutor_pat, login):
    client = login(prosecutor_pat)
    response = client.get(f"/releases/{part2.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "42 CFR 2.32" in html and "/signature" not in html and "Record a revocation" not in html
    assert client.get(f"/releases/{part2.pk}/signature").status_code == 404
    assert client.get(f"/releases/{part2.pk}/scan").status_code == 404


@pytest.mark.parametrize("name", ["outsider_oscar", "officer_olivia", "defender_dana", "case_manager_casey",
                                  "manager_mo", "evaluator_eve", "admin_ada"])
def test_others_get_404_everywhere(name, personas, part2, login):
    client = login(getattr(personas, name))
    for suffix in ("", "signature", "scan", "revoke/", "event/"):
        assert client.get(f"/releases/{part2.pk}/{suffix}").status_code == 404, suffix
    assert not AuditEvent.objects.filter(action="divert.consent.viewed").exists()


def test_signature_is_served_through_the_policy_and_never_cached(part2, case_manager_cam, login):
    response = login(case_manager_cam).get(f"/releases/{part2.pk}/signature")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response.content == tiny_png()
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.get(action="divert.consent.viewed").details == {"part": "signature"}


def test_scan_is_an_attachment_never_cached(part2, case_manager_cam, login):
    response = login(case_manager_cam).get(f"/releases/{part2.pk}/scan")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 the signed form"


def test_media_is_not_served_publicly(part2, client):
    assert client.get(f"/media/{part2.scan.name}").status_code == 404


def test_missing_files_are_404(make_release, agencies, case_manager_cam, login):
    release = make_release([agencies.prosecutor])
    assert login(case_manager_cam).get(f"/releases/{release.pk}/scan").status_code == 404
    assert login(case_manager_cam).get("/releases/999999/").status_code == 404
