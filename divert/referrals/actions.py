"""Writes for referrals. Each is one transaction that also writes its audit event and the referral's timeline.

Nothing here files, closes or notifies anyone to a participant's disadvantage. The only automatic partner
notice is the lapse of an intake deadline on an arrest diversion, and it carries status only.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from divert.accounts.models import Agency, User
from divert.accounts.roles import AgencyKind, Role
from divert.audit.log import log_event
from divert.notify.actions import notify
from divert.participants.actions import do_change_status, do_open_enrollment
from divert.participants.matching import possible_matches
from divert.participants.models import OPEN_STATUSES, Alias, Door, Enrollment, EnrollmentStatus, Person
from divert.privacy.policy import Category
from divert.protocol.eligibility import Facts, Outcome, judge
from divert.protocol.models import MAX_INTAKE_DEADLINE_DAYS, DiversionProtocol

from .models import (
    INTAKE_POSSIBLE,
    ChargeStatus,
    HandOff,
    OnCallShift,
    PossibleMatch,
    Referral,
    ReferralEvent,
    ReferralStatus,
)

MATCH_THRESHOLD = 0.75


class DuplicateSubmission(Exception):
    def __init__(self, referral: Referral):
        super().__init__(f"already received as {referral.reference}")
        self.referral = referral


def _event(referral: Referral, kind: str, actor=None, note: str = "", at: datetime | None = None) -> None:
    ReferralEvent.objects.create(referral=referral, kind=kind, actor=actor, note=note, at=at or timezone.now())


def _audit(action: str, referral: Referral, *, actor=None, request=None, details: dict | None = None) -> None:
    log_event(action, request=request, actor=actor, person=referral.person, target=referral,
              category=Category.REFERRAL, details={"reference": referral.reference, **(details or {})})


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


# --- Who may act -------------------------------------------------------------------------------------------------

def is_case_team(user, referral: Referral) -> bool:
    seat = user.seat
    return bool(seat and seat.role in (Role.CASE_MANAGER, Role.SUPERVISOR, Role.OUTREACH)
                and referral.provider_id in (None, seat.agency_id))


def may_decide(user, referral: Referral) -> bool:
    """Only the approver the protocol names decides a social contact or community referral."""
    seat = user.seat
    if seat is None or referral.door == Door.ARREST_DIVERSION or seat.role != referral.approver_role:
        return False
    if seat.role == Role.SERGEANT:
        return referral.referring_agency_id == seat.agency_id or referral.door == Door.COMMUNITY
    return True


def may_manage_intake(user, referral: Referral) -> bool:
    """Extending the deadline or closing the referral: the case-management team, or the project manager."""
    return is_case_team(user, referral) or user.has_role(Role.PROJECT_MANAGER)


def may_review(user, referral: Referral) -> bool:
    return referral.door == Door.ARREST_DIVERSION and user.has_role(Role.PROSECUTOR)


# --- Capacity ------------------------------------------------------------------------------------------------

def capacity_remaining(protocol: DiversionProtocol) -> int:
    """Open places under the caseload maximum across every active case manager at a provider."""
    case_managers = User.objects.filter(
        is_active=True, memberships__active=True, memberships__role=Role.CASE_MANAGER,
        memberships__agency__kind=AgencyKind.PROVIDER, memberships__agency__active=True,
    ).annotate(open_cases=Count("caseload", filter=Q(caseload__status__in=OPEN_STATUSES), distinct=True))
    return sum(max(protocol.caseload_maximum - cm.open_cases, 0) for cm in case_managers)


# --- Referring -----------------------------------------------------------------------------------------------

@dataclass
class PersonDescription:
    first_name: str
    last_name: str = ""
    aliases: str = ""
    date_of_birth: date | None = None
    approximate_age: int | None = None
    description: str = ""


def _default_provider() -> Agency | None:
    providers = list(Agency.objects.filter(kind=AgencyKind.PROVIDER, active=True)[:2])
    return providers[0] if len(providers) == 1 else None


def do_refer(*, door: str, protocol: DiversionProtocol, person: PersonDescription, actor=None, request=None,
             submission_key: uuid.UUID | None = None, offenses=(), answers: dict | None = None,
             extra: dict | None = None) -> Referral:
    """Record a referral through any door, judged by `protocol`. Raises DuplicateSubmission on a double tap."""
    if submission_key is not None:
        existing = Referral.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            raise DuplicateSubmission(existing)
    if not protocol.is_door_open(door):
        raise ValidationError(_("The protocol in effect does not take referrals through this door."))
    extra = extra or {}
    now = timezone.now()
    facts = Facts(door=door, referred_on=timezone.localdate(now), offense_codes=[o.code for o in offenses],
                  date_of_birth=person.date_of_birth, approximate_age=person.approximate_age,
                  area=extra.get("area", ""), answers=answers or {},
                  latitude=float(extra["latitude"]) if extra.get("latitude") is not None else None,
                  longitude=float(extra["longitude"]) if extra.get("longitude") is not None else None)
    judgement = judge(protocol, facts)
    if judgement.outcome == Outcome.INELIGIBLE:
        status = ReferralStatus.INELIGIBLE
    elif door == Door.ARREST_DIVERSION:
        status = ReferralStatus.PENDING_INTAKE  # the charge is held while intake happens; the prosecutor reviews
    else:
        status = ReferralStatus.AWAITING_APPROVAL
    seat = actor.seat if actor is not None else None
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                door=door, protocol=protocol, status=status, referred_at=now, status_changed_at=now,
                status_reason="; ".join(judgement.reasons),
                first_name=person.first_name, last_name=person.last_name, aliases=person.aliases,
                date_of_birth=person.date_of_birth, approximate_age=person.approximate_age,
                description=person.description, referred_by=actor,
                referring_agency=seat.agency if seat else None,
                eligibility=judgement.outcome, findings=[f.as_dict() for f in judgement.findings],
                answers=answers or {}, approver_role=protocol.approver_for(door),
                charge_status=ChargeStatus.HELD if door == Door.ARREST_DIVERSION and status != ReferralStatus.INELIGIBLE
                else "",
                provider=_default_provider(), submission_key=submission_key, **extra,
            )
            referral.offenses.set(offenses)
            _event(referral, ReferralEvent.Kind.CREATED, actor, judgement.label, at=now)
            _audit("divert.referral.created", referral, actor=actor, request=request,
                   details={"door": door, "eligibility": judgement.outcome, "protocol_version": protocol.version})
            _record_matches(referral)
            if status != ReferralStatus.INELIGIBLE:
                _tell_approvers(referral)
    except IntegrityError:
        # Two taps raced past the first check; the unique key kept one.
        existing = Referral.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        raise DuplicateSubmission(existing) from None
    return referral


def _record_matches(referral: Referral) -> None:
    aliases = [a.strip() for a in referral.aliases.split(",") if a.strip()]
    matches = possible_matches(referral.first_name, referral.last_name, date_of_birth=referral.date_of_birth,
                               approximate_age=referral.approximate_age, aliases=aliases)
    PossibleMatch.objects.bulk_create([
        PossibleMatch(referral=referral, person=m.person, score=round(m.score, 3), reasons=list(m.reasons))
        for m in matches if m.score >= MATCH_THRESHOLD
    ])


def _approvers(referral: Referral):
    role = referral.approver_role
    users = User.objects.filter(is_active=True, memberships__active=True, memberships__role=role)
    if role == Role.SERGEANT and referral.door != Door.COMMUNITY and referral.referring_agency_id:
        users = users.filter(memberships__agency_id=referral.referring_agency_id)
    return users.distinct()


def _tell_approvers(referral: Referral) -> None:
    if referral.door == Door.ARREST_DIVERSION:
        title = _("Arrest diversion %(ref)s awaits your review") % {"ref": referral.reference}
        kind = "divert.referral.review_requested"
    else:
        title = _("Referral %(ref)s awaits your approval") % {"ref": referral.reference}
        kind = "divert.referral.approval_requested"
    notify(list(_approvers(referral)), kind=kind, title=title, url=_url("referral", referral.pk),
           channels=("inbox", "email"), dedupe_key=f"{kind}:{referral.pk}")


# --- Warm hand-off -------------------------------------------------------------------------------------------

def on_call_now(moment: datetime | None = None, provider: Agency | None = None) -> list[User]:
    moment = moment or timezone.now()
    shifts = OnCallShift.objects.select_related("case_manager").filter(case_manager__is_active=True)
    if provider is not None:
        shifts = shifts.filter(provider=provider)
    seen, people = set(), []
    for shift in shifts:
        if shift.covers(moment) and shift.case_manager_id not in seen:
            seen.add(shift.case_manager_id)
            people.append(shift.case_manager)
    return people


@transaction.atomic
def do_request_handoff(referral: Referral, *, actor, request=None) -> HandOff:
    referral = _locked(referral)  # two taps at once: the second waits here and finds the first hand-off
    if referral.status not in (ReferralStatus.PENDING_INTAKE, ReferralStatus.AWAITING_APPROVAL):
        raise ValidationError(_("A case manager can only be requested for a referral that is going ahead."))
    existing = HandOff.objects.filter(referral=referral).first()
    if existing is not None:
        return existing
    paged = on_call_now(provider=referral.provider)
    fallback = not paged
    if fallback:
        # Nobody on the roster: page the supervisors (the referral's provider's, once it has one).
        supervisors = Q(memberships__active=True, memberships__role=Role.SUPERVISOR)
        if referral.provider_id:
            supervisors &= Q(memberships__agency_id=referral.provider_id)
        paged = list(User.objects.filter(supervisors, is_active=True).distinct())
    handoff = HandOff.objects.create(referral=referral, requested_by=actor,
                                     target_minutes=referral.protocol.handoff_target_minutes)
    handoff.paged.set(paged)
    _event(referral, ReferralEvent.Kind.HANDOFF_REQUESTED, actor,
           _("Paged %(n)s people%(fb)s.") % {"n": len(paged), "fb": _(" (nobody on call: supervisors)") if fallback
                                             else ""})
    _audit("divert.handoff.requested", referral, actor=actor, request=request,
           details={"paged": len(paged), "fallback_to_supervisors": fallback})
    where = referral.place or referral.area
    notify(paged, kind="divert.handoff.requested",
           title=_("Hand-off requested: an officer is waiting (%(ref)s%(where)s)")
           % {"ref": referral.reference, "where": f", {where}" if where else ""},
           url=_url("referral", referral.pk), dedupe_key=f"handoff:{handoff.pk}")
    return handoff


def _handoff_step(referral: Referral, *, field: str, actor, kind: str, action: str, request, requires: str | None):
    with transaction.atomic():
        handoff = HandOff.objects.select_for_update().get(referral=referral)
        if requires and getattr(handoff, f"{requires}_at") is None:
            raise ValidationError(_("That step comes later."))
        if getattr(handoff, f"{field}_at") is not None:
            return handoff
        setattr(handoff, f"{field}_at", timezone.now())
        setattr(handoff, f"{field}_by", actor)
        handoff.save()
        _event(referral, kind, actor)
        _audit(action, referral, actor=actor, request=request)
    return handoff


def do_acknowledge_handoff(referral: Referral, *, actor, request=None) -> HandOff:
    with transaction.atomic():
        handoff = _handoff_step(referral, field="acknowledged", actor=actor,
                                kind=ReferralEvent.Kind.HANDOFF_ACKNOWLEDGED, action="divert.handoff.acknowledged",
                                request=request, requires=None)
        seat = actor.seat
        # The first provider to answer an unrouted referral takes it; a later answer changes nothing.
        if seat is not None and seat.agency.kind == AgencyKind.PROVIDER and Referral.objects.filter(
                pk=referral.pk, provider__isnull=True).update(provider=seat.agency, updated_at=timezone.now()):
            _event(referral, ReferralEvent.Kind.PROVIDER_ASSIGNED, actor, seat.agency.name)
    notify([handoff.requested_by], kind="divert.handoff.acknowledged",
           title=_("A case manager is on the way (%(ref)s)") % {"ref": referral.reference},
           url=_url("referral", referral.pk), channels=("inbox", "sms"), dedupe_key=f"handoff-ack:{handoff.pk}")
    return handoff


def do_mark_arrived(referral: Referral, *, actor, request=None) -> HandOff:
    return _handoff_step(referral, field="arrived", actor=actor, kind=ReferralEvent.Kind.HANDOFF_ARRIVED,
                         action="divert.handoff.arrived", request=request, requires="acknowledged")


def do_transfer_custody(referral: Referral, *, actor, request=None) -> HandOff:
    return _handoff_step(referral, field="custody_transferred", actor=actor,
                         kind=ReferralEvent.Kind.CUSTODY_TRANSFERRED, action="divert.handoff.custody_transferred",
                         request=request, requires="arrived")


# --- Approval and prosecutor review --------------------------------------------------------------------------

def _set_status(referral: Referral, status: str, reason: str = "") -> None:
    referral.status = status
    referral.status_reason = reason
    referral.status_changed_at = timezone.now()


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


@transaction.atomic
def do_decide(referral: Referral, *, actor, approve: bool, reason: str = "", checks: dict | None = None,
              provider: Agency | None = None, request=None) -> Referral:
    """The named approver approves a social contact or community referral, or finds it not eligible."""
    referral = _locked(referral)
    if referral.status not in (ReferralStatus.AWAITING_APPROVAL, ReferralStatus.INELIGIBLE) or referral.decided_at:
        raise ValidationError(_("This referral has already been decided."))
    if not may_decide(actor, referral):
        raise ValidationError(_("Only the approver the protocol names decides this referral."))
    reason = reason.strip()
    overriding = approve and referral.eligibility == Outcome.INELIGIBLE
    if (not approve or overriding) and not reason:
        raise ValidationError(_("Give the reason."))
    if approve:
        missing = [key for key, value in (checks or {}).items() if not value]
        if missing:
            raise ValidationError(_("Confirm every review check before approving."))
        if referral.protocol.capacity_gate and capacity_remaining(referral.protocol) <= 0:
            raise ValidationError(_("No caseload capacity remains: the protocol approves social contact and "
                                    "community referrals only while case managers have room."))
    referral.decided_by, referral.decided_at, referral.decision_reason = actor, timezone.now(), reason
    referral.review_checks = checks or {}
    referral.overrode_protocol = overriding
    if provider is not None:
        referral.provider = provider
    if approve:
        _set_status(referral, ReferralStatus.PENDING_INTAKE, reason)
        _event(referral, ReferralEvent.Kind.APPROVED, actor, reason)
    else:
        _set_status(referral, ReferralStatus.INELIGIBLE, reason)
        _event(referral, ReferralEvent.Kind.FOUND_INELIGIBLE, actor, reason)
    referral.save()
    _audit("divert.referral.approved" if approve else "divert.referral.found_ineligible", referral, actor=actor,
           request=request, details={"overrode_protocol": overriding})
    return referral


@transaction.atomic
def do_review(referral: Referral, *, actor, accept: bool, reason: str = "", checks: dict | None = None,
              request=None) -> Referral:
    """The liaison prosecutor accepts the diversion (the charge stays held) or finds it not eligible."""
    referral = _locked(referral)
    if not may_review(actor, referral):
        raise ValidationError(_("Only the liaison prosecutor reviews arrest diversions."))
    if referral.charge_status != ChargeStatus.HELD or referral.decided_at:
        raise ValidationError(_("This diversion has already been reviewed."))
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError(_("Give the reason it is not eligible."))
    if accept and any(not v for v in (checks or {}).values()):
        raise ValidationError(_("Confirm every review check before accepting."))
    referral.decided_by, referral.decided_at, referral.decision_reason = actor, timezone.now(), reason
    referral.review_checks = checks or {}
    if accept:
        referral.overrode_protocol = referral.eligibility == Outcome.INELIGIBLE
        referral.charge_status = ChargeStatus.ACCEPTED
        _event(referral, ReferralEvent.Kind.REVIEW_ACCEPTED, actor, reason)
    else:
        referral.charge_status = ChargeStatus.NOT_ELIGIBLE
        if referral.status in INTAKE_POSSIBLE or referral.status == ReferralStatus.AWAITING_APPROVAL:
            _set_status(referral, ReferralStatus.INELIGIBLE, reason)
        _event(referral, ReferralEvent.Kind.REVIEW_NOT_ELIGIBLE, actor, reason)
    referral.save()
    _audit("divert.referral.review_accepted" if accept else "divert.referral.review_not_eligible", referral,
           actor=actor, request=request)
    return referral


CHARGE_DECISIONS = {
    "file": (ChargeStatus.FILED, ReferralEvent.Kind.CHARGE_FILED, "divert.referral.charge_filed"),
    "hold": (None, ReferralEvent.Kind.CHARGE_KEPT_HELD, "divert.referral.charge_kept_held"),
    "decline": (ChargeStatus.DECLINED, ReferralEvent.Kind.CHARGE_DECLINED, "divert.referral.charge_declined"),
}


@transaction.atomic
def do_charge_decision(referral: Referral, *, actor, decision: str, reason: str = "", request=None) -> Referral:
    """After a lapse the prosecutor decides: file, keep holding, or decline. Nothing does this on its own."""
    referral = _locked(referral)
    if not may_review(actor, referral):
        raise ValidationError(_("Only the liaison prosecutor decides about the held charge."))
    if referral.status != ReferralStatus.INTAKE_LAPSED:
        raise ValidationError(_("A decision on the charge is recorded only after the intake deadline lapses."))
    if referral.charge_status in (ChargeStatus.FILED, ChargeStatus.DECLINED, ChargeStatus.NOT_ELIGIBLE):
        raise ValidationError(_("The charge has already been decided."))
    if decision not in CHARGE_DECISIONS:
        raise ValidationError(_("Choose file, keep holding or decline."))
    charge_status, kind, action = CHARGE_DECISIONS[decision]
    if charge_status:
        referral.charge_status = charge_status
    referral.save()
    _event(referral, kind, actor, reason.strip())
    _audit(action, referral, actor=actor, request=request)
    return referral


@transaction.atomic
def do_extend_deadline(referral: Referral, *, actor, days: int, reason: str, request=None) -> Referral:
    """Extend the intake deadline (a hospital stay, a jail hold). The total never passes the 30-day cap."""
    referral = _locked(referral)
    if referral.status not in INTAKE_POSSIBLE:
        raise ValidationError(_("Only a referral awaiting intake has a deadline to extend."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the extension."))
    total = referral.protocol.intake_deadline_days + referral.deadline_extension_days + days
    if days < 1 or total > MAX_INTAKE_DEADLINE_DAYS:
        raise ValidationError(_("The deadline cannot be more than %(max)s days after the referral.")
                              % {"max": MAX_INTAKE_DEADLINE_DAYS})
    referral.deadline_extension_days += days
    referral.deadline_extension_reason = reason.strip()
    if referral.status == ReferralStatus.INTAKE_LAPSED and not referral.deadline_passed():
        _set_status(referral, ReferralStatus.PENDING_INTAKE, reason.strip())
    referral.save()
    _event(referral, ReferralEvent.Kind.DEADLINE_EXTENDED, actor, _("%(days)s days: %(reason)s")
           % {"days": days, "reason": reason.strip()})
    _audit("divert.referral.deadline_extended", referral, actor=actor, request=request, details={"days": days})
    return referral


# --- Case-management team: matches, intake, declines ----------------------------------------------------------

@transaction.atomic
def do_link_person(referral: Referral, match: PossibleMatch, *, actor, request=None) -> Referral:
    referral = _locked(referral)
    if referral.enrollment_id:
        raise ValidationError(_("Intake is complete; the person is already linked."))
    referral.person = match.person
    referral.save(update_fields=["person", "updated_at"])
    PossibleMatch.objects.filter(pk=match.pk).update(state=PossibleMatch.State.LINKED, decided_by=actor,
                                                     decided_at=timezone.now())
    PossibleMatch.objects.filter(referral=referral, state=PossibleMatch.State.OPEN).exclude(pk=match.pk).update(
        state=PossibleMatch.State.DISMISSED, decided_by=actor, decided_at=timezone.now())
    _event(referral, ReferralEvent.Kind.PERSON_LINKED, actor)
    _audit("divert.referral.person_linked", referral, actor=actor, request=request, details={"score": match.score})
    return referral


@transaction.atomic
def do_dismiss_match(referral: Referral, match: PossibleMatch, *, actor, request=None) -> None:
    if not PossibleMatch.objects.filter(pk=match.pk, state=PossibleMatch.State.OPEN).update(
            state=PossibleMatch.State.DISMISSED, decided_by=actor, decided_at=timezone.now()):
        raise ValidationError(_("Someone has already decided this match."))
    _event(referral, ReferralEvent.Kind.MATCH_DISMISSED, actor)
    _audit("divert.referral.match_dismissed", referral, actor=actor, request=request)


def _person_from(referral: Referral) -> Person:
    person = Person.objects.create(first_name=referral.first_name, last_name=referral.last_name or "",
                                   date_of_birth=referral.date_of_birth, approximate_age=referral.approximate_age,
                                   description=referral.description)
    for name in [a.strip() for a in referral.aliases.split(",") if a.strip()]:
        Alias.objects.create(person=person, name=name[:200])
    return person


@transaction.atomic
def do_complete_intake(referral: Referral, *, actor, provider: Agency, case_manager: User | None, intake_on: date,
                       request=None) -> Enrollment:
    """Minimal intake: the person exists (linked or created from the referral) and their enrollment is active."""
    referral = _locked(referral)
    if referral.status not in INTAKE_POSSIBLE:
        raise ValidationError(_("This referral is not awaiting intake."))
    if referral.charge_status in (ChargeStatus.FILED, ChargeStatus.NOT_ELIGIBLE):
        raise ValidationError(_("The prosecutor has decided the charge; intake through this referral is closed."))
    referred_on = timezone.localdate(referral.referred_at)
    if intake_on < referred_on or intake_on > timezone.localdate():
        raise ValidationError(_("The intake date must be between the referral date and today."))
    person = referral.person or _person_from(referral)
    enrollment = referral.enrollment
    if enrollment is None or enrollment.status != EnrollmentStatus.PENDING_INTAKE:
        enrollment = do_open_enrollment(person, door=referral.door, provider=provider, referred_on=referred_on,
                                        actor=actor, case_manager=case_manager, request=request)
    do_change_status(enrollment, EnrollmentStatus.ACTIVE, actor=actor, effective_on=intake_on,
                     reason=_("Intake completed (%(ref)s)") % {"ref": referral.reference}, request=request)
    late = referral.status == ReferralStatus.INTAKE_LAPSED
    referral.person, referral.enrollment, referral.provider = person, enrollment, provider
    referral.intake_completed_at = timezone.now()
    _set_status(referral, ReferralStatus.ENROLLED, _("Intake completed after the deadline") if late else "")
    referral.save()
    _event(referral, ReferralEvent.Kind.INTAKE_COMPLETED, actor, _("after the deadline") if late else "")
    _audit("divert.referral.intake_completed", referral, actor=actor, request=request, details={"late": late})
    enrollment.refresh_from_db()
    return enrollment


@transaction.atomic
def do_close(referral: Referral, *, actor, outcome: str, reason: str, request=None) -> Referral:
    """The person declined, or the referral is withdrawn (a mistake, a duplicate)."""
    referral = _locked(referral)
    if outcome not in (ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN):
        raise ValidationError(_("Unknown outcome."))
    if not referral.is_open:
        raise ValidationError(_("This referral is already closed."))
    if not reason.strip():
        raise ValidationError(_("Give the reason."))
    _set_status(referral, outcome, reason.strip())
    referral.save()
    kind = ReferralEvent.Kind.DECLINED if outcome == ReferralStatus.DECLINED else ReferralEvent.Kind.WITHDRAWN
    _event(referral, kind, actor, reason.strip())
    _audit(f"divert.referral.{outcome}", referral, actor=actor, request=request)
    return referral


# --- Periodic: reminders and lapses (run by `divert tick`) ----------------------------------------------------

def _outreach_for(referral: Referral):
    users = User.objects.filter(is_active=True, memberships__active=True,
                                memberships__role__in=[Role.OUTREACH, Role.SUPERVISOR])
    if referral.provider_id:
        users = users.filter(memberships__agency_id=referral.provider_id)
    return users.distinct()


def send_intake_reminders(now: datetime | None = None) -> int:
    """Remind outreach staff before an intake deadline lapses (days from settings). Safe to run repeatedly."""
    now = now or timezone.now()
    sent = 0
    pending = Referral.objects.filter(status=ReferralStatus.PENDING_INTAKE).select_related("protocol")
    for referral in pending.iterator():
        left = referral.days_left(now)
        # The nearest reminder day at or above the days left: a tick that missed a day still reminds, once.
        due = [d for d in settings.DIVERT_INTAKE_REMINDER_DAYS if d >= left]
        if not due or referral.deadline_passed(now):
            continue
        step = min(due)
        title = _("Intake for %(ref)s is due in %(days)s days") % {"ref": referral.reference, "days": left} if left \
            else _("Intake for %(ref)s is due today") % {"ref": referral.reference}
        rows = notify(list(_outreach_for(referral)), kind="divert.intake.reminder", title=title,
                      url=_url("referral", referral.pk), channels=("inbox", "email"),
                      dedupe_key=f"intake-reminder:{referral.pk}:{step}")
        if rows:
            _event(referral, ReferralEvent.Kind.REMINDER_SENT, None, title, at=now)
            sent += 1
    return sent


def record_lapses(now: datetime | None = None) -> int:
    """Mark referrals whose intake deadline passed; tell the prosecutor for arrest diversions (status only)."""
    now = now or timezone.now()
    lapsed = 0
    pending = Referral.objects.filter(status=ReferralStatus.PENDING_INTAKE).select_related("protocol")
    for referral in pending.iterator():
        if not referral.deadline_passed(now):
            continue
        with transaction.atomic():
            locked = _locked(referral)
            if locked.status != ReferralStatus.PENDING_INTAKE:
                continue
            _set_status(locked, ReferralStatus.INTAKE_LAPSED, _("Intake not completed by the deadline"))
            locked.intake_lapsed_at = now
            locked.save()
            _event(locked, ReferralEvent.Kind.INTAKE_LAPSED, None, at=now)
            _audit("divert.referral.intake_lapsed", locked)
            if locked.door == Door.ARREST_DIVERSION and locked.charge_status in (ChargeStatus.HELD,
                                                                                  ChargeStatus.ACCEPTED):
                prosecutors = User.objects.filter(is_active=True, memberships__active=True,
                                                  memberships__role=Role.PROSECUTOR).distinct()
                notify(list(prosecutors), kind="divert.intake.lapsed",
                       title=_("Intake not completed by the deadline: %(ref)s") % {"ref": locked.reference},
                       url=_url("referral", locked.pk), channels=("inbox", "email"),
                       dedupe_key=f"intake-lapsed:{locked.pk}")
        lapsed += 1
    return lapsed
