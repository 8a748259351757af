"""Comparison data for the evaluation: people in the feeds who are not participants, without their identity.

The review queue has DIVERT_FEED_IDENTITY_DAYS (default 30) after an import finishes to link its rows. After that,
`pseudonymise_feeds(now)` turns each row still not linked (no match, never linked, or left in review) into a
`ComparisonEvent` of a `ComparisonSubject`, and blanks the row's identity fields and raw row. A subject is known by
a salted pseudonym (HMAC-SHA256 with the site's key) of their strongest identifier; every pseudonymised identifier
they were seen with is kept as a `ComparisonKey`, so a later row carrying any of them joins the same subject.

`purge_comparison_data(now)` deletes subjects (with their events and keys) whose last event is older than
DIVERT_COMPARISON_RETENTION_DAYS (default five years). Both run from `divert tick` and write an audit event with
their counts when they did anything.
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from divert.audit.log import log_event
from divert.records.linkage.normalise import clean_identifier, clean_name
from divert.records.models import Kind, LinkStatus, StagedRecord
from divert.records.models_events import ComparisonEvent, ComparisonKey, ComparisonSubject, custody_days

BATCH = 500
DEFAULT_IDENTITY_DAYS = 30
DEFAULT_RETENTION_DAYS = 5 * 365
NOT_LINKED = (LinkStatus.UNLINKED, LinkStatus.REVIEW, LinkStatus.NO_MATCH)
# What a pseudonymised row keeps: the event. Everything else that could name the person is blanked.
BLANKED = {"last_name": "", "first_name": "", "middle_name": "", "name_suffix": "", "date_of_birth": None,
           "dob_year": None, "dob_month": None, "dob_day": None, "sex": "", "race": "", "state_id": "",
           "fbi_number": "", "jail_person_id": "", "booking_number": "", "case_number": "", "raw": {}}


def _site_key() -> bytes:
    key = getattr(settings, "DIVERT_PSEUDONYM_KEY", None)
    if key:
        return key.encode() if isinstance(key, str) else key
    # Derived, not the secret key itself: a pseudonym never helps anyone guess the key that signs sessions.
    return hmac.new(settings.SECRET_KEY.encode(), b"divert.records.pseudonym", hashlib.sha256).digest()


def pseudonym(text: str) -> str:
    return hmac.new(_site_key(), text.encode(), hashlib.sha256).hexdigest()


def identity_keys(row: StagedRecord) -> list[str]:
    """The row's identifiers, strongest first, as pseudonyms: state ID, FBI number, the jail's person id (per jail),
    normalised name with full date of birth, then name with the parts of the date of birth known. A row with none of
    these stands alone (its own source)."""
    keys = []
    if sid := clean_identifier(row.state_id):
        keys.append(f"sid:{sid}")
    if fbi := clean_identifier(row.fbi_number):
        keys.append(f"fbi:{fbi}")
    if jail_id := clean_identifier(row.jail_person_id):
        keys.append(f"jail:{row.profile_id}:{jail_id}")
    last, first = clean_name(row.last_name), clean_name(row.first_name)
    if last and first:
        if row.date_of_birth:
            keys.append(f"name-dob:{last}|{first}|{row.date_of_birth.isoformat()}")
        elif row.dob_year:
            keys.append(f"name-dob-part:{last}|{first}|{row.dob_year}|{row.dob_month or ''}|{row.dob_day or ''}")
    if not keys:
        keys.append(f"row:{row.profile_id}|{row.kind}|{row.source_key}")
    return [pseudonym(k) for k in keys]


def _source_hash(row: StagedRecord) -> str:
    return pseudonym(f"source:{row.profile_id}|{row.kind}|{row.source_key}")


def _booking_key(row: StagedRecord) -> str:
    return pseudonym(f"booking:{clean_identifier(row.booking_number)}") if clean_identifier(row.booking_number) else ""


def _subject_for(keys: list[str]) -> ComparisonSubject:
    """The subject any of `keys` belongs to (several: merged into the oldest), or a new one; all keys recorded."""
    subject_ids = sorted(set(ComparisonKey.objects.filter(key__in=keys).values_list("subject_id", flat=True)))
    if not subject_ids:
        subject = ComparisonSubject.objects.filter(pseudonym=keys[0]).first() or ComparisonSubject.objects.create(
            pseudonym=keys[0])
    else:
        subject = ComparisonSubject.objects.get(pk=subject_ids[0])
        others = subject_ids[1:]
        if others:
            latest = [d for d in ComparisonSubject.objects.filter(pk__in=subject_ids).values_list("last_event_on",
                                                                                               flat=True) if d]
            if latest and max(latest) != subject.last_event_on:
                subject.last_event_on = max(latest)
                subject.save(update_fields=["last_event_on"])
            ComparisonEvent.objects.filter(subject_id__in=others).update(subject=subject)
            ComparisonKey.objects.filter(subject_id__in=others).update(subject=subject)
            ComparisonSubject.objects.filter(pk__in=others).delete()
    have = set(ComparisonKey.objects.filter(key__in=keys).values_list("key", flat=True))
    ComparisonKey.objects.bulk_create([ComparisonKey(subject=subject, key=k) for k in keys if k not in have])
    return subject


def _close_comparison_booking(booking: ComparisonEvent) -> None:
    release = (ComparisonEvent.objects.filter(kind=Kind.RELEASE, booking_key=booking.booking_key,
                                              occurred_on__gte=booking.occurred_on).order_by("occurred_on", "id")
               .first())
    released_on = release.occurred_on if release else None
    jail_days = custody_days(booking.occurred_on, released_on) if released_on else None
    if (booking.released_on, booking.jail_days) != (released_on, jail_days):
        booking.released_on, booking.jail_days = released_on, jail_days
        booking.save(update_fields=["released_on", "jail_days"])


def _comparison_event(row: StagedRecord, subject: ComparisonSubject) -> ComparisonEvent | None:
    source_hash = _source_hash(row)
    values = {"subject": subject, "kind": row.kind, "occurred_on": timezone.localtime(row.occurred_at).date(),
              "charge_code": row.charge_code, "offense_category": row.offense_category, "severity": row.severity,
              "disposition": row.disposition, "booking_key": _booking_key(row), "source_revision": row.revision}
    event = ComparisonEvent.objects.filter(source_hash=source_hash).first()
    if event is not None and event.source_revision > row.revision:
        return None
    if event is None:
        event = ComparisonEvent.objects.create(source_hash=source_hash, **values)
    else:
        for name, value in values.items():
            setattr(event, name, value)
        event.save()
    if event.booking_key:
        bookings = ComparisonEvent.objects.filter(kind=Kind.BOOKING, booking_key=event.booking_key)
        if event.kind == Kind.RELEASE:
            bookings = bookings.filter(occurred_on__lte=event.occurred_on)
        for booking in bookings:
            _close_comparison_booking(booking)
    return event


def _update_subject(subject: ComparisonSubject, row: StagedRecord, day) -> None:
    changed = []
    for name, value in (("birth_year", row.dob_year), ("sex", row.sex), ("race", row.race)):
        if value and getattr(subject, name) != value:
            setattr(subject, name, value)
            changed.append(name)
    if subject.last_event_on is None or day > subject.last_event_on:
        subject.last_event_on = day
        changed.append("last_event_on")
    if changed:
        subject.save(update_fields=changed)


def _due_rows(now: datetime):
    days = getattr(settings, "DIVERT_FEED_IDENTITY_DAYS", DEFAULT_IDENTITY_DAYS)
    return (StagedRecord.objects.ready()
            .filter(person__isnull=True, link_status__in=NOT_LINKED,
                    feed_import__finished_at__lte=now - timedelta(days=days))
            # Every row has a last name when staged; a blank one was pseudonymised already.
            .exclude(last_name=""))


def pseudonymise_feeds(now: datetime) -> int:
    """Turn feed rows still unlinked after the review window into comparison data and blank their identity; returns
    the rows pseudonymised. Corrected rows (superseded) are blanked without an event: their latest revision counts."""
    counts = {"rows": 0, "events": 0, "subjects_before": ComparisonSubject.objects.count()}
    while True:
        batch = list(_due_rows(now).select_related("profile").order_by("revision", "pk")[:BATCH])
        if not batch:
            break
        with transaction.atomic():
            for row in batch:
                if not row.superseded:
                    subject = _subject_for(identity_keys(row))
                    if _comparison_event(row, subject) is not None:
                        counts["events"] += 1
                        _update_subject(subject, row, timezone.localtime(row.occurred_at).date())
            StagedRecord.objects.filter(pk__in=[r.pk for r in batch]).update(link_status=LinkStatus.NO_MATCH,
                                                                             **BLANKED)
        counts["rows"] += len(batch)
    if counts["rows"]:
        subjects = ComparisonSubject.objects.count()
        log_event("divert.records.feeds.pseudonymised",
                  details={"rows": counts["rows"], "events": counts["events"],
                           "subjects_added": max(0, subjects - counts["subjects_before"]), "subjects": subjects})
    return counts["rows"]


def purge_comparison_data(now: datetime) -> int:
    """Delete comparison subjects whose last event is older than the retention period, with their events and keys;
    returns the subjects deleted."""
    days = getattr(settings, "DIVERT_COMPARISON_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    cutoff = timezone.localtime(now).date() - timedelta(days=days)
    due = ComparisonSubject.objects.filter(Q(last_event_on__lt=cutoff)
                                           | Q(last_event_on__isnull=True, created_at__lt=now - timedelta(days=days)))
    subjects = due.count()
    if not subjects:
        return 0
    with transaction.atomic():
        events = ComparisonEvent.objects.filter(subject__in=due).count()
        due.delete()
        log_event("divert.records.comparison.purged",
                  details={"subjects": subjects, "events": events, "retention_days": days,
                           "before": cutoff.isoformat()})
    return subjects


__all__ = ["identity_keys", "pseudonym", "pseudonymise_feeds", "purge_comparison_data"]
