"""One timeline per person: every event the viewer may see, newest first.

Each source yields `TimelineItem`s carrying one data category; `timeline_for` asks the privacy policy once per
category and drops anything the viewer may not see, so a source that forgets to check still cannot leak.
Other parts of casework (assessments, plans, services, funds) and coordination (legal events) add their own
sources with `register_timeline_source`:

    @register_timeline_source
    def _plan_items(user, person, may):
        if not may(Category.CASEWORK):
            return []
        return [TimelineItem(at=..., kind="goal", title=..., category=Category.CASEWORK, url=...)]

`may(category) -> bool` is the policy's answer for this viewer and person, computed once per category.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from divert.casework.models import Contact
from divert.participants.models import CaseAssignment, EnrollmentStatus, EnrollmentStatusChange, Person
from divert.privacy.policy import Category, can_see, visible_persons, visible_referrals

DETAIL_WORDS = 30


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    category: str = Category.STATUS
    url: str = ""

    @property
    def category_label(self) -> str:
        return Category.label(self.category)


Source = Callable[..., Iterable[TimelineItem]]
_SOURCES: list[Source] = []


def register_timeline_source(func: Source) -> Source:
    """Add a source of timeline items: `func(user, person, may) -> Iterable[TimelineItem]`. Usable as a
    decorator; registering the same function twice has no effect."""
    if func not in _SOURCES:
        _SOURCES.append(func)
    return func


def persons_with(user, category: str) -> QuerySet[Person]:
    """The persons whose `category` this user may see: the policy's answer, as one query."""
    return visible_persons(user, category)


def _short(text: str) -> str:
    return Truncator(" ".join((text or "").split())).words(DETAIL_WORDS)


def _referral_items(user, person, may) -> Iterable[TimelineItem]:
    # Both answers: the referral category for this person, and the policy's list of referrals this seat reads.
    if not may(Category.REFERRAL):
        return
    referrals = (visible_referrals(user).filter(person=person)
                 .select_related("handoff").prefetch_related("events"))
    for referral in referrals:
        url = reverse("referral", args=[referral.pk])
        events = list(referral.events.all())
        if not any(e.kind == "created" for e in events):
            yield TimelineItem(referral.referred_at, "referral", _("Referred (%(door)s), %(ref)s") % {
                "door": referral.get_door_display(), "ref": referral.reference}, category=Category.REFERRAL, url=url)
        for event in events:
            yield TimelineItem(event.at, "referral", f"{event.get_kind_display()} — {referral.reference}",
                               _short(event.note), Category.REFERRAL, url)
        handoff = getattr(referral, "handoff", None)
        kinds = {e.kind for e in events}
        if handoff is not None and "handoff_requested" not in kinds:
            yield TimelineItem(handoff.requested_at, "handoff", _("Hand-off requested — %(ref)s") % {
                "ref": referral.reference}, category=Category.REFERRAL, url=url)
            if handoff.arrived_at:
                yield TimelineItem(handoff.arrived_at, "handoff", _("Case manager arrived — %(ref)s") % {
                    "ref": referral.reference}, category=Category.REFERRAL, url=url)


def _status_items(user, person, may) -> Iterable[TimelineItem]:
    if not may(Category.STATUS):
        return
    labels = dict(EnrollmentStatus.choices)
    changes = EnrollmentStatusChange.objects.filter(enrollment__person=person).select_related("enrollment")
    for change in changes:
        if change.from_status:
            title = _("Status: %(from)s → %(to)s") % {"from": labels.get(change.from_status, change.from_status),
                                                      "to": labels.get(change.to_status, change.to_status)}
        else:
            title = _("Enrollment opened: %(to)s") % {"to": labels.get(change.to_status, change.to_status)}
        detail = _("Effective %(day)s.") % {"day": change.effective_on.isoformat()}
        if change.reason:
            detail += " " + _short(change.reason)
        yield TimelineItem(change.changed_at, "status", title, detail, Category.STATUS)
    assignments = CaseAssignment.objects.filter(enrollment__person=person).select_related("case_manager", "provider")
    for a in assignments:
        who = a.case_manager.get_full_name() if a.case_manager else _("no case manager yet")
        yield TimelineItem(a.started_at, "assignment", _("Assigned: %(who)s, %(provider)s") % {
            "who": who, "provider": a.provider}, category=Category.STATUS)


def _contact_items(user, person, may) -> Iterable[TimelineItem]:
    allowed = [c for c in (Category.CASEWORK, Category.HEALTH, Category.SUD) if may(c)]
    if not allowed:
        return
    contacts = Contact.objects.filter(person=person, note_category__in=allowed).select_related("recorded_by")
    for c in contacts:
        title = _("%(kind)s contact") % {"kind": c.get_kind_display()}
        if c.substantive:
            title += " · " + _("substantive")
        if c.duration_minutes:
            title += " · " + _("%(n)s min") % {"n": c.duration_minutes}
        yield TimelineItem(c.occurred_at, "contact", title, _short(c.note), c.note_category,
                           reverse("contact", args=[c.pk]))


def _consent_items(user, person, may) -> Iterable[TimelineItem]:
    if not may(Category.STATUS) or not apps.is_installed("divert.privacy"):
        return
    try:
        release_model = apps.get_model("privacy", "ReleaseOfInformation")
        from divert.privacy.policy import may_see_release
    except (LookupError, ImportError):
        return
    releases = release_model.objects.filter(person=person).prefetch_related("revocations")
    for release in releases:
        # A Part 2 consent says the person is in treatment: only those it lets see it learn it exists.
        if not may_see_release(user, release):
            continue
        url = reverse("release", args=[release.pk]) if _has_url("release") else ""
        yield TimelineItem(release.created_at, "consent", _("Recorded: %(kind)s") % {
            "kind": release.get_kind_display()}, category=Category.STATUS, url=url)
        for revocation in release.revocations.all():
            yield TimelineItem(revocation.recorded_at, "consent", _("Revoked (%(scope)s): %(kind)s") % {
                "scope": revocation.get_scope_display(), "kind": release.get_kind_display()},
                category=Category.STATUS, url=url)


def _has_url(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name, args=[1])
    except NoReverseMatch:
        return False
    return True


BUILT_IN = (_referral_items, _status_items, _contact_items, _consent_items)


def timeline_for(user, person: Person) -> list[TimelineItem]:
    """Every event of `person` that `user` may see, newest first."""
    answers: dict[str, bool] = {}

    def may(category: str) -> bool:
        if category not in answers:
            answers[category] = bool(can_see(user, person, category))
        return answers[category]

    items = [item for source in (*BUILT_IN, *_SOURCES) for item in source(user, person, may)
             if may(item.category)]
    epoch = timezone.make_aware(datetime(1970, 1, 1))
    return sorted(items, key=lambda item: item.at or epoch, reverse=True)


def shown_categories(items: Iterable[TimelineItem]) -> set[str]:
    return {item.category for item in items}


__all__ = ["TimelineItem", "persons_with", "register_timeline_source", "shown_categories", "timeline_for"]
