"""Signed webhook notices: referral created, enrollment changed, alert raised.

A notice carries the event type and ids, never a name, a note or any other participant content: the receiver asks
the API (with its own token, under the same privacy policy) for whatever it is allowed to read. Each delivery is
signed with HMAC-SHA256 over ``f"{timestamp}.{body}"`` with the endpoint's secret and sent as
``Divert-Signature: t=<unix seconds>,v1=<hex digest>``. Deliveries are queued when the action's transaction commits
and sent by ``divert tick``, with retries on a backoff; an endpoint failing FAILURES_BEFORE_OFF times in a row is
turned off. Only URLs the site administrator configured are ever called, redirects are not followed and no proxy
is used.
"""

import hashlib
import hmac
import http.client
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from divert.interop.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Divert-Signature"
TIMEOUT_SECONDS = 5
# After the first attempt fails: wait 1 minute, then 5, 30, 2 hours, 6 hours, 12 hours; then give up.
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=6), timedelta(hours=12)]
MAX_ATTEMPTS = len(BACKOFF) + 1
FAILURES_BEFORE_OFF = 20
BATCH = 200

# Audit action -> (webhook event, the id the notice carries, what changed).
AUDIT_EVENTS: dict[str, tuple[str, str, str]] = {
    "divert.referral.created": (WebhookEvent.REFERRAL_CREATED, "referral_id", ""),
    "divert.enrollment.opened": (WebhookEvent.ENROLLMENT_CHANGED, "enrollment_id", "opened"),
    "divert.enrollment.status_changed": (WebhookEvent.ENROLLMENT_CHANGED, "enrollment_id", "status"),
    "divert.enrollment.assigned": (WebhookEvent.ENROLLMENT_CHANGED, "enrollment_id", "case_manager"),
    "divert.justice.alert.sent": (WebhookEvent.ALERT_RAISED, "justice_event_id", ""),
}


def enabled() -> bool:
    return bool(getattr(settings, "DIVERT_WEBHOOKS", False))


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The Divert-Signature header value for `body` sent at `timestamp` (unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def payload_for(event) -> dict | None:
    """The notice for an audit event, or None when no webhook reports it. Ids and the event type only."""
    mapping = AUDIT_EVENTS.get(event.action)
    if mapping is None or not event.target_id:
        return None
    kind, key, change = mapping
    data = {key: _as_id(event.target_id)}
    if event.person_id:
        data["person_id"] = event.person_id
    if change:
        data["change"] = change
    return {"type": str(kind), "occurred_at": event.occurred_at.isoformat(), "data": data}


def _as_id(value: str):
    return int(value) if value.isdigit() else value


def on_audit_event(sender, instance, created, **kwargs) -> None:
    """post_save of AuditEvent: queue the notice once the surrounding transaction commits (none on rollback)."""
    if not created or not enabled() or instance.action not in AUDIT_EVENTS:
        return
    payload = payload_for(instance)
    if payload is not None:
        # robust: a failure to queue is logged and never breaks the action that already committed.
        transaction.on_commit(lambda: enqueue(payload), robust=True)


def enqueue(payload: dict) -> int:
    """One pending delivery per active endpoint that asked for this event type; returns how many."""
    now = timezone.now()
    endpoints = [e for e in WebhookEndpoint.objects.filter(active=True) if payload["type"] in e.events]
    for endpoint in endpoints:
        WebhookDelivery.objects.create(endpoint=endpoint, event=payload["type"], payload=payload,
                                       next_attempt_at=now)
    return len(endpoints)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect is an answer, not a new target: only configured URLs are called


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps({"id": str(delivery.id), **delivery.payload}, sort_keys=True,
                      separators=(",", ":")).encode()


def post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """Send one delivery; returns (status code or None, error text or "")."""
    if not delivery.endpoint.url.startswith(("https://", "http://")):
        return None, "not an http(s) URL"
    body = body_of(delivery)
    timestamp = int(timezone.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Divert-Webhooks/1",
        "Divert-Event": delivery.event,
        "Divert-Delivery": str(delivery.id),
        SIGNATURE_HEADER: sign(delivery.endpoint.secret, timestamp, body),
    }
    request = urllib.request.Request(delivery.endpoint.url, data=body, method="POST",  # noqa: S310 - http(s) only
                                     headers=headers)
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, str(reason)[:300] or exc.__class__.__name__


def attempt(delivery: WebhookDelivery, now: datetime) -> bool:
    """Try one delivery now and record the attempt; True when it was delivered."""
    started = time.monotonic()
    status_code, error = post(delivery)
    ok = status_code is not None and 200 <= status_code < 300 and not error
    with transaction.atomic():
        WebhookAttempt.objects.create(delivery=delivery, at=now, status_code=status_code, error=error,
                                      duration_ms=int((time.monotonic() - started) * 1000))
        delivery.attempts += 1
        delivery.last_status_code = status_code
        delivery.last_error = error
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        if ok:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            endpoint.consecutive_failures = 0
        else:
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = WebhookDelivery.Status.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
            endpoint.consecutive_failures += 1
            if endpoint.active and endpoint.consecutive_failures >= FAILURES_BEFORE_OFF:
                _turn_off(endpoint)
        delivery.save()
        endpoint.save(update_fields=["consecutive_failures", "active", "disabled_reason"])
    return ok


def _turn_off(endpoint: WebhookEndpoint) -> None:
    from divert.audit.log import log_event

    endpoint.active = False
    endpoint.disabled_reason = f"turned off after {endpoint.consecutive_failures} failed attempts in a row"
    log_event("divert.interop.webhook.auto_disabled", target=endpoint,
              details={"consecutive_failures": endpoint.consecutive_failures})


def deliver_due(now: datetime) -> int:
    """The tick job: try every pending delivery that is due, for endpoints still on. Returns the attempts made."""
    if not enabled():
        return 0
    due = list(WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now,
                                              endpoint__active=True)
               .select_related("endpoint").order_by("next_attempt_at")[:BATCH])
    tried = 0
    for delivery in due:
        delivery.endpoint.refresh_from_db(fields=["active"])
        if not delivery.endpoint.active:
            continue
        attempt(delivery, now)
        tried += 1
    return tried


def menu_shown(user) -> bool:
    """The Webhooks link: for the site administrator, on a site that turned webhooks on."""
    return enabled()
