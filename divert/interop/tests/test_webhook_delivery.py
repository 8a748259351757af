"""Webhook deliveries: signed (verified here independently), ids only, retried with backoff, and an endpoint that
keeps failing is turned off."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from conftest import IDENTITY_CANARY, SUD_CANARY
from divert.audit.models import AuditEvent
from divert.interop import webhooks
from divert.interop.models import WebhookDelivery, WebhookEndpoint
from divert.lib.jobs import jobs

pytestmark = pytest.mark.django_db

START = "2026-12-01 10:00:00+00:00"


@pytest.fixture
def endpoint(settings, admin_ada, receiver):
    settings.DIVERT_WEBHOOKS = True
    return WebhookEndpoint.objects.create(url=receiver.url, secret=webhooks.new_secret(), created_by=admin_ada,
                                          events=["enrollment.changed", "referral.created", "alert.raised"])


def queue(endpoint, participant):
    webhooks.enqueue({"type": "enrollment.changed", "occurred_at": timezone.now().isoformat(),
                      "data": {"enrollment_id": participant.enrollments.get().pk, "person_id": participant.pk,
                               "change": "status"}})
    return WebhookDelivery.objects.get(endpoint=endpoint)


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """What a receiver does, written from the documentation rather than from the sender's code."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    expected = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return abs(now - timestamp) <= tolerance and hmac.compare_digest(expected, parts["v1"])


def test_delivery_is_signed_and_carries_ids_only(endpoint, receiver, participant):
    with time_machine.travel(START, tick=False):
        delivery = queue(endpoint, participant)
        assert webhooks.deliver_due(timezone.now()) == 1
        now = int(timezone.now().timestamp())
    got = receiver.received[0]
    assert verify(endpoint.secret, got["headers"]["Divert-Signature"], got["body"], now)
    assert not verify("whsec_wrong", got["headers"]["Divert-Signature"], got["body"], now)
    assert not verify(endpoint.secret, got["headers"]["Divert-Signature"], got["body"] + b" ", now)
    body = json.loads(got["body"])
    assert body == {"id": str(delivery.id), "type": "enrollment.changed", "occurred_at": body["occurred_at"],
                    "data": {"enrollment_id": participant.enrollments.get().pk, "person_id": participant.pk,
                             "change": "status"}}
    assert got["headers"]["Divert-Event"] == "enrollment.changed"
    for canary in (IDENTITY_CANARY, SUD_CANARY, "Alex"):
        assert canary not in got["body"].decode() and canary not in json.dumps(got["headers"])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.attempt_log.get().status_code == 200


def test_failures_are_retried_with_backoff_then_given_up(endpoint, receiver, participant):
    receiver.codes = [500] * webhooks.MAX_ATTEMPTS
    with time_machine.travel(START, tick=False) as traveller:
        delivery = queue(endpoint, participant)
        for n, wait in enumerate(webhooks.BACKOFF, start=1):
            assert webhooks.deliver_due(timezone.now()) == 1
            delivery.refresh_from_db()
            assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", n, 500)
            assert delivery.next_attempt_at == timezone.now() + wait
            traveller.shift(wait - timedelta(seconds=1))
            assert webhooks.deliver_due(timezone.now()) == 0  # not due yet
            traveller.shift(timedelta(seconds=1))
        assert webhooks.deliver_due(timezone.now()) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", webhooks.MAX_ATTEMPTS, None)
    assert len(receiver.received) == webhooks.MAX_ATTEMPTS
    assert delivery.attempt_log.count() == webhooks.MAX_ATTEMPTS


def test_a_retry_that_succeeds_resets_the_failure_count(endpoint, receiver, participant):
    receiver.codes = [503]
    with time_machine.travel(START, tick=False) as traveller:
        delivery = queue(endpoint, participant)
        webhooks.deliver_due(timezone.now())
        endpoint.refresh_from_db()
        assert endpoint.consecutive_failures == 1
        traveller.shift(webhooks.BACKOFF[0])
        webhooks.deliver_due(timezone.now())
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert (delivery.status, delivery.attempts, endpoint.consecutive_failures) == ("delivered", 2, 0)


def test_an_endpoint_that_keeps_failing_is_turned_off(endpoint, receiver, participant, monkeypatch):
    monkeypatch.setattr(webhooks, "FAILURES_BEFORE_OFF", 2)
    receiver.codes = [500, 500]
    with time_machine.travel(START, tick=False) as traveller:
        queue(endpoint, participant)
        webhooks.deliver_due(timezone.now())
        traveller.shift(webhooks.BACKOFF[0])
        webhooks.deliver_due(timezone.now())
        traveller.shift(webhooks.BACKOFF[1])
        assert webhooks.deliver_due(timezone.now()) == 0  # the endpoint is off: nothing is sent
    endpoint.refresh_from_db()
    assert not endpoint.active and "2 failed attempts" in endpoint.disabled_reason
    assert AuditEvent.objects.filter(action="divert.interop.webhook.auto_disabled").count() == 1
    assert len(receiver.received) == 2


def test_redirects_are_not_followed(endpoint, receiver, participant):
    receiver.codes = [302]
    delivery = queue(endpoint, participant)
    webhooks.deliver_due(timezone.now())
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code) == ("pending", 302)
    assert len(receiver.received) == 1


def test_an_unreachable_endpoint_is_an_error_not_a_crash(settings, admin_ada, participant):
    settings.DIVERT_WEBHOOKS = True
    endpoint = WebhookEndpoint.objects.create(url="http://127.0.0.1:9/nothing-listens", secret="s",
                                              created_by=admin_ada, events=["enrollment.changed"])
    delivery = queue(endpoint, participant)
    webhooks.deliver_due(timezone.now())
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.last_status_code is None and delivery.last_error


def test_nothing_is_sent_when_webhooks_are_off(endpoint, receiver, participant, settings):
    queue(endpoint, participant)
    settings.DIVERT_WEBHOOKS = False
    assert webhooks.deliver_due(timezone.now()) == 0 and receiver.received == []


def test_tick_runs_the_delivery_job(endpoint, receiver, participant):
    queue(endpoint, participant)
    job = next(j for j in jobs() if j.name == "webhook deliveries")
    assert job.run(timezone.now()) == 1 and len(receiver.received) == 1
