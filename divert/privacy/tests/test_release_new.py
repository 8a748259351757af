"""Recording a release: the case-management team records; others get 404 or 403; bad input saves nothing."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from divert.audit.models import AuditEvent
from divert.privacy.models import ReleaseKind, ReleaseOfInformation
from divert.privacy.tests.conftest import png_data_url


def form_data(agencies, **overrides) -> dict:
    today = timezone.localdate().isoformat()
    data = {
        "kind": ReleaseKind.GENERAL, "recipients": [f"{agencies.prosecutor.pk}:", f"{agencies.police.pk}:sergeant"],
        "purposes": ["care_coordination", "charge_coordination"], "purpose_other": "",
        "categories": ["status", "partner_summary"], "information_description": "",
        "discloser": "Test Harm Reduction Services", "starts_on": today, "expires_on": "2099-01-01",
        "expiry_event": "", "irrevocable_until_event": "", "revocation_statement": "Tell your case manager.",
        "signed_name": "Alex Zyxcanary", "signed_on": today, "signature_png": png_data_url(),
    }
    data.update(overrides)
    return data


def url(participant) -> str:
    return f"/people/{participant.pk}/releases/new/"


def test_the_form_renders_with_the_signature_pad_and_no_inline_script(case_manager_cam, participant, login):
    response = login(case_manager_cam).get(url(participant))
    assert response.status_code == 200
    html = response.content.decode()
    assert "divert/signature.js" in html and "data-signature-pad" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert ' style="' not in html
    assert 'id="id_scan"' in html and 'for="id_scan"' in html


def test_assigned_case_manager_records_a_release(case_manager_cam, participant, agencies, login, sergeant_sam,
                                                 officer_olivia):
    response = login(case_manager_cam).post(url(participant), form_data(agencies))
    release = ReleaseOfInformation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/releases/{release.pk}/"
    assert (release.person, release.recorded_by, release.kind) == (participant, case_manager_cam, "general")
    assert release.signature_png and bytes(release.signature_png).startswith(b"\x89PNG")
    assert sorted((r.agency_id, r.role) for r in release.recipients.all()) == sorted(
        [(agencies.prosecutor.pk, ""), (agencies.police.pk, "sergeant")])
    event = AuditEvent.objects.get(action="divert.consent.recorded")
    assert (event.actor, event.person_id, event.consent_id) == (case_manager_cam, participant.pk, release.pk)
    from divert.privacy.policy import Category, can_see

    assert can_see(sergeant_sam, participant, Category.STATUS).consent == release
    assert not can_see(officer_olivia, participant, Category.STATUS)


@pytest.mark.parametrize("name", ["supervisor_sue", "outreach_omar"])
def test_teammates_can(name, personas, participant, agencies, login):
    response = login(getattr(personas, name)).post(url(participant), form_data(agencies))
    assert response.status_code == 302
    assert ReleaseOfInformation.objects.get().recorded_by == getattr(personas, name)


@pytest.mark.parametrize("name", ["outsider_oscar", "officer_olivia", "prosecutor_pat", "evaluator_eve", "admin_ada",
                                  "case_manager_casey", "manager_mo"])
def test_those_who_may_not_see_casework_get_404(name, personas, participant, agencies, login):
    client = login(getattr(personas, name))
    assert client.get(url(participant)).status_code == 404
    assert client.post(url(participant), form_data(agencies)).status_code == 404
    assert not ReleaseOfInformation.objects.exists()


def test_a_partner_who_reads_casework_under_a_release_gets_403(prosecutor_pat, participant, agencies, login,
                                                               make_release):
    make_release([agencies.prosecutor], categories=["casework"])
    client = login(prosecutor_pat)
    assert client.get(url(participant)).status_code == 403
    assert client.post(url(participant), form_data(agencies)).status_code == 403
    assert ReleaseOfInformation.objects.count() == 1


@pytest.mark.parametrize(("overrides", "field_text"), [
    ({"categories": ["status", "sud"]}, "never under a general release"),
    ({"expires_on": "", "expiry_event": ""}, "expiry date, an expiry event"),
    ({"recipients": []}, "This field is required"),
    ({"signature_png": ""}, "drawn signature or upload a scan"),
    ({"signature_png": "data:image/png;base64,R0lGODlhAQABAAAAACw="}, "not a PNG"),
    ({"signature_png": "data:text/html;base64,PHNjcmlwdD4="}, "not a PNG"),
    ({"kind": ReleaseKind.PART2, "categories": ["sud"], "information_description": ""},
     "A Part 2 consent must describe"),
    ({"irrevocable_until_event": "disposition"}, "Only a criminal-justice referral consent"),
    ({"purposes": ["other"]}, "Describe the other purpose"),
    ({"signed_on": "2999-01-01"}, "cannot be in the future"),
])
def test_bad_input_is_refused_and_nothing_saved(overrides, field_text, case_manager_cam, participant, agencies,
                                               login):
    response = login(case_manager_cam).post(url(participant), form_data(agencies, **overrides))
    assert response.status_code == 400
    assert field_text in response.content.decode()
    assert not ReleaseOfInformation.objects.exists()
    assert not AuditEvent.objects.filter(action="divert.consent.recorded").exists()


def test_a_scan_instead_of_a_drawn_signature(case_manager_cam, participant, agencies, login):
    data = form_data(agencies, signature_png="", kind=ReleaseKind.CRIMINAL_JUSTICE, categories=["status", "sud"],
                     information_description="Attendance at treatment", irrevocable_until_event="final disposition")
    data["scan"] = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed form", content_type="application/pdf")
    response = login(case_manager_cam).post(url(participant), data)
    assert response.status_code == 302
    release = ReleaseOfInformation.objects.get()
    assert release.scan and not release.has_signature and release.is_irrevocable_today


def test_a_scan_of_the_wrong_type_is_refused(case_manager_cam, participant, agencies, login):
    data = form_data(agencies, signature_png="")
    data["scan"] = SimpleUploadedFile("signed.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf")
    response = login(case_manager_cam).post(url(participant), data)
    assert response.status_code == 400
    assert "PDF, PNG or JPEG" in response.content.decode()
    assert not ReleaseOfInformation.objects.exists()
