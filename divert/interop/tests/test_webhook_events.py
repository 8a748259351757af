"""The lower apps' actions queue exactly one delivery per event, once their transaction commits; none on rollback,
none when webhooks are off, none for endpoints that did not ask for the event or are off."""

from datetime import date

import pytest
from django.db import transaction

from divert.audit.log import log_event
from divert.interop.models import WebhookDelivery, WebhookEndpoint
from divert.participants.actions import do_change_status, do_open_enrollment
from divert.participants.models import Door, EnrollmentStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(settings, admin_ada):
    settings.DIVERT_WEBHOOKS = True
    return WebhookEndpoint.objects.create(url="https://hooks.example.org/divert", secret="s", created_by=admin_ada,
                                          events=["enrollment.changed", "referral.created", "alert.raised"])


def test_opening_an_enrollment_queues_one_notice_after_commit(endpoint, participant, agencies, case_manager_cam,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enrollment = do_open_enrollment(participant, door=Door.COMMUNITY, provider=agencies.provider,
                                        referred_on=date(2026, 3, 1), actor=case_manager_cam)
        assert not WebhookDelivery.objects.exists()  # not before the commit
    assert len(callbacks) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.payload["data"] == {"enrollment_id": enrollment.pk, "person_id": participant.pk,
                                        "change": "opened"}
    assert delivery.event == "enrollment.changed"


def test_a_status_change_queues_one_notice(endpoint, participant, case_manager_cam,
                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        do_change_status(participant.enrollments.get(), EnrollmentStatus.INACTIVE, actor=case_manager_cam)
    assert list(WebhookDelivery.objects.values_list("payload__data__change", flat=True)) == ["status"]


def test_rollback_queues_nothing(endpoint, participant, case_manager_cam, django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        do_change_status(participant.enrollments.get(), EnrollmentStatus.INACTIVE, actor=case_manager_cam)
        raise RuntimeError("the surrounding work failed")
    assert callbacks == [] and not WebhookDelivery.objects.exists()


def test_a_referral_queues_one_referral_created(endpoint, officer_olivia, django_capture_on_commit_callbacks):
    from divert.protocol.actions import load_example
    from divert.referrals.tests.factories import arrest_referral

    protocol = load_example("three_door", approved_on=date(2026, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        referral = arrest_referral(protocol, officer_olivia)
    delivery = WebhookDelivery.objects.get(event="referral.created")
    assert delivery.payload["data"]["referral_id"] == referral.pk
    assert "Quillfeather" not in str(delivery.payload)


def test_an_alert_queues_alert_raised(endpoint, participant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        # The audit event the records app writes when it alerts a team (records/alerts.py alert_team).
        log_event("divert.justice.alert.sent", person=participant, target=participant, category="legal",
                  details={"kind": "booking", "recipients": 1})
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "alert.raised"
    assert set(delivery.payload["data"]) == {"justice_event_id", "person_id"}


def test_off_unsubscribed_or_inactive_endpoints_get_nothing(endpoint, participant, case_manager_cam, settings,
                                                           admin_ada, django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(url="https://a.example.org/", secret="s", created_by=admin_ada,
                                   events=["referral.created"])
    WebhookEndpoint.objects.create(url="https://b.example.org/", secret="s", created_by=admin_ada,
                                   events=["enrollment.changed"], active=False)
    with django_capture_on_commit_callbacks(execute=True):
        do_change_status(participant.enrollments.get(), EnrollmentStatus.INACTIVE, actor=case_manager_cam)
    assert list(WebhookDelivery.objects.values_list("endpoint", flat=True)) == [endpoint.pk]
    settings.DIVERT_WEBHOOKS = False
    with django_capture_on_commit_callbacks(execute=True):
        do_change_status(participant.enrollments.get(), EnrollmentStatus.ACTIVE, actor=case_manager_cam)
    assert WebhookDelivery.objects.count() == 1
