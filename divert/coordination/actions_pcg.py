"""Writes of the Policy Coordinating Group area, each one transaction with its audit event; who may read and
write; and the renewal reminders `divert tick` sends.

The PCG works on policy, not people: nothing written here is about a participant, and the audit details carry
identifiers and dates, never free text.
"""

import uuid
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from divert.accounts.models import Agency
from divert.accounts.roles import Role
from divert.audit.log import log_event
from divert.coordination.models.pcg import (
    Agreement,
    AgreementParty,
    AgreementSignatory,
    Outcome,
    PCGAttendance,
    PCGDecision,
    PCGMeeting,
    PCGMember,
    PCGPosition,
    PCGRepresentative,
    PCGRules,
    PolicyDocument,
    PolicyDocumentVersion,
    Stance,
    outcome_of,
    quorum_needed,
)
from divert.notify.actions import notify
from divert.protocol import actions as protocol_actions
from divert.protocol.models import DiversionProtocol

STALE_MESSAGE = _("This was changed by someone else since you opened it. Nothing was saved; "
                  "check what it says now and try again.")
# Days before the renewal date on which the project manager is reminded (0: on the day).
RENEWAL_REMINDER_DAYS = (90, 30, 7, 0)
# A renewal date this far behind still gets its "due today" reminder once (a tick that was down for a while).
RENEWAL_CATCH_UP_DAYS = 30
# Agreements listed as due for renewal on the PCG page.
RENEWAL_HORIZON_DAYS = 90

# Seats that read the PCG pages whatever their agency: the project manager runs the group, the site
# administrator keeps the site, the evaluator reports to the group.
READERS_AT_ANY_AGENCY = frozenset({Role.PROJECT_MANAGER, Role.SITE_ADMIN, Role.EVALUATOR})


class StaleEdit(ValidationError):
    """Someone else saved after the form was opened."""

    def __init__(self):
        super().__init__(STALE_MESSAGE, code="stale")


# --- Who may do what ------------------------------------------------------------------------------------------

def may_read_pcg(user) -> bool:
    """Decisions and documents are the program's governance record among its partners: every seat of a current
    member agency reads them, as do the project manager, the site administrator and the evaluator."""
    seat = user.seat if user.is_authenticated and user.is_active else None
    if seat is None:
        return False
    if seat.role in READERS_AT_ANY_AGENCY:
        return True
    return PCGMember.objects.current().filter(agency_id=seat.agency_id).exists()


def may_write_pcg(user) -> bool:
    return user.is_authenticated and user.has_role(Role.PROJECT_MANAGER)


# --- Small helpers --------------------------------------------------------------------------------------------

def _locked(obj, if_unchanged_since: datetime | None = None):
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if if_unchanged_since is not None and locked.updated_at != if_unchanged_since:
        raise StaleEdit()
    return locked


def _apply(obj, fields: dict, allowed: tuple[str, ...]) -> list[str]:
    changed = [name for name in allowed if name in fields and getattr(obj, name) != fields[name]]
    for name in changed:
        setattr(obj, name, fields[name])
    return changed


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def members_on(day: date):
    return PCGMember.objects.on(day).select_related("agency")


def _unlocked_meeting(meeting: PCGMeeting, if_unchanged_since: datetime | None = None) -> PCGMeeting:
    meeting = _locked(meeting, if_unchanged_since)
    if meeting.minutes_approved:
        raise ValidationError(_("The minutes of this meeting are approved: its record cannot change."),
                              code="locked")
    return meeting


def _require_consensus(decision: PCGDecision, field: str, what: str) -> None:
    if decision.outcome != Outcome.CONSENSUS:
        raise ValidationError({field: _("Only a decision reached by consensus can %(what)s. %(ref)s: %(outcome)s.")
                               % {"what": what, "ref": decision.reference, "outcome": decision.outcome.label}})


# --- Rules and members ----------------------------------------------------------------------------------------

@transaction.atomic
def do_set_quorum_rule(*, actor, quorum: str, request=None) -> PCGRules:
    existing = PCGRules.objects.select_for_update().filter(pk=1).first()
    if existing is not None and existing.quorum == quorum:
        return existing
    before = existing.quorum if existing is not None else None
    rules = existing or PCGRules(pk=1)
    rules.quorum = quorum
    rules.full_clean()
    rules.save()
    log_event("divert.pcg.rules.changed", request=request, actor=actor, target=rules,
              details={"quorum": {"from": before, "to": quorum}})
    return rules


@transaction.atomic
def do_add_member(*, actor, agency: Agency, joined_on: date, note: str = "", request=None) -> PCGMember:
    Agency.objects.select_for_update().filter(pk=agency.pk).first()  # two adds of one agency queue up
    overlapping = PCGMember.objects.filter(agency=agency).exclude(left_on__isnull=False, left_on__lte=joined_on)
    if overlapping.exists():
        raise ValidationError({"agency": _("%(agency)s is already a member on that date.") % {"agency": agency}})
    member = PCGMember(agency=agency, joined_on=joined_on, note=note.strip())
    member.full_clean()
    member.save()
    log_event("divert.pcg.member.added", request=request, actor=actor, target=member,
              details={"agency": agency.pk, "joined_on": joined_on.isoformat()})
    return member


@transaction.atomic
def do_change_member(member: PCGMember, *, actor, if_unchanged_since: datetime | None, request=None,
                     **fields) -> list[str]:
    """Record that an agency left (or correct its dates or note)."""
    member = _locked(member, if_unchanged_since)
    if "note" in fields:
        fields["note"] = fields["note"].strip()
    before = {name: getattr(member, name) for name in ("joined_on", "left_on", "note")}
    changed = _apply(member, fields, ("joined_on", "left_on", "note"))
    if not changed:
        return []
    member.full_clean()
    others = PCGMember.objects.filter(agency_id=member.agency_id).exclude(pk=member.pk)
    for other in others:
        ends, other_ends = member.left_on or date.max, other.left_on or date.max
        if member.joined_on < other_ends and other.joined_on < ends:
            raise ValidationError({"joined_on": _("These dates overlap another membership of the same agency.")})
    member.save()
    log_event("divert.pcg.member.changed", request=request, actor=actor, target=member,
              details={"agency": member.agency_id, "fields": changed,
                       "changes": {name: {"from": _iso(before[name]), "to": _iso(getattr(member, name))}
                                   for name in changed if name != "note"}})
    return changed


@transaction.atomic
def do_add_representative(member: PCGMember, *, actor, name: str, kind: str, title: str = "", email: str = "",
                          phone: str = "", user=None, request=None) -> PCGRepresentative:
    name = " ".join(name.split()) or (user.get_full_name() if user is not None else "")
    existing = member.representatives.filter(name__iexact=name).first()
    if existing is not None:
        if (existing.kind, existing.title, existing.user_id) == (kind, title.strip(), getattr(user, "pk", None)):
            return existing  # the same form sent twice
        raise ValidationError({"name": _("%(name)s is already listed for this agency.") % {"name": name}})
    representative = PCGRepresentative(member=member, kind=kind, user=user, name=name, title=title.strip(),
                                       email=email.strip(), phone=phone.strip())
    representative.full_clean()
    representative.save()
    log_event("divert.pcg.representative.added", request=request, actor=actor, target=representative,
              details={"member": member.pk, "agency": member.agency_id, "kind": kind,
                       "has_account": user is not None})
    return representative


@transaction.atomic
def do_remove_representative(representative: PCGRepresentative, *, actor, request=None) -> None:
    deleted, _count = PCGRepresentative.objects.filter(pk=representative.pk).delete()
    if deleted:  # a second tap finds nothing to remove and logs nothing
        log_event("divert.pcg.representative.removed", request=request, actor=actor,
                  details={"member": representative.member_id, "kind": representative.kind})


# --- Meetings -------------------------------------------------------------------------------------------------

MEETING_FIELDS = ("held_on", "starts_at", "place", "agenda", "minutes")


def do_schedule_meeting(*, actor, held_on: date, place: str, starts_at=None, agenda: str = "",
                        submission_key: uuid.UUID | None = None, request=None) -> tuple[PCGMeeting, bool]:
    """A meeting, planned or already held; (meeting, created). The same form sent twice gives the first back."""
    if submission_key is not None:
        existing = PCGMeeting.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    meeting = PCGMeeting(held_on=held_on, starts_at=starts_at, place=place.strip(), agenda=agenda.strip(),
                         created_by=actor, submission_key=submission_key or uuid.uuid4())
    meeting.full_clean()
    try:
        with transaction.atomic():
            meeting.save()
            log_event("divert.pcg.meeting.scheduled", request=request, actor=actor, target=meeting,
                      details={"held_on": held_on.isoformat()})
    except IntegrityError:
        existing = PCGMeeting.objects.filter(submission_key=meeting.submission_key).first()
        if existing is None:
            raise ValidationError({"held_on": _("A meeting is already recorded on that day.")}) from None
        return existing, False
    return meeting, True


@transaction.atomic
def do_change_meeting(meeting: PCGMeeting, *, actor, if_unchanged_since: datetime | None, request=None,
                      **fields) -> list[str]:
    meeting = _unlocked_meeting(meeting, if_unchanged_since)
    for name in ("place", "agenda", "minutes"):
        if name in fields:
            fields[name] = fields[name].strip()
    changed = _apply(meeting, fields, MEETING_FIELDS)
    if not changed:
        return []
    if "held_on" in changed and (meeting.attendance.exists() or meeting.decisions.exists()):
        raise ValidationError({"held_on": _("Attendance or decisions are recorded for this meeting: its date "
                                            "cannot change.")})
    meeting.full_clean()
    meeting.save()
    log_event("divert.pcg.meeting.changed", request=request, actor=actor, target=meeting,
              details={"held_on": meeting.held_on.isoformat(), "fields": changed})
    return changed


@transaction.atomic
def do_record_attendance(meeting: PCGMeeting, *, actor, represented: dict[int, str], request=None,
                         today: date | None = None) -> bool:
    """Which member agencies were represented: {member id: who came}. Returns whether anything changed."""
    meeting = _unlocked_meeting(meeting)
    if not meeting.has_happened(today):
        raise ValidationError(_("Attendance is recorded once the meeting has taken place."))
    eligible = {m.pk for m in members_on(meeting.held_on)}
    unknown = set(represented) - eligible
    if unknown:
        raise ValidationError(_("Only agencies that were members on the day of the meeting can be represented."))
    current = {a.member_id: a for a in meeting.attendance.all()}
    took_part = set(PCGPosition.objects.filter(decision__meeting=meeting).values_list("member_id", flat=True))
    dropped = set(current) - set(represented)
    if dropped & took_part:
        raise ValidationError(_("An agency that stated a position in a decision of this meeting was there: it "
                                "cannot be removed from the attendance."))
    changed = False
    for member_id in dropped:
        current[member_id].delete()
        changed = True
    for member_id, attendees in represented.items():
        attendees = " ".join(attendees.split())
        row = current.get(member_id)
        if row is None:
            PCGAttendance.objects.create(meeting=meeting, member_id=member_id, attendees=attendees)
            changed = True
        elif row.attendees != attendees:
            row.attendees = attendees
            row.save(update_fields=["attendees"])
            changed = True
    if changed:
        log_event("divert.pcg.attendance.recorded", request=request, actor=actor, target=meeting,
                  details={"held_on": meeting.held_on.isoformat(), "members": sorted(represented),
                           "eligible": len(eligible)})
    return changed


@transaction.atomic
def do_approve_minutes(meeting: PCGMeeting, *, actor, approved_on: date, request=None) -> PCGMeeting:
    """The group approved the minutes (usually at its next meeting). From then on the meeting's record is final."""
    meeting = _unlocked_meeting(meeting)
    errors = {}
    if not meeting.minutes.strip():
        errors["approved_on"] = _("Write the minutes before recording their approval.")
    elif approved_on < meeting.held_on:
        errors["approved_on"] = _("Minutes cannot be approved before the meeting took place.")
    elif approved_on > timezone.localdate():
        errors["approved_on"] = _("The approval date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    PCGMeeting.objects.filter(pk=meeting.pk).update(minutes_approved_on=approved_on, minutes_approved_by=actor,
                                                    updated_at=timezone.now())
    meeting.refresh_from_db()
    log_event("divert.pcg.minutes.approved", request=request, actor=actor, target=meeting,
              details={"held_on": meeting.held_on.isoformat(), "approved_on": approved_on.isoformat()})
    return meeting


# --- Decisions ------------------------------------------------------------------------------------------------

def represented_members(meeting: PCGMeeting) -> list[PCGMember]:
    return [a.member for a in meeting.attendance.select_related("member__agency")]


def do_record_decision(meeting: PCGMeeting, *, actor, title: str, text: str,
                       positions: list[tuple[int, str, str]], protocol: DiversionProtocol | None = None,
                       protocol_effective_on: date | None = None, submission_key: uuid.UUID | None = None,
                       request=None, today: date | None = None) -> tuple[PCGDecision, bool]:
    """Record a decision with each represented agency's (member id, stance, note); (decision, created).

    A decision that approves a protocol version does so through the protocol's own approval, with this decision
    as its record, and only when it reached consensus; otherwise nothing is recorded.
    """
    if submission_key is not None:
        existing = PCGDecision.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if existing.meeting_id != meeting.pk:
                raise ValidationError(_("This form was already used for another decision; open a new one."))
            return existing, False
    try:
        with transaction.atomic():
            return _record_decision(meeting, actor=actor, title=title, text=text, positions=positions,
                                    protocol=protocol, protocol_effective_on=protocol_effective_on,
                                    submission_key=submission_key or uuid.uuid4(), request=request,
                                    today=today), True
    except IntegrityError:
        # The same form arrived twice at once: the other request won.
        existing = PCGDecision.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False


def _record_decision(meeting, *, actor, title, text, positions, protocol, protocol_effective_on, submission_key,
                     request, today) -> PCGDecision:
    meeting = _unlocked_meeting(meeting)
    if not meeting.has_happened(today):
        raise ValidationError(_("Decisions are recorded once the meeting has taken place."))
    represented = {m.pk: m for m in represented_members(meeting)}
    if not represented:
        raise ValidationError(_("No member agency is recorded as represented at this meeting: record the "
                                "attendance first. A decision needs the agencies that took it."))
    given = {member_id: (stance, (note or "").strip()) for member_id, stance, note in positions}
    if len(given) != len(positions) or set(given) != set(represented):
        raise ValidationError(_("Give one position for each represented agency, and only for them."))
    errors = {}
    for member_id, (stance, note) in given.items():
        if stance not in Stance.values:
            errors[f"stance_{member_id}"] = _("Choose agree, stand aside or block.")
        elif stance == Stance.BLOCK and not note:
            errors[f"note_{member_id}"] = _("A block needs its reason.")
    if protocol is not None and protocol_effective_on is None:
        errors["protocol_effective_on"] = _("Say when the approved protocol version takes effect.")
    if errors:
        raise ValidationError(errors)

    rules = PCGRules.current()
    member_count = members_on(meeting.held_on).count()
    number = (meeting.decisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    decision = PCGDecision(meeting=meeting, number=number, title=" ".join(title.split()), text=text.strip(),
                           member_count=member_count, quorum_rule=rules.quorum,
                           quorum=quorum_needed(rules.quorum, member_count), protocol=protocol,
                           protocol_effective_on=protocol_effective_on if protocol else None,
                           submission_key=submission_key, recorded_by=actor)
    decision.full_clean(exclude=["recorded_by"])
    outcome = outcome_of([stance for stance, _note in given.values()], quorum=decision.quorum)
    if protocol is not None and outcome != Outcome.CONSENSUS:
        raise ValidationError({"protocol": _("Only a decision reached by consensus can approve a protocol version. "
                                             "This one: %(outcome)s.") % {"outcome": outcome.label}})
    decision.save()
    for member_id, (stance, note) in given.items():
        position = PCGPosition(decision=decision, member=represented[member_id], stance=stance, note=note)
        position.full_clean()
        position.save()
    log_event("divert.pcg.decision.recorded", request=request, actor=actor, target=decision,
              details={"held_on": meeting.held_on.isoformat(), "number": number, "outcome": outcome.value,
                       "positions": {str(k): v[0] for k, v in sorted(given.items())},
                       "members": member_count, "quorum": decision.quorum,
                       "protocol_version": protocol.version if protocol else None})
    if protocol is not None:
        _approve_protocol(decision, protocol, actor=actor, request=request)
    return decision


def _approve_protocol(decision: PCGDecision, protocol: DiversionProtocol, *, actor, request) -> None:
    if protocol.is_approved:
        raise ValidationError({"protocol": _("Protocol version %(v)s is already approved.") % {"v": protocol.version}})
    record = _("Policy Coordinating Group decision %(ref)s, meeting of %(date)s: %(title)s") % {
        "ref": decision.reference, "date": decision.meeting.held_on.isoformat(), "title": decision.title}
    try:
        protocol_actions.do_approve(protocol, actor=actor, approved_on=decision.meeting.held_on,
                                    effective_on=decision.protocol_effective_on, record=record, request=request)
    except ValidationError as e:
        names = {"effective_on": "protocol_effective_on", "record": "protocol", "__all__": "protocol"}
        if hasattr(e, "error_dict"):
            raise ValidationError({names.get(k, "protocol"): v for k, v in e.error_dict.items()}) from None
        raise ValidationError({"protocol": e.messages}) from None


# --- Policy documents -----------------------------------------------------------------------------------------

@transaction.atomic
def do_add_document(*, actor, title: str, kind: str, description: str = "", request=None) -> PolicyDocument:
    document = PolicyDocument(title=" ".join(title.split()), kind=kind, description=description.strip(),
                              created_by=actor)
    document.full_clean()
    document.save()
    log_event("divert.pcg.document.added", request=request, actor=actor, target=document, details={"kind": kind})
    return document


def do_adopt_document_version(document: PolicyDocument, *, actor, decision: PCGDecision, text: str = "",
                              file=None, summary: str = "", submission_key: uuid.UUID | None = None,
                              request=None) -> tuple[PolicyDocumentVersion, bool]:
    """A new version of a document, adopted by a consensus decision; (version, created)."""
    if submission_key is not None:
        existing = PolicyDocumentVersion.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    with transaction.atomic():
        PolicyDocument.objects.select_for_update().get(pk=document.pk)  # version numbers are handed out in turn
        _require_consensus(decision, "decision", _("adopt a document version"))
        latest = document.versions.order_by("-number").first()
        if latest is not None and latest.adopted_on > decision.meeting.held_on:
            raise ValidationError({"decision": _("Version %(n)s was adopted later, on %(date)s: a new version needs "
                                                 "a decision from then on.")
                                   % {"n": latest.number, "date": latest.adopted_on.isoformat()}})
        version = PolicyDocumentVersion(document=document, number=(latest.number if latest else 0) + 1,
                                        text=text.strip(), summary=" ".join(summary.split()), adopted_by=decision,
                                        created_by=actor, submission_key=submission_key or uuid.uuid4())
        if file:
            version.file = file
            version.file_size = file.size
        version.full_clean(exclude=["created_by"])
        version.save()
        log_event("divert.pcg.document.version_adopted", request=request, actor=actor, target=version,
                  details={"document": document.pk, "version": version.number, "decision": decision.pk,
                           "has_text": bool(version.text), "has_file": bool(version.file)})
    return version, True


# --- Agreements -----------------------------------------------------------------------------------------------

AGREEMENT_FIELDS = ("title", "effective_on", "renewal_on", "term", "notes")


def do_add_agreement(*, actor, kind: str, title: str, effective_on: date, renewal_on: date | None = None,
                     term: str = "", notes: str = "", submission_key: uuid.UUID | None = None,
                     request=None) -> tuple[Agreement, bool]:
    """An agreement, with a policy document of its own for its text and versions; (agreement, created)."""
    if submission_key is not None:
        existing = Agreement.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    title = " ".join(title.split())
    agreement = Agreement(kind=kind, title=title, effective_on=effective_on, renewal_on=renewal_on,
                          term=term.strip(), notes=notes.strip(), created_by=actor,
                          submission_key=submission_key or uuid.uuid4())
    agreement.full_clean()
    with transaction.atomic():
        document = PolicyDocument.objects.filter(title=title).first()
        if document is not None and Agreement.objects.filter(document=document).exists():
            raise ValidationError({"title": _("Another agreement already uses this title.")})
        if document is None:
            document = PolicyDocument.objects.create(title=title, kind=PolicyDocument.Kind.AGREEMENT,
                                                     created_by=actor)
        agreement.document = document
        agreement.save()
        log_event("divert.pcg.agreement.added", request=request, actor=actor, target=agreement,
                  details={"kind": kind, "effective_on": effective_on.isoformat(), "renewal_on": _iso(renewal_on)})
    return agreement, True


@transaction.atomic
def do_change_agreement(agreement: Agreement, *, actor, if_unchanged_since: datetime | None, request=None,
                        **fields) -> list[str]:
    """Change the dates (a renewal moves the renewal date on), the term or the notes."""
    agreement = _locked(agreement, if_unchanged_since)
    for name in ("title", "term", "notes"):
        if name in fields:
            fields[name] = " ".join(fields[name].split()) if name == "title" else fields[name].strip()
    before = {name: getattr(agreement, name) for name in ("effective_on", "renewal_on")}
    changed = _apply(agreement, fields, AGREEMENT_FIELDS)
    if not changed:
        return []
    agreement.full_clean()
    agreement.save()
    details = {"fields": changed}
    for name in ("effective_on", "renewal_on"):
        if name in changed:
            details[name] = {"from": _iso(before[name]), "to": _iso(getattr(agreement, name))}
    log_event("divert.pcg.agreement.changed", request=request, actor=actor, target=agreement, details=details)
    return changed


@transaction.atomic
def do_add_party(agreement: Agreement, *, actor, agency: Agency, commitments: str = "",
                 request=None) -> AgreementParty:
    if agreement.parties.filter(agency=agency).exists():
        raise ValidationError({"agency": _("%(agency)s is already a party.") % {"agency": agency}})
    party = AgreementParty(agreement=agreement, agency=agency, commitments=commitments.strip())
    party.full_clean()
    party.save()
    log_event("divert.pcg.agreement.party_added", request=request, actor=actor, target=agreement,
              details={"agency": agency.pk})
    return party


@transaction.atomic
def do_add_signatory(agreement: Agreement, *, actor, agency: Agency, name: str, title: str,
                     signed_on: date | None = None, request=None) -> AgreementSignatory:
    party = agreement.parties.filter(agency=agency).first()
    if party is None:
        raise ValidationError({"agency": _("%(agency)s is not a party to this agreement: add it as a party "
                                           "first.") % {"agency": agency}})
    name = " ".join(name.split())
    if signed_on is not None and signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("A signature cannot be dated in the future.")})
    existing = party.signatories.filter(name__iexact=name).first()
    if existing is not None:
        if (existing.title, existing.signed_on) == (" ".join(title.split()), signed_on):
            return existing  # the same form sent twice
        raise ValidationError({"name": _("%(name)s is already listed as a signatory for %(agency)s.")
                               % {"name": name, "agency": agency}})
    signatory = AgreementSignatory(party=party, name=name, title=" ".join(title.split()), signed_on=signed_on)
    signatory.full_clean()
    signatory.save()
    log_event("divert.pcg.agreement.signatory_added", request=request, actor=actor, target=agreement,
              details={"agency": agency.pk, "signed_on": _iso(signed_on)})
    return signatory


# --- Renewals -------------------------------------------------------------------------------------------------

def agreements_due_for_renewal(today: date | None = None, within: int = RENEWAL_HORIZON_DAYS) -> list[Agreement]:
    """Agreements whose renewal date falls within `within` days, or has passed without being moved on."""
    today = today or timezone.localdate()
    horizon = date.fromordinal(today.toordinal() + within)
    return list(Agreement.objects.filter(renewal_on__isnull=False, renewal_on__lte=horizon).order_by("renewal_on"))


def renewal_step(days_left: int) -> int | None:
    """The reminder due when `days_left` days remain: the nearest reminder day at or above it, so a missed tick
    still reminds, once. None when no reminder is due (too early, or long past)."""
    if days_left < -RENEWAL_CATCH_UP_DAYS:
        return None
    due = [step for step in RENEWAL_REMINDER_DAYS if step >= max(days_left, 0)]
    return min(due) if due else None


def _renewal_recipients() -> list:
    roles = [Role.PROJECT_MANAGER]
    if getattr(settings, "DIVERT_RENEWAL_REMINDERS_TO_SITE_ADMIN", False):
        roles.append(Role.SITE_ADMIN)
    users = get_user_model().objects.filter(is_active=True, memberships__active=True, memberships__agency__active=True,
                                            memberships__role__in=roles).distinct()
    return list(users)


def send_agreement_renewal_reminders(today: date | datetime | None = None) -> int:
    """Remind the project manager(s) 90, 30 and 7 days before an agreement's renewal date and on the day, each
    once (a missed day is caught up with the nearest reminder). Safe to run as often as `divert tick` runs.

    Takes a date, or the datetime `divert tick` passes. Returns the number of agreements reminded about. The
    message names the kind of agreement and the days left, nothing more; the agreement page says the rest.
    """
    if isinstance(today, datetime):
        today = timezone.localdate(today)
    today = today or timezone.localdate()
    recipients = _renewal_recipients()
    if not recipients:
        return 0
    sent = 0
    for agreement in agreements_due_for_renewal(today, within=max(RENEWAL_REMINDER_DAYS)):
        days_left = agreement.days_to_renewal(today)
        step = renewal_step(days_left)
        if step is None:
            continue
        kind = agreement.get_kind_display()
        if days_left > 0:
            title = _("%(kind)s: renewal due in %(days)s days") % {"kind": kind, "days": days_left}
        elif days_left == 0:
            title = _("%(kind)s: renewal due today") % {"kind": kind}
        else:
            title = _("%(kind)s: renewal date has passed") % {"kind": kind}
        if notify(recipients, kind="divert.pcg.agreement.renewal", title=title, url=agreement.get_absolute_url(),
                  channels=("inbox", "email"),
                  dedupe_key=f"pcg-renewal:{agreement.pk}:{agreement.renewal_on.isoformat()}:{step}"):
            sent += 1
    return sent
