"""Recording that a release's stated event occurred."""

from datetime import timedelta

import pytest
from django.utils import timezone

from divert.audit.models import AuditEvent
from divert.privacy.policy import Category, can_see


@pytest.fixture
def release(make_release, agencies):
    return make_release([agencies.prosecutor], expires_in_days=None, expiry_event="the case is closed")


def url(release) -> str:
    return f"/releases/{release.pk}/event/"


def test_recording_the_expiry_event_ends_the_release(release, outreach_omar, prosecutor_pat, participant, login):
    client = login(outreach_omar)
    assert "the case is closed" in client.get(url(release)).content.decode()
    response = client.post(url(release), {"which": "expiry", "occurred_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.ended_by_event_on == timezone.localdate() and release.status == "expired"
    assert not can_see(prosecutor_pat, participant, Category.STATUS)
    assert AuditEvent.objects.get(action="divert.consent.event_recorded").actor == outreach_omar


def test_an_event_in_the_future_is_refused(release, case_manager_cam, login):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = login(case_manager_cam).post(url(release), {"which": "expiry", "occurred_on": tomorrow})
    assert response.status_code == 400
    release.refresh_from_db()
    assert release.ended_by_event_on is None
    assert not AuditEvent.objects.filter(action="divert.consent.event_recorded").exists()


def test_a_release_without_events_has_nothing_to_record(make_release, agencies, case_manager_cam, login):
    plain = make_release([agencies.prosecutor])
    assert login(case_manager_cam).get(url(plain)).status_code == 302


def test_recipient_403_outsider_404(release, prosecutor_pat, outsider_oscar, login):
    data = {"which": "expiry", "occurred_on": timezone.localdate().isoformat()}
    assert login(prosecutor_pat).post(url(release), data).status_code == 403
    assert login(outsider_oscar).post(url(release), data).status_code == 404
    release.refresh_from_db()
    assert release.ended_by_event_on is None
