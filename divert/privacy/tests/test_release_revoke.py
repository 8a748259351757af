"""Revocation, full or partial, with an effective date; 2.35 consents refuse it until their event."""

from datetime import timedelta

import pytest
from django.utils import timezone

from divert.audit.models import AuditEvent
from divert.privacy.models import ReleaseKind, Revocation
from divert.privacy.policy import Category, can_see


def url(release) -> str:
    return f"/releases/{release.pk}/revoke/"


@pytest.fixture
def release(make_release, agencies):
    return make_release([agencies.prosecutor, agencies.defender])


def today() -> str:
    return timezone.localdate().isoformat()


def test_full_revocation_stops_disclosure_immediately(release, case_manager_cam, prosecutor_pat, participant,
                                                      login):
    assert can_see(prosecutor_pat, participant, Category.STATUS)
    response = login(case_manager_cam).post(url(release), {"scope": "full", "effective_on": today(),
                                                           "reason": "Asked in person"})
    assert response.status_code == 302
    assert not can_see(prosecutor_pat, participant, Category.STATUS)
    event = AuditEvent.objects.get(action="divert.consent.revoked")
    assert (event.actor, event.consent_id, event.details["scope"]) == (case_manager_cam, release.pk, "full")
    # The person page keeps the release, marked revoked.
    assert "Revoked" in login(case_manager_cam).get(f"/people/{participant.pk}/").content.decode()


def test_partial_revocation_of_one_category_and_one_recipient(release, supervisor_sue, prosecutor_pat,
                                                             defender_dana, participant, login, agencies):
    defender = release.recipients.get(agency=agencies.defender)
    response = login(supervisor_sue).post(url(release), {
        "scope": "partial", "effective_on": today(), "categories": ["casework"], "recipients": [str(defender.pk)]})
    assert response.status_code == 302
    assert can_see(prosecutor_pat, participant, Category.STATUS)
    assert not can_see(prosecutor_pat, participant, Category.CASEWORK)
    assert not can_see(defender_dana, participant, Category.STATUS)
    revocation = Revocation.objects.get()
    assert revocation.categories == ["casework"] and list(revocation.recipients.all()) == [defender]


def test_a_partial_revocation_must_withdraw_something(release, case_manager_cam, login):
    response = login(case_manager_cam).post(url(release), {"scope": "partial", "effective_on": today()})
    assert response.status_code == 400
    assert not Revocation.objects.exists()


def test_bad_date_is_refused(release, case_manager_cam, login):
    response = login(case_manager_cam).post(url(release), {"scope": "full", "effective_on": "not a date"})
    assert response.status_code == 400
    assert not Revocation.objects.exists()


def test_the_revocation_cannot_precede_the_release(release, case_manager_cam, login):
    day = (release.starts_on - timedelta(days=1)).isoformat()
    response = login(case_manager_cam).post(url(release), {"scope": "full", "effective_on": day})
    assert response.status_code == 400
    assert not Revocation.objects.exists()


def test_a_recipient_may_read_but_not_revoke(release, prosecutor_pat, login):
    client = login(prosecutor_pat)
    assert client.get(url(release)).status_code == 403
    assert client.post(url(release), {"scope": "full", "effective_on": today()}).status_code == 403
    assert not Revocation.objects.exists()


def test_an_outsider_gets_404(release, outsider_oscar, login):
    assert login(outsider_oscar).post(url(release), {"scope": "full", "effective_on": today()}).status_code == 404


@pytest.fixture
def cj_consent(make_release, agencies):
    return make_release([agencies.prosecutor], kind=ReleaseKind.CRIMINAL_JUSTICE, categories=["status", "sud"],
                        irrevocable_until_event="final disposition of the held charge")


def test_a_2_35_consent_refuses_revocation_before_its_event(cj_consent, case_manager_cam, prosecutor_pat,
                                                            participant, login):
    client = login(case_manager_cam)
    assert "cannot be revoked until final disposition" in client.get(url(cj_consent)).content.decode()
    response = client.post(url(cj_consent), {"scope": "full", "effective_on": today()})
    assert response.status_code == 400
    assert "cannot be revoked until final disposition of the held charge" in response.content.decode()
    assert not Revocation.objects.exists()
    assert can_see(prosecutor_pat, participant, Category.SUD)


def test_after_the_event_is_recorded_it_may_be_revoked(cj_consent, case_manager_cam, prosecutor_pat, participant,
                                                       login):
    client = login(case_manager_cam)
    response = client.post(f"/releases/{cj_consent.pk}/event/", {"which": "irrevocability", "occurred_on": today()})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="divert.consent.event_recorded")
    assert event.details["which"] == "irrevocability" and event.consent_id == cj_consent.pk
    assert client.post(url(cj_consent), {"scope": "full", "effective_on": today()}).status_code == 302
    assert not can_see(prosecutor_pat, participant, Category.SUD)
