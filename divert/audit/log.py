"""log_event() is the one way to write the audit trail; verify_chain() proves it whole."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from divert.audit.middleware import client_ip
from divert.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent


def log_event(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor=None,
    person=None,
    target: models.Model | None = None,
    category: str = "",
    consent=None,
    details: dict | None = None,
) -> AuditEvent:
    """Append one event. `actor` defaults to the signed-in user of `request`."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    seat = getattr(actor, "seat", None) if actor is not None else None
    api_token = getattr(request, "api_token", None) if request is not None else None
    if api_token is not None:  # an API call: the token it came with (divert/api)
        details = {**(details or {}), "api_token": api_token.prefix}
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        agency=seat.agency if seat else None,
        role=seat.role if seat else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        person=person,
        category=str(category),
        consent_id=getattr(consent, "pk", consent),
        request_id=getattr(request, "request_id", "") if request is not None else "",
        ip=client_ip(request) if request is not None else None,
        details=details or {},
    )
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event.prev_hash = head.last_hash
        event.hash = event.compute_hash()
        event.save()
        head.last_event_id = event.pk
        head.last_hash = event.hash
        head.save(update_fields=["last_event_id", "last_hash"])
    return event


@dataclass
class ChainReport:
    checked: int
    broken_event_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


def verify_chain(progress=None) -> ChainReport:
    """Recompute every hash in order; report the first event that does not fit."""
    prev = GENESIS_HASH
    checked = 0
    last_id = None
    for event in _events():
        if event.prev_hash != prev:
            return ChainReport(checked, event.pk, "its link to the previous event is broken (an event before it "
                               "was removed or changed)")
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.pk, "its contents do not match its hash (it was changed)")
        prev = event.hash
        last_id = event.pk
        checked += 1
        if progress and checked % 10000 == 0:
            progress(checked)
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_event_id != last_id or head.last_hash != prev):
        return ChainReport(checked, head.last_event_id, "the newest recorded event is missing (the end of the "
                           "trail was removed)")
    if head is None and checked:
        return ChainReport(checked, last_id, "the chain head is missing")
    return ChainReport(checked)


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
