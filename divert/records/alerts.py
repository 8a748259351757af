"""What a justice event sets off: an alert to the participant's team, and for a new charge a legal matter with charge
coordination. Both only for persons with an open enrollment.

Alerts follow the content rule of divert/notify/actions.py: the text says only that there is a justice-data update
for one of the recipient's participants, and links to the person's justice events, which the policy lets the team
read. Never the charge, the place, the person's name. Recipients are the assigned case manager, or with none
assigned the provider's supervisors, and each must be on the person's team (`policy.is_on_team`): never police,
never a prosecutor, never a colleague who is not assigned.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from divert.accounts.models import Agency
from divert.accounts.roles import AgencyKind, Role
from divert.audit.log import log_event
from divert.participants.models import OPEN_STATUSES
from divert.privacy.policy import Category, is_on_team
from divert.records.events import alert_window
from divert.records.models import Kind, StagedRecord
from divert.records.models_events import JusticeEvent

logger = logging.getLogger(__name__)

ALERT_KINDS = (Kind.BOOKING, Kind.RELEASE)
NOTIFICATION_KIND = "divert.justice.update"
# Feed dispositions that close a feed-recorded matter, in the coordination app's words ("pending" closes nothing).
DISPOSITIONS = {"convicted": "convicted", "dismissed": "dismissed", "acquitted": "acquitted", "deferred": "deferred",
                "diverted": "diverted", "other": "other"}


def _open_enrollments(person):
    return (person.enrollments.filter(status__in=OPEN_STATUSES).select_related("case_manager", "provider")
            .order_by("-referred_on", "-id"))


def _supervisors(provider_id: int):
    return (get_user_model().objects.filter(is_active=True, memberships__active=True,
                                            memberships__role=Role.SUPERVISOR, memberships__agency_id=provider_id)
            .distinct().order_by("pk"))


def alert_recipients(person) -> list:
    """Whom a justice-data update about `person` goes to: each open enrollment's assigned case manager, or with
    none assigned (or an inactive one), the provider's supervisors; only users the policy puts on the team."""
    recipients = {}
    for enrollment in _open_enrollments(person):
        cm = enrollment.case_manager
        users = [cm] if cm is not None and cm.is_active else list(_supervisors(enrollment.provider_id))
        for user in users:
            recipients.setdefault(user.pk, user)
    return [user for user in recipients.values() if is_on_team(user, person)]


def alert_team(event: JusticeEvent) -> int:
    """Alert the team of a booking or release of a person with an open enrollment, once per event; returns the
    number of notifications sent. Events older than DIVERT_JUSTICE_ALERT_DAYS (a backfill of history) alert no one."""
    from divert.notify.actions import notify

    if event.kind not in ALERT_KINDS or event.alerted_at is not None:
        return 0
    now = timezone.now()
    if event.occurred_at < now - alert_window():
        return 0
    recipients = alert_recipients(event.person)
    if not recipients:
        return 0
    try:
        with transaction.atomic():
            sent = notify(recipients, kind=NOTIFICATION_KIND,
                          title=_("A justice-data update for one of your participants"),
                          body=_("A justice-data feed has new information about a participant you work with. Open the "
                                 "link to see it."),
                          url=reverse("justice_events", args=[event.person_id]),
                          dedupe_key=f"justice-event:{event.pk}")
            JusticeEvent.objects.filter(pk=event.pk).update(alerted_at=now)
            event.alerted_at = now
            log_event("divert.justice.alert.sent", person=event.person, target=event, category=Category.LEGAL,
                      details={"kind": event.kind, "recipients": len(sent)})
    except Exception:  # an alert that fails is logged; the event stays and the next link may try again
        logger.exception("justice alert for event %s failed", event.pk)
        return 0
    return len(sent)


# --- Feed-opened legal matters ------------------------------------------------------------------------------------

def prosecuting_office():
    """The office whose liaison prosecutor coordinates feed charges: DIVERT_FEED_PROSECUTOR_AGENCY (an agency id or
    name) when set, else the first active prosecutor's office."""
    offices = Agency.objects.filter(kind=AgencyKind.PROSECUTOR, active=True)
    chosen = getattr(settings, "DIVERT_FEED_PROSECUTOR_AGENCY", None)
    if chosen:
        by = {"pk": int(chosen)} if str(chosen).isdigit() else {"name": chosen}
        return offices.filter(**by).first()
    return offices.order_by("pk").first()


def _matter_key(event: JusticeEvent) -> str:
    return f"{event.source_profile.slug}:{event.case_number}"[:120]


def _charge(event: JusticeEvent) -> dict | None:
    if not event.severity:
        return None  # the coordination app needs a class; a charge without one is recorded on the event only
    offense = (event.charge_description or event.offense_category.replace("_", " ") or event.charge_code)
    if not offense:
        return None
    return {"offense": offense[:300], "severity": event.severity, "statute": event.charge_code[:100]}


def _refused(event: JusticeEvent, error: ValidationError, step: str) -> str:
    codes = sorted({e.code or "invalid" for e in error.error_list}) if hasattr(error, "error_list") else ["invalid"]
    log_event("divert.justice.matter.refused", person=event.person, target=event, category=Category.LEGAL,
              details={"step": step, "codes": codes})
    return "refused"


def record_legal_matter(event: JusticeEvent, row: StagedRecord | None = None) -> str:
    """For an enrolled participant: a new charge (a charge row, or an arrest with a case number) since their referral
    records a legal matter from the feed (one per case: later charges of the case are added to it) and opens charge
    coordination with the liaison prosecutor; a disposition closes a matter the feed recorded.
    Returns "recorded", "refused" (logged) or "" (nothing to do)."""
    if not event.case_number or event.legal_matter_id is not None:
        return ""
    if event.kind == Kind.DISPOSITION:
        return _record_disposition(event)
    if event.kind not in (Kind.CHARGE, Kind.ARREST):
        return ""
    enrollment = _open_enrollments(event.person).order_by("referred_on", "id").first()
    if enrollment is None or event.occurred_on < enrollment.referred_on:
        return ""
    office = prosecuting_office()
    if office is None:
        logger.warning("no active prosecutor's office: feed charges record no legal matters")
        return ""
    from divert.coordination.actions_legal import (
        do_add_charge,
        do_open_coordination_request,
        do_record_legal_matter,
    )
    from divert.coordination.models import LegalMatter, MatterKind

    day = min(event.occurred_on, timezone.localdate())
    charge = _charge(event)
    fields = {"kind": MatterKind.NEW_ARREST if event.kind == Kind.ARREST else MatterKind.NEW_CHARGE,
              "case_number": event.case_number[:60], "prosecuting_agency": office}
    fields["arrested_on" if event.kind == Kind.ARREST else "filed_on"] = day
    try:
        with transaction.atomic():
            matter, created = do_record_legal_matter(None, event.person, source="feed", source_key=_matter_key(event),
                                                     charges=[charge] if charge else [], **fields)
            if not created and charge and matter.is_open:
                do_add_charge(matter, actor=None, **charge)
            JusticeEvent.objects.filter(pk=event.pk).update(legal_matter=matter)
            event.legal_matter = matter
    except ValidationError as error:
        return _refused(event, error, "matter")
    if not (created or charge) or not LegalMatter.objects.filter(pk=matter.pk, status="open").exists():
        return "recorded"
    try:
        with transaction.atomic():
            do_open_coordination_request(None, matter)
    except ValidationError as error:
        return _refused(event, error, "coordination")
    return "recorded"


def _record_disposition(event: JusticeEvent) -> str:
    from divert.coordination.actions_legal import do_record_disposition
    from divert.coordination.models import LegalMatter

    outcome = DISPOSITIONS.get(event.disposition)
    matter = LegalMatter.objects.filter(source="feed", source_key=_matter_key(event), person=event.person).first()
    if outcome is None or matter is None:
        return ""
    try:
        with transaction.atomic():
            do_record_disposition(matter, actor=None, disposition=outcome,
                                  disposed_on=min(event.occurred_on, timezone.localdate()))
            JusticeEvent.objects.filter(pk=event.pk).update(legal_matter=matter)
            event.legal_matter = matter
    except ValidationError as error:
        return _refused(event, error, "disposition")
    return "recorded"


__all__ = ["alert_recipients", "alert_team", "prosecuting_office", "record_legal_matter"]
