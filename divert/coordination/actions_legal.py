"""Writes for legal matters and charge coordination. Each is one transaction that also writes its audit event.

The justice-data feeds call the same functions as the pages: `actor=None` is a feed, with `source="feed"` and the
feed's `source_key`, so running an import twice changes nothing. Audit details name what changed, never a text:
case numbers, offenses and answers stay in their rows, behind the policy.

Who may call what is the views' business (access.py); these functions check only what must hold whoever calls:
an open matter, an open request, a release for a recommendation, a reason for a decision.
"""

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from divert.accounts.roles import AgencyKind, Role
from divert.audit.log import log_event
from divert.coordination.models import (
    AnswerKind,
    Charge,
    CoordinationDecision,
    CoordinationEvent,
    CoordinationRequest,
    CoordinationStatus,
    CourtDate,
    Disposition,
    LegalMatter,
    MatterSource,
    MatterStatus,
)
from divert.notify.actions import notify
from divert.participants.models import OPEN_STATUSES as ENROLLMENT_OPEN_STATUSES
from divert.participants.models import Person
from divert.privacy.policy import Category, can_see, release_for_agency

MATTER_FIELDS = ("kind", "case_number", "court", "prosecuting_agency", "defending_agency", "incident_on",
                 "arrested_on", "filed_on", "warrant_issued_on", "warrant_quashed_on")
ANSWER_TEXTS = ("engagement", "goals_text", "helps", "setbacks")
# Decisions that need their reason written down; a hold needs its review-by date instead.
REASON_REQUIRED = frozenset({CoordinationDecision.DECLINE, CoordinationDecision.FILE})
STALE_MESSAGE = gettext_lazy("This was changed by someone else since you opened it. Nothing was saved; check what it "
                             "says now and try again.")


class StaleEdit(ValidationError):
    def __init__(self):
        super().__init__(STALE_MESSAGE, code="stale")


def _legal_event(action: str, *, actor, person, target, request=None, details=None) -> None:
    log_event(action, request=request, actor=actor, person=person, target=target, category=Category.LEGAL,
              details=details or {})


def _check_agencies(fields: dict) -> None:
    prosecutor = fields.get("prosecuting_agency")
    defender = fields.get("defending_agency")
    if prosecutor is not None and prosecutor.kind != AgencyKind.PROSECUTOR:
        raise ValidationError({"prosecuting_agency": _("Choose a prosecutor's office.")})
    if defender is not None and defender.kind != AgencyKind.DEFENDER:
        raise ValidationError({"defending_agency": _("Choose a public defender's agency.")})


def _check_dates(matter: LegalMatter) -> None:
    today = timezone.localdate()
    errors = {}
    for name in ("incident_on", "arrested_on", "filed_on", "warrant_issued_on", "warrant_quashed_on"):
        value = getattr(matter, name)
        if value is not None and value > today:
            errors[name] = _("This date cannot be in the future.")
    if matter.incident_on and matter.filed_on and matter.filed_on < matter.incident_on:
        errors["filed_on"] = _("A case is filed on or after the incident it is about.")
    if matter.incident_on and matter.arrested_on and matter.arrested_on < matter.incident_on:
        errors["arrested_on"] = _("An arrest comes on or after the incident.")
    if matter.warrant_quashed_on and not matter.warrant_issued_on:
        errors["warrant_issued_on"] = _("Give the date the warrant was issued.")
    elif matter.warrant_quashed_on and matter.warrant_quashed_on < matter.warrant_issued_on:
        errors["warrant_quashed_on"] = _("A warrant is quashed or served after it is issued.")
    if matter.kind == "warrant" and not matter.warrant_issued_on:
        errors["warrant_issued_on"] = _("A warrant needs the date it was issued.")
    if errors:
        raise ValidationError(errors)


# --- Legal matters ------------------------------------------------------------------------------------------------

def do_record_legal_matter(actor, person: Person, *, source: str = MatterSource.MANUAL, source_key: str = "",
                           charges: list[dict] = (), request=None, **fields) -> tuple[LegalMatter, bool]:
    """Record a matter; (matter, created). `fields` are MATTER_FIELDS; `charges` dicts of offense, severity and
    statute. With a `source_key` already recorded for `source`, nothing changes and the first matter comes back."""
    if source not in MatterSource.values:
        raise ValueError(f"unknown source {source!r}")
    source_key = (source_key or "").strip()
    if source_key:
        existing = LegalMatter.objects.filter(source=source, source_key=source_key).first()
        if existing is not None:
            if existing.person_id != person.pk:
                raise ValidationError(_("This source key belongs to another person's matter."), code="key_reused")
            return existing, False
    _check_agencies(fields)
    matter = LegalMatter(person=person, source=source, source_key=source_key, created_by=actor,
                         **{k: v for k, v in fields.items() if k in MATTER_FIELDS})
    _check_dates(matter)
    matter.full_clean(exclude=["person", "created_by"])
    rows = [Charge(offense=c["offense"].strip(), severity=c["severity"], statute=(c.get("statute") or "").strip())
            for c in charges if (c.get("offense") or "").strip()]
    for charge in rows:
        charge.full_clean(exclude=["matter"])
    try:
        with transaction.atomic():
            matter.save()
            for charge in rows:
                charge.matter = matter
            Charge.objects.bulk_create(rows)
            _legal_event("divert.legal.matter.recorded", actor=actor, person=person, target=matter, request=request,
                         details={"kind": matter.kind, "source": source, "charges": len(rows),
                                  "prosecuting_agency": matter.prosecuting_agency_id})
    except IntegrityError:
        # The same feed row arrived twice at once: the other import won.
        existing = LegalMatter.objects.filter(source=source, source_key=source_key).first() if source_key else None
        if existing is None:
            raise
        return existing, False
    return matter, True


def do_update_legal_matter(matter: LegalMatter, *, actor, if_unchanged_since: datetime | None = None,
                           request=None, **fields) -> LegalMatter:
    """Change the fields given (MATTER_FIELDS); refused as stale when someone saved since `if_unchanged_since`."""
    _check_agencies(fields)
    with transaction.atomic():
        locked = LegalMatter.objects.select_for_update().get(pk=matter.pk)
        if if_unchanged_since is not None and locked.updated_at != if_unchanged_since:
            raise StaleEdit()
        changed = [k for k in MATTER_FIELDS if k in fields and getattr(locked, k) != fields[k]]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, fields[name])
        _check_dates(locked)
        locked.full_clean(exclude=["person", "created_by"])
        locked.save()
        _legal_event("divert.legal.matter.updated", actor=actor, person=locked.person, target=locked,
                     request=request, details={"fields": changed})
    return locked


def do_add_charge(matter: LegalMatter, *, actor, offense: str, severity: str, statute: str = "",
                  request=None) -> Charge:
    charge = Charge(matter=matter, offense=offense.strip(), severity=severity, statute=statute.strip())
    charge.full_clean()
    with transaction.atomic():
        charge.save()
        LegalMatter.objects.filter(pk=matter.pk).update(updated_at=timezone.now())
        _legal_event("divert.legal.charge.added", actor=actor, person=matter.person, target=matter, request=request,
                     details={"severity": severity})
    return charge


def do_add_court_date(matter: LegalMatter, *, actor, scheduled_at: datetime, purpose: str, courtroom: str = "",
                      request=None) -> tuple[CourtDate, bool]:
    """Add a hearing; (court date, created). The same hearing (matter, time, purpose) twice is one row."""
    existing = CourtDate.objects.filter(matter=matter, scheduled_at=scheduled_at, purpose=purpose).first()
    if existing is not None:
        return existing, False
    court_date = CourtDate(matter=matter, scheduled_at=scheduled_at, purpose=purpose, courtroom=courtroom.strip(),
                           created_by=actor)
    court_date.full_clean(exclude=["created_by"])
    try:
        with transaction.atomic():
            court_date.save()
            LegalMatter.objects.filter(pk=matter.pk).update(updated_at=timezone.now())
            _legal_event("divert.legal.court_date.added", actor=actor, person=matter.person, target=matter,
                         request=request, details={"purpose": purpose, "court_date": court_date.pk})
    except IntegrityError:
        return CourtDate.objects.get(matter=matter, scheduled_at=scheduled_at, purpose=purpose), False
    return court_date, True


def do_record_disposition(matter: LegalMatter, *, actor, disposition: str, disposed_on: date,
                          if_unchanged_since: datetime | None = None, request=None) -> LegalMatter:
    """Record how the matter ended; it closes. Recording the same disposition again changes nothing."""
    if disposition not in Disposition.values:
        raise ValidationError({"disposition": _("Choose how the matter ended.")})
    if disposed_on > timezone.localdate():
        raise ValidationError({"disposed_on": _("This date cannot be in the future.")})
    with transaction.atomic():
        locked = LegalMatter.objects.select_for_update().get(pk=matter.pk)
        if locked.disposition == disposition and locked.disposed_on == disposed_on:
            return locked
        if if_unchanged_since is not None and locked.updated_at != if_unchanged_since:
            raise StaleEdit()
        filed_or_incident = locked.filed_on or locked.incident_on
        if filed_or_incident and disposed_on < filed_or_incident:
            raise ValidationError({"disposed_on": _("A disposition comes after the incident and the filing.")})
        was = locked.disposition
        locked.disposition, locked.disposed_on, locked.status = disposition, disposed_on, MatterStatus.CLOSED
        if disposition == Disposition.WARRANT_QUASHED and locked.warrant_issued_on and not locked.warrant_quashed_on:
            locked.warrant_quashed_on = disposed_on
        locked.save()
        _legal_event("divert.legal.disposition.recorded", actor=actor, person=locked.person, target=locked,
                     request=request, details={"disposition": disposition, "previous": was})
    return locked


# --- Charge coordination -----------------------------------------------------------------------------------------

def _open_enrollment(person: Person):
    """The person's latest open enrollment: its case manager is who the request goes to."""
    return (person.enrollments.filter(status__in=ENROLLMENT_OPEN_STATUSES)
            .select_related("case_manager", "provider").order_by("-referred_on", "-id").first())


def _supervisors(provider_id: int):
    return get_user_model().objects.filter(is_active=True, memberships__active=True, memberships__role=Role.SUPERVISOR,
                                           memberships__agency_id=provider_id).distinct()


def _event(req: CoordinationRequest, kind: str, actor=None, *, recipient=None, value: str = "") -> None:
    CoordinationEvent.objects.create(request=req, kind=kind, actor=actor, recipient=recipient, value=value)


def do_open_coordination_request(actor, matter: LegalMatter, *, note: str = "", request=None) -> tuple[
        CoordinationRequest, bool]:
    """The liaison prosecutor asks the case manager to coordinate before deciding on `matter`; (request, created).
    `actor=None`: opened automatically when a feed reports a new charge. One open request per matter: asking again
    gives back the open one. The assigned case manager (or, with none assigned, the provider's supervisors) is
    notified, with no data in the text."""
    existing = CoordinationRequest.objects.open().filter(matter=matter).first()
    if existing is not None:
        return existing, False
    if not matter.is_open:
        raise ValidationError(_("This matter is closed; there is nothing left to coordinate."), code="closed")
    enrollment = _open_enrollment(matter.person)
    if enrollment is None:
        raise ValidationError(_("This person has no open enrollment: there is no plan or case manager to coordinate "
                                "with."), code="not_enrolled")
    case_manager = enrollment.case_manager if enrollment.case_manager and enrollment.case_manager.is_active else None
    try:
        with transaction.atomic():
            LegalMatter.objects.select_for_update().filter(pk=matter.pk).first()
            req = CoordinationRequest.objects.create(
                person=matter.person, matter=matter, prosecuting_agency=matter.prosecuting_agency, opened_by=actor,
                note=note.strip()[:2000], case_manager=case_manager)
            _event(req, CoordinationEvent.Kind.OPENED, actor)
            recipients = [case_manager] if case_manager else list(_supervisors(enrollment.provider_id))
            sent = notify(recipients, kind="divert.coordination.requested", actor=actor,
                          title=_("A coordination request needs your answer"),
                          body=_("A prosecutor asks to coordinate a legal matter with a participant's plan. Open the "
                                 "link to see it and answer."),
                          url=reverse("coordination_request", args=[req.pk]), dedupe_key=f"coordination:{req.pk}:open")
            for notification in sent:
                _event(req, CoordinationEvent.Kind.NOTIFIED, actor, recipient=notification.recipient)
            _legal_event("divert.coordination.opened", actor=actor, person=matter.person, target=req,
                         request=request, details={"matter": matter.pk, "automatic": actor is None,
                                                   "notified": len(sent)})
    except IntegrityError:
        # Two openings raced; the other one is the request.
        existing = CoordinationRequest.objects.open().filter(matter=matter).first()
        if existing is None:
            raise
        return existing, False
    return req, True


def prosecutor_reader(req: CoordinationRequest):
    """Whose eyes the answer is for: the prosecutor who opened it, else an active prosecutor of the office."""
    if req.opened_by_id and req.opened_by.is_active and req.opened_by.has_role(Role.PROSECUTOR):
        return req.opened_by
    return (get_user_model().objects.filter(is_active=True, memberships__active=True,
                                            memberships__role=Role.PROSECUTOR,
                                            memberships__agency_id=req.prosecuting_agency_id).order_by("pk").first())


def release_for_prosecutor(req: CoordinationRequest):
    """The release in effect that lets the prosecutor's office read the partner summary of this person, or None.
    Asked of the policy for a prosecutor of the office (a release may name the office or its prosecutor seat)."""
    reader = prosecutor_reader(req)
    if reader is not None:
        decision = can_see(reader, req.person, Category.PARTNER_SUMMARY)
        return decision.consent if decision.allowed and decision.consent is not None else None
    return release_for_agency(req.person, req.prosecuting_agency, [Category.PARTNER_SUMMARY])


def _same_answer(req: CoordinationRequest, answer_kind: str, texts: dict, goal_ids: set[int]) -> bool:
    return (req.answer_kind == answer_kind and all(getattr(req, k) == texts[k] for k in ANSWER_TEXTS)
            and set(req.goals.values_list("pk", flat=True)) == goal_ids)


def do_answer_coordination_request(req: CoordinationRequest, *, actor, answer_kind: str, engagement: str = "",
                                   goals=(), goals_text: str = "", helps: str = "", setbacks: str = "",
                                   if_unchanged_since: datetime | None = None,
                                   request=None) -> CoordinationRequest:
    """The case manager's answer: a recommendation tied to the plan, as text written for partners, or "nothing I
    can share under the current consent". A recommendation is refused unless a release in effect lets the
    prosecutor's office read it. May be revised until the prosecutor decides; the same answer twice is one."""
    if answer_kind not in AnswerKind.values:
        raise ValidationError({"answer_kind": _("Choose what you answer.")})
    texts = {"engagement": engagement.strip(), "goals_text": goals_text.strip(), "helps": helps.strip(),
             "setbacks": setbacks.strip()}
    goals = list(goals)
    if answer_kind == AnswerKind.NOTHING_TO_SHARE:
        texts = dict.fromkeys(ANSWER_TEXTS, "")
        goals = []
    elif not any(texts.values()):
        raise ValidationError(_("Write the recommendation, or answer that there is nothing you can share."),
                              code="empty")
    with transaction.atomic():
        locked = CoordinationRequest.objects.select_for_update().select_related("person").get(pk=req.pk)
        if _same_answer(locked, answer_kind, texts, {g.pk for g in goals}):
            return locked
        if not locked.is_open:
            raise ValidationError(_("The prosecutor has decided; the request is closed."), code="closed")
        if if_unchanged_since is not None and locked.updated_at != if_unchanged_since:
            raise StaleEdit()
        release = release_for_prosecutor(locked) if answer_kind == AnswerKind.RECOMMENDATION else None
        if answer_kind == AnswerKind.RECOMMENDATION and release is None:
            raise ValidationError(_("No release in effect lets %(office)s read a recommendation about this person. "
                                    "Answer that there is nothing you can share under the current consent, or record "
                                    "the participant's release first.") % {"office": locked.prosecuting_agency},
                                  code="no_release")
        revised = locked.answered_at is not None
        locked.answer_kind, locked.answer_release = answer_kind, release
        for name, value in texts.items():
            setattr(locked, name, value)
        locked.answered_by, locked.answered_at = actor, timezone.now()
        locked.status = CoordinationStatus.ANSWERED
        locked.save()
        locked.goals.set(goals)
        _event(locked, CoordinationEvent.Kind.ANSWERED, actor, value=answer_kind)
        _legal_event("divert.coordination.answered", actor=actor, person=locked.person, target=locked,
                     request=request, details={"answer": answer_kind, "goals": len(goals), "revised": revised,
                                               "release": release.pk if release else None})
    return locked


def do_decide_coordination_request(req: CoordinationRequest, *, actor, decision: str, reason: str = "",
                                   review_by: date | None = None, request=None) -> CoordinationRequest:
    """The prosecutor's decision: decline, hold for the plan (until a review-by date), divert, or file with a
    recommendation. It closes the request and tells the case manager. The same decision twice is one."""
    reason = reason.strip()
    if decision not in CoordinationDecision.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    if decision in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Give the reason for this decision.")})
    if decision == CoordinationDecision.HOLD:
        if review_by is None:
            raise ValidationError({"review_by": _("A hold needs the date by which you will look at it again.")})
        if review_by <= timezone.localdate():
            raise ValidationError({"review_by": _("The review-by date must be after today.")})
    else:
        review_by = None
    with transaction.atomic():
        locked = CoordinationRequest.objects.select_for_update().select_related("person").get(pk=req.pk)
        if not locked.is_open:
            if (locked.decision, locked.decision_reason, locked.review_by) == (decision, reason, review_by):
                return locked
            raise ValidationError(_("A decision is already recorded; the request is closed."), code="closed")
        locked.decision, locked.decision_reason, locked.review_by = decision, reason, review_by
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.status = CoordinationStatus.DECIDED
        locked.save()
        _event(locked, CoordinationEvent.Kind.DECIDED, actor, value=decision)
        recipients = [locked.case_manager] if locked.case_manager else []
        if locked.answered_by_id and locked.answered_by_id != locked.case_manager_id:
            recipients.append(locked.answered_by)
        notify(recipients, kind="divert.coordination.decided", actor=actor,
               title=_("A prosecutor recorded a decision on a coordination request"),
               body=_("Open the link to see the decision."),
               url=reverse("coordination_request", args=[locked.pk]), dedupe_key=f"coordination:{locked.pk}:decided")
        _legal_event("divert.coordination.decided", actor=actor, person=locked.person, target=locked,
                     request=request, details={"decision": decision,
                                               "review_by": review_by.isoformat() if review_by else None})
    return locked


# A hold's review date found this many days late (tick did not run) is still announced; older ones are not.
HOLD_REVIEW_CATCH_UP_DAYS = 14


def send_hold_reviews(now: datetime | None = None) -> int:
    """Tell the prosecutor who held a charge for the plan that its review-by date has come, once per request and
    date (a tick job). Nothing else happens: what to do next is theirs to decide, with the case manager."""
    from datetime import timedelta

    today = timezone.localdate(now or timezone.now())
    due = (CoordinationRequest.objects
           .filter(decision=CoordinationDecision.HOLD, review_by__lte=today,
                   review_by__gt=today - timedelta(days=HOLD_REVIEW_CATCH_UP_DAYS))
           .select_related("decided_by").order_by("review_by", "pk"))
    reminded = 0
    for req in due:
        recipients = [req.decided_by] if req.decided_by and req.decided_by.is_active else list(
            get_user_model().objects.filter(memberships__agency_id=req.prosecuting_agency_id,
                                            memberships__role=Role.PROSECUTOR, memberships__active=True,
                                            is_active=True).distinct())
        sent = notify(recipients, kind="divert.coordination.hold_review",
                      title=_("A charge held for the plan is due for review"),
                      body=_("Open the link to see the request and its matter."),
                      url=reverse("coordination_request", args=[req.pk]), channels=("inbox", "email"),
                      dedupe_key=f"coordination:{req.pk}:review:{req.review_by.isoformat()}")
        reminded += bool(sent)
    return reminded


__all__ = ["StaleEdit", "do_add_charge", "do_add_court_date", "do_answer_coordination_request",
           "do_decide_coordination_request", "do_open_coordination_request", "do_record_disposition",
           "do_record_legal_matter", "do_update_legal_matter", "prosecutor_reader", "release_for_prosecutor",
           "send_hold_reviews"]
