"""Engagement from contacts: when the team last had a substantive contact with someone.

Only dates leave here, never what was said; callers still ask the privacy policy before showing them
(the date of a contact is casework).
"""

from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from divert.casework.models import Contact


def engaged_within(person, days: int, *, now: datetime | None = None) -> bool:
    """A substantive contact with this person in the last `days` days."""
    since = (now or timezone.now()) - timedelta(days=days)
    return Contact.objects.filter(person=person, substantive=True, occurred_at__gte=since).exists()


def last_substantive_contacts(person_ids) -> dict[int, datetime]:
    """person id -> time of the latest substantive contact, for those who have one (one query)."""
    rows = (Contact.objects.filter(person_id__in=list(person_ids), substantive=True)
            .values("person_id").annotate(last=Max("occurred_at")))
    return {row["person_id"]: row["last"] for row in rows}
