"""The partner summary: written by the team, read by partners named in a release, each save kept."""

import pytest

from divert.audit.models import AuditEvent
from divert.casework.models import PartnerSummary
from divert.casework.tests.conftest_contacts import SUMMARY_TEXT
from divert.privacy.models import Disclosure

pytest_plugins = ["divert.casework.tests.conftest_contacts"]


def url(person):
    return f"/people/{person.pk}/partner-summary/"


def test_the_case_manager_writes_the_first_summary(case_manager_cam, participant, login):
    client = login(case_manager_cam)
    page = client.get(url(participant))
    assert page.status_code == 200 and "Write nothing that could be used against the person" in page.content.decode()
    response = client.post(url(participant), {"text": "Engaged weekly.", "based_on": ""})
    assert response.status_code == 302 and response.url == f"/people/{participant.pk}/"
    summary = PartnerSummary.objects.get()
    assert (summary.text, summary.written_by) == ("Engaged weekly.", case_manager_cam)
    event = AuditEvent.objects.get(action="divert.casework.partner_summary.written")
    assert event.category == "partner_summary" and "Engaged" not in str(event.details)


def test_each_save_is_a_new_version_and_the_latest_is_shown(case_manager_cam, supervisor_sue, summary, participant,
                                                            login):
    response = login(supervisor_sue).post(url(participant), {"text": "Now housed.", "based_on": summary.pk})
    assert response.status_code == 302
    assert PartnerSummary.objects.count() == 2
    assert PartnerSummary.objects.filter(person=participant).first().text == "Now housed."
    html = login(case_manager_cam).get(url(participant)).content.decode()
    assert "Now housed." in html and SUMMARY_TEXT in html  # the team sees the history


def test_a_stale_save_is_refused(case_manager_cam, supervisor_sue, summary, participant, login):
    login(supervisor_sue).post(url(participant), {"text": "Sue's version", "based_on": summary.pk})
    response = login(case_manager_cam).post(url(participant), {"text": "Cam's version", "based_on": summary.pk})
    assert response.status_code == 409
    assert "changed by someone else since you opened it" in response.content.decode()
    assert not PartnerSummary.objects.filter(text="Cam's version").exists()


@pytest.mark.parametrize("data", [{"text": "   ", "based_on": ""}, {"text": "x" * 5001, "based_on": ""},
                                  {"text": "ok", "based_on": "abc"}])
def test_bad_input_is_refused(data, case_manager_cam, participant, login):
    response = login(case_manager_cam).post(url(participant), data)
    assert response.status_code == 400
    assert not PartnerSummary.objects.exists()


@pytest.mark.parametrize("name", ["officer_olivia", "prosecutor_pat", "defender_dana", "manager_mo", "evaluator_eve",
                                  "outsider_oscar", "case_manager_casey", "admin_ada"])
def test_without_a_release_other_seats_get_404(name, personas, summary, participant, login):
    client = login(getattr(personas, name))
    assert client.get(url(participant)).status_code == 404
    assert client.post(url(participant), {"text": "x", "based_on": summary.pk}).status_code == 404
    assert PartnerSummary.objects.count() == 1


def test_a_partner_with_a_release_reads_only_the_latest_and_cannot_write(prosecutor_pat, agencies, summary,
                                                                         participant, case_manager_cam, release,
                                                                         login):
    PartnerSummary.objects.create(person=participant, text="Older draft wording", written_by=case_manager_cam,
                                  updated_at=summary.updated_at.replace(year=2020))
    release(agencies.prosecutor, ["status", "partner_summary"])
    client = login(prosecutor_pat)
    response = client.get(url(participant))
    html = response.content.decode()
    assert response.status_code == 200 and SUMMARY_TEXT in html and "Older draft wording" not in html
    assert "<form" not in html.split("<main", 1)[1]
    disclosure = Disclosure.objects.get(recipient=prosecutor_pat)
    assert disclosure.categories == ["partner_summary"]
    assert client.post(url(participant), {"text": "x", "based_on": summary.pk}).status_code == 403
    assert PartnerSummary.objects.count() == 2


def test_a_status_only_release_does_not_open_the_summary(prosecutor_pat, agencies, summary, participant, release,
                                                         login):
    release(agencies.prosecutor, ["status"])
    assert login(prosecutor_pat).get(url(participant)).status_code == 404
