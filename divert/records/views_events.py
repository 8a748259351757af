"""A person's justice events (category: legal), and the same events as person-timeline items.

Who reads them is the policy's answer (`can_see(user, person, Category.LEGAL)`; otherwise 404). Readers whose legal
view of the person is whole (the case-management team and the project manager by seat, a partner under a release
opening legal) see every event; a liaison prosecutor or a defender, whose grant opens only their office's or their
clients' matters, sees only the events tied to a matter they may read. Every read is audited, and a read under a
release is accounted for as a disclosure.
"""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from divert.audit.log import log_event
from divert.casework.timeline import TimelineItem
from divert.participants.models import Person
from divert.privacy.policy import Category, can_see, disclose, sees_all_legal, visible_legal_matters
from divert.records.events import jail_days_between
from divert.records.models import Kind
from divert.records.models_events import JusticeEvent
from divert.web.access import get_person_for_user

LIST_LIMIT = 500
TIMELINE_LIMIT = 200


def visible_justice_events(user, person: Person) -> QuerySet[JusticeEvent]:
    if not can_see(user, person, Category.LEGAL):
        return JusticeEvent.objects.none()
    events = JusticeEvent.objects.filter(person=person)
    if sees_all_legal(user, person):
        return events
    return events.filter(legal_matter__in=visible_legal_matters(user, person).values("pk"))


def jail_summary(events) -> dict:
    """Jail days of the bookings among `events`: all time and the last 365 days (stays overlapping once), and
    whether a stay is open."""
    today = timezone.localdate()
    stays = [(e.occurred_on, e.released_on) for e in events if e.kind == Kind.BOOKING]
    forever = today + timedelta(days=1)
    return {"jail_days": jail_days_between(stays, min((s for s, _r in stays), default=today), forever, today),
            "jail_days_year": jail_days_between(stays, today - timedelta(days=365), forever, today),
            "bookings": len(stays), "in_custody": any(r is None for _s, r in stays)}


@login_required
@require_GET
def justice_events(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id, Category.LEGAL)
    events = list(visible_justice_events(request.user, person)
                  .select_related("source_profile", "legal_matter")[:LIST_LIMIT])
    today = timezone.localdate()
    for event in events:
        event.days = event.jail_days_on(today)
    log_event("divert.justice.events.viewed", request=request, person=person, target=person,
              category=Category.LEGAL, details={"count": len(events)})
    notice = disclose(request.user, person, [Category.LEGAL], request=request, purpose="justice events")
    return render(request, "records/events/person.html", {
        "person": person, "events": events, "summary": jail_summary(events), "notice": notice,
        "limit": LIST_LIMIT, "truncated": len(events) == LIST_LIMIT})


def _title(event: JusticeEvent) -> str:
    if event.kind == Kind.BOOKING:
        if event.released_on is None:
            return _("Booked into jail (still in custody)")
        return _("Booked into jail (%(n)s jail days)") % {"n": event.jail_days}
    if event.kind == Kind.RELEASE:
        return _("Released from jail") if event.booking_id else _("Released from jail (no booking on record)")
    label = event.get_kind_display()
    what = ", ".join(x for x in (event.offense_category.replace("_", " "), event.get_severity_display()) if x)
    return f"{label}: {what}" if what else label


def justice_timeline_items(user, person, may):
    """The person timeline's justice events: only those this viewer may read (see visible_justice_events)."""
    if not may(Category.LEGAL):
        return []
    url = reverse("justice_events", args=[person.pk])
    events = visible_justice_events(user, person)[:TIMELINE_LIMIT]
    return [TimelineItem(e.occurred_at, "justice", _title(e), category=Category.LEGAL, url=url) for e in events]
