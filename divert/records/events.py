"""Linked staged rows become justice events on the person, and alerts (the events area).

The linkage step calls `on_linked(records)` right after it links rows of a finished import. For each row:

- the event is written or, for a row seen before, found again by its source (profile, kind, source key): linking or
  importing it again writes nothing new, and a corrected row (a later revision) updates the event;
- a release finds its booking (same person, same booking number) and closes it, which fixes the booking's jail days;
  a booking that arrives after its release picks the release up; a release with no booking is kept and flagged;
- a booking or release of a person with an open enrollment alerts their team (alerts.py);
- a new charge of an enrolled participant records a legal matter and opens charge coordination with the liaison
  prosecutor (through the coordination app's write functions, as a feed: actor None).

Jail days are counted on the site's calendar (see `custody_days`); `jail_days_between` clips and merges stays for
the outcomes' before-and-after windows.
"""

import logging
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from divert.audit.log import log_event
from divert.participants.models import OPEN_STATUSES, Enrollment
from divert.records.models import Kind, StagedRecord
from divert.records.models_events import JusticeEvent, custody_days

logger = logging.getLogger(__name__)

EVENT_FIELDS = ("booking_number", "case_number", "agency", "charge_code", "charge_description", "offense_category",
                "severity", "warrant", "release_reason", "disposition")
# Bookings before releases at the same instant, so a batch holding both links them on the way.
KIND_ORDER = {Kind.BOOKING: 0, Kind.ARREST: 1, Kind.CHARGE: 2, Kind.RELEASE: 3, Kind.DISPOSITION: 4}


def local_day(moment) -> date:
    return timezone.localtime(moment).date()


def on_linked(records) -> int:
    """Called by the linkage step with the staged rows it has just linked to persons; returns events written
    (created or updated). Safe to call again with the same rows."""
    from divert.records.alerts import alert_team, record_legal_matter

    rows = sorted((r for r in records if r.person_id is not None),
                  key=lambda r: (r.occurred_at, KIND_ORDER.get(r.kind, 9), r.revision, r.pk or 0))
    if not rows:
        return 0
    # One query each for the events already written and for who is enrolled: most rows are neither.
    existing = {(e.source_profile_id, e.kind, e.source_key): e for e in JusticeEvent.objects.filter(
        source_key__in={r.source_key for r in rows}, source_profile_id__in={r.profile_id for r in rows})}
    enrolled = set(Enrollment.objects.filter(person_id__in={r.person_id for r in rows}, status__in=OPEN_STATUSES)
                   .values_list("person_id", flat=True))
    counts = {"created": 0, "updated": 0, "alerts": 0, "matters": 0, "refused": 0}
    created = _create_plain_events(rows, existing)
    for row in rows:
        key = (row.profile_id, row.kind, row.source_key)
        try:
            if key in created:
                event, outcome = created.pop(key), "created"
            else:
                with transaction.atomic():
                    event, outcome = _write_event(row, existing.get(key))
        except IntegrityError:
            # Another linker wrote the same source at the same moment: theirs stands.
            logger.warning("justice event for staged row %s written concurrently", row.pk)
            continue
        existing[key] = event
        if outcome == "skipped":
            continue
        counts[outcome] += 1
        if event.person_id in enrolled:
            # An alert or a matter that fails must not lose the event; each runs on its own.
            counts["alerts"] += alert_team(event)
            done = record_legal_matter(event, row)
            counts["matters" if done == "recorded" else "refused"] += done in ("recorded", "refused")
    written = counts["created"] + counts["updated"]
    if written or counts["alerts"] or counts["matters"]:
        log_event("divert.justice.events.recorded", details=counts)
    return written


def _event_values(row: StagedRecord) -> dict:
    values = {name: getattr(row, name) for name in EVENT_FIELDS}
    values.update(person_id=row.person_id, occurred_at=row.occurred_at, occurred_on=local_day(row.occurred_at),
                  source_revision=row.revision, staged_id=row.pk)
    return values


def _create_plain_events(rows: list[StagedRecord], existing: dict) -> dict:
    """New events that touch no other event (charges, arrests, dispositions seen for the first time, one row per
    source in the batch), written in one insert: `_write_event` would create each one alike, a row at a time.
    Bookings and releases, and anything already written, go the row-by-row way. Should the insert meet an event
    written meanwhile, nothing of it stays and every row goes the row-by-row way."""
    keys = [(r.profile_id, r.kind, r.source_key) for r in rows]
    seen: dict = {}
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
    plain = [(key, row) for key, row in zip(keys, rows, strict=True)
             if row.kind not in (Kind.BOOKING, Kind.RELEASE) and key not in existing and seen[key] == 1]
    if not plain or not connection.features.can_return_rows_from_bulk_insert:  # alerts need the new ids
        return {}
    events = [JusticeEvent(source_profile_id=row.profile_id, kind=row.kind, source_key=row.source_key,
                           **_event_values(row)) for _, row in plain]
    try:
        with transaction.atomic():
            JusticeEvent.objects.bulk_create(events)
    except IntegrityError:
        return {}
    return {key: event for (key, _), event in zip(plain, events, strict=True)}


def _write_event(row: StagedRecord, event: JusticeEvent | None) -> tuple[JusticeEvent, str]:
    """Create or update the event of one linked row: (event, "created" | "updated" | "skipped")."""
    values = _event_values(row)
    if event is None:
        event = JusticeEvent.objects.create(source_profile_id=row.profile_id, kind=row.kind,
                                            source_key=row.source_key, **values)
        outcome = "created"
        previous_person = previous_booking = None
    else:
        # An older revision linked after a newer one (or the same row again) changes nothing.
        if row.revision < event.source_revision or all(getattr(event, k) == v for k, v in values.items()):
            return event, "skipped"
        previous_person, previous_booking = event.person_id, event.booking_id
        for name, value in values.items():
            setattr(event, name, value)
        event.save()
        outcome = "updated"
    if event.kind == Kind.BOOKING:
        if previous_person not in (None, event.person_id):
            # Re-linked to someone else: releases of the old person's stay no longer belong to it.
            for release in event.releases.exclude(person_id=event.person_id):
                _match_release(release)
        if _adopt_releases(event) or outcome == "updated":
            close_booking(event)
    elif event.kind == Kind.RELEASE:
        _match_release(event)
        if previous_booking and previous_booking != event.booking_id:
            old = JusticeEvent.objects.filter(pk=previous_booking).first()
            if old is not None:
                close_booking(old)
    return event, outcome


def _booking_for(release: JusticeEvent) -> JusticeEvent | None:
    """The latest stay under the release's booking number that began before it (a number reused years later is
    another stay); failing that, the first stay under the number."""
    if not release.booking_number:
        return None
    bookings = list(JusticeEvent.objects.filter(person_id=release.person_id, kind=Kind.BOOKING,
                                                booking_number=release.booking_number)
                    .order_by("occurred_at", "id"))
    before = [b for b in bookings if b.occurred_at <= release.occurred_at]
    return before[-1] if before else (bookings[0] if bookings else None)


def _match_release(release: JusticeEvent) -> None:
    booking = _booking_for(release)
    if (release.booking_id, release.unmatched_release) != (booking.pk if booking else None, booking is None):
        release.booking = booking
        release.unmatched_release = booking is None
        release.save(update_fields=["booking", "unmatched_release", "updated_at"])
    if booking is not None:
        close_booking(booking)


def _adopt_releases(booking: JusticeEvent) -> int:
    """A booking arriving after its release (another feed, a late file) takes the releases waiting for it."""
    if not booking.booking_number:
        return 0
    waiting = JusticeEvent.objects.filter(person_id=booking.person_id, kind=Kind.RELEASE,
                                          booking_number=booking.booking_number, booking__isnull=True)
    adopted = 0
    for release in waiting:
        if _booking_for(release) == booking:
            release.booking, release.unmatched_release = booking, False
            release.save(update_fields=["booking", "unmatched_release", "updated_at"])
            adopted += 1
    return adopted


def close_booking(booking: JusticeEvent) -> None:
    """Set a booking's release and jail days from its first release after it; none: still open."""
    releases = list(booking.releases.order_by("occurred_at", "id"))
    after = [r for r in releases if r.occurred_at >= booking.occurred_at]
    release = after[0] if after else (releases[0] if releases else None)
    if release is None:
        released_at = released_on = jail_days = None
    else:
        released_at, released_on = release.occurred_at, max(release.occurred_on, booking.occurred_on)
        jail_days = custody_days(booking.occurred_on, released_on)
    if (booking.released_at, booking.released_on, booking.jail_days) != (released_at, released_on, jail_days):
        booking.released_at, booking.released_on, booking.jail_days = released_at, released_on, jail_days
        booking.save(update_fields=["released_at", "released_on", "jail_days", "updated_at"])


# --- Jail days for the outcomes ---------------------------------------------------------------------------------

def custody_spans(stays: Iterable[tuple[date, date | None]], today: date) -> list[tuple[date, date]]:
    """Stays (booked on, released on or None while open) as the custody days they cover, [first, last) merged:
    a stay covers its booking day up to the day before its release (the nights), a same-day release its one day."""
    spans = []
    for booked_on, released_on in stays:
        end = max(released_on or today, booked_on + timedelta(days=1))
        spans.append((booked_on, end))
    spans.sort()
    merged: list[tuple[date, date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def jail_days_between(stays: Iterable[tuple[date, date | None]], start: date, end: date,
                      today: date | None = None) -> int:
    """Jail days in the window [start, end): overlapping stays count once, an open stay runs to `today`."""
    today = today or timezone.localdate()
    total = 0
    for first, last in custody_spans(stays, today):
        lo, hi = max(first, start), min(last, end)
        if hi > lo:
            total += (hi - lo).days
    return total


def person_jail_days(person, *, start: date | None = None, end: date | None = None, today: date | None = None) -> int:
    """A person's jail days (all time, or in [start, end)) from their booking events."""
    today = today or timezone.localdate()
    stays = JusticeEvent.objects.filter(person=person, kind=Kind.BOOKING).values_list("occurred_on", "released_on")
    return jail_days_between(stays, start or date.min, end or today + timedelta(days=1), today)


def alert_window() -> timedelta:
    return timedelta(days=getattr(settings, "DIVERT_JUSTICE_ALERT_DAYS", 30))


def has_open_enrollment(person) -> bool:
    return person.enrollments.filter(status__in=OPEN_STATUSES).exists()


__all__ = ["close_booking", "custody_spans", "jail_days_between", "on_linked", "person_jail_days"]
