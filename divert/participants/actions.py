"""Writes about people and enrollments. Each is one transaction that also writes its audit event."""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from divert.accounts.roles import Role
from divert.audit.log import log_event
from divert.participants.models import (
    ALLOWED_TRANSITIONS,
    OPEN_STATUSES,
    OPENING_STATUSES,
    Alias,
    CaseAssignment,
    Enrollment,
    EnrollmentStatus,
    EnrollmentStatusChange,
    ExitReason,
    Identifier,
    Person,
)

# The privacy policy's category names; spelled out because participants sits below privacy.
STATUS = "status"
IDENTITY = "identity"

# Relations to Person that a merge leaves where they are: the audit trail is append-only, and what
# was written about the duplicate stays written about it (its tombstone points at the survivor).
MERGE_LEAVES = {"audit.auditevent"}


class TransitionError(ValidationError):
    """A status change the program's rules do not allow."""


class StaleEnrollment(ValidationError):
    """Someone else changed the enrollment after the form was opened."""


class CaseloadLimitError(ValidationError):
    """The assignment would take a case manager beyond the caseload maximum without an override."""

    def __init__(self, message, *, caseload: int, maximum: int):
        super().__init__(message, code="caseload_maximum")
        self.caseload = caseload
        self.maximum = maximum


class MergeError(ValidationError):
    """These two records cannot be merged."""


def _check_unchanged(enrollment: Enrollment, if_unchanged_since: datetime | None) -> Enrollment:
    """Lock the enrollment and refuse when it changed after the caller read it."""
    locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if if_unchanged_since is not None and locked.updated_at != if_unchanged_since:
        raise StaleEnrollment(_("This enrollment was changed by someone else since you opened the form."),
                              code="stale")
    return locked


def _refresh(target: Enrollment, source: Enrollment) -> None:
    for f in Enrollment._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def do_open_enrollment(person: Person, *, door: str, provider, referred_on: date, actor, case_manager=None,
                       status: str = EnrollmentStatus.PENDING_INTAKE, request=None) -> Enrollment:
    if status not in OPENING_STATUSES:
        raise TransitionError(_("An enrollment opens as pending intake or active."), code="bad_opening")
    if person.merged_into_id is not None:
        raise ValidationError(_("This record was merged into another person; enroll the survivor."), code="tombstone")
    today = timezone.localdate()
    with transaction.atomic():
        enrollment = Enrollment.objects.create(
            person=person, door=door, provider=provider, case_manager=case_manager, status=status,
            referred_on=referred_on, enrolled_on=today if status == EnrollmentStatus.ACTIVE else None,
        )
        EnrollmentStatusChange.objects.create(enrollment=enrollment, from_status="", to_status=status,
                                              effective_on=today if status == EnrollmentStatus.ACTIVE else referred_on,
                                              changed_by=actor, reason=_("Enrollment opened"))
        CaseAssignment.objects.create(enrollment=enrollment, provider=provider, case_manager=case_manager,
                                      assigned_by=actor)
        log_event("divert.enrollment.opened", request=request, actor=actor, person=person, target=enrollment,
                  category=STATUS, details={"door": door, "provider_id": provider.pk, "status": status,
                                            "case_manager_id": getattr(case_manager, "pk", None)})
    return enrollment


def transition_refusal(from_status: str, to_status: str) -> str | None:
    """Why this change is refused, or None when the rules allow it."""
    labels = dict(EnrollmentStatus.choices)
    if to_status not in labels:
        return _("“%(status)s” is not a status in this program.") % {"status": to_status}
    if from_status == to_status:
        return _("The enrollment is already %(status)s.") % {"status": labels[to_status]}
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
        return _("An enrollment cannot go from %(from)s to %(to)s.") % {
            "from": labels.get(from_status, from_status), "to": labels[to_status]}
    return None


def do_change_status(enrollment: Enrollment, to_status: str, *, actor, effective_on: date | None = None,
                     reason: str = "", exit_reason: str = "", request=None,
                     if_unchanged_since: datetime | None = None) -> EnrollmentStatusChange:
    effective_on = effective_on or timezone.localdate()
    with transaction.atomic():
        locked = _check_unchanged(enrollment, if_unchanged_since)
        from_status = locked.status
        refusal = transition_refusal(from_status, to_status)
        if refusal:
            raise TransitionError(refusal, code="transition")
        if to_status == EnrollmentStatus.EXITED:
            if exit_reason not in ExitReason.values:
                raise TransitionError(_("Exiting needs a reason: moved away, died, no longer wants services, "
                                        "self-sufficient, or other."), code="exit_reason")
        elif exit_reason:
            raise TransitionError(_("An exit reason is given only when exiting."), code="exit_reason")
        if effective_on < locked.referred_on:
            raise TransitionError(_("The change cannot take effect before the referral."), code="effective_on")
        fields = ["status", "updated_at"]
        locked.status = to_status
        if to_status == EnrollmentStatus.ACTIVE and locked.enrolled_on is None:
            locked.enrolled_on = effective_on
            fields.append("enrolled_on")
        if to_status == EnrollmentStatus.EXITED:
            locked.exited_on, locked.exit_reason, locked.exit_note = effective_on, exit_reason, reason
            fields += ["exited_on", "exit_reason", "exit_note"]
        elif from_status == EnrollmentStatus.EXITED:
            # Re-engagement: the same enrollment and the same person; the exit stays in the history.
            locked.exited_on, locked.exit_reason, locked.exit_note = None, "", ""
            fields += ["exited_on", "exit_reason", "exit_note"]
        locked.save(update_fields=fields)
        change = EnrollmentStatusChange.objects.create(
            enrollment=locked, from_status=from_status, to_status=to_status, effective_on=effective_on,
            changed_by=actor, reason=reason, exit_reason=exit_reason,
        )
        log_event("divert.enrollment.status_changed", request=request, actor=actor, person=locked.person,
                  target=locked, category=STATUS,
                  details={"from": from_status, "to": to_status, "effective_on": effective_on.isoformat(),
                           "exit_reason": exit_reason, "reengaged": from_status == EnrollmentStatus.EXITED})
    _refresh(enrollment, locked)
    return change


def open_caseload(case_manager) -> int:
    return Enrollment.objects.filter(case_manager=case_manager, status__in=OPEN_STATUSES).count()


@dataclass
class AssignmentResult:
    assignment: CaseAssignment
    caseload: int  # the case manager's open enrollments after this assignment
    warning: str = ""
    overridden: bool = False


def do_assign_case_manager(enrollment: Enrollment, case_manager, *, actor, warning: int = 20, maximum: int = 25,
                           override_reason: str = "", request=None,
                           if_unchanged_since: datetime | None = None) -> AssignmentResult:
    """Assign (or reassign) an enrollment; warn at `warning` open enrollments, refuse beyond `maximum`
    unless a supervisor overrides with a reason. `case_manager=None` leaves the enrollment unassigned."""
    override_reason = override_reason.strip()
    with transaction.atomic():
        locked = _check_unchanged(enrollment, if_unchanged_since)
        if locked.status not in OPEN_STATUSES:
            raise ValidationError(_("Only an open enrollment can be assigned."), code="closed")
        if case_manager is not None:
            seat = case_manager.seat
            if seat is None or seat.role != Role.CASE_MANAGER or seat.agency_id != locked.provider_id:
                raise ValidationError(_("Choose a case manager who works at this enrollment's provider."),
                                      code="wrong_provider")
        if case_manager is not None and locked.case_manager_id == case_manager.pk:
            raise ValidationError(_("This case manager is already assigned."), code="unchanged")
        caseload = open_caseload(case_manager) + 1 if case_manager is not None else 0
        overridden = False
        message = ""
        if case_manager is not None and caseload > maximum:
            if not (actor is not None and actor.has_role(Role.SUPERVISOR) and override_reason):
                raise CaseloadLimitError(
                    _("%(name)s would carry %(n)d open enrollments, beyond the maximum of %(max)d. Only a "
                      "supervisor may override, with a reason.") % {
                        "name": case_manager.get_full_name() or case_manager.get_username(), "n": caseload,
                        "max": maximum}, caseload=caseload, maximum=maximum)
            overridden = True
        if case_manager is not None and caseload >= warning:
            message = _("%(name)s now carries %(n)d open enrollments (warning level %(warning)d, maximum "
                        "%(max)d).") % {"name": case_manager.get_full_name() or case_manager.get_username(),
                                        "n": caseload, "warning": warning, "max": maximum}
        now = timezone.now()
        previous = locked.case_manager_id
        CaseAssignment.objects.filter(enrollment=locked, ended_at__isnull=True).update(ended_at=now)
        assignment = CaseAssignment.objects.create(
            enrollment=locked, provider_id=locked.provider_id, case_manager=case_manager, started_at=now,
            assigned_by=actor, override_reason=override_reason if overridden else "",
        )
        locked.case_manager = case_manager
        locked.save(update_fields=["case_manager", "updated_at"])
        details = {"case_manager_id": getattr(case_manager, "pk", None), "previous_case_manager_id": previous,
                   "caseload": caseload, "warning": warning, "maximum": maximum, "at_warning": bool(message)}
        log_event("divert.enrollment.assigned", request=request, actor=actor, person=locked.person, target=locked,
                  category=STATUS, details=details)
        if overridden:
            log_event("divert.caseload.override", request=request, actor=actor, person=locked.person,
                      target=locked, category=STATUS, details={**details, "reason": override_reason})
    _refresh(enrollment, locked)
    return AssignmentResult(assignment=assignment, caseload=caseload, warning=message, overridden=overridden)


def _person_relations():
    """Every foreign key and one-to-one from any installed model to Person, hidden ones included."""
    for rel in Person._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            yield rel


def _move_rows(rel, survivor: Person, duplicate: Person) -> tuple[int, int]:
    """Point the rows of one relation at the survivor. Rows a unique constraint keeps from moving stay on the
    tombstone (which points at the survivor), so nothing is lost. Returns (moved, kept)."""
    model, name = rel.related_model, rel.field.name
    rows = model._base_manager.filter(**{name: duplicate})
    try:
        with transaction.atomic():
            return rows.update(**{name: survivor}), 0
    except IntegrityError:
        pass
    moved = kept = 0
    for pk in rows.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                model._base_manager.filter(pk=pk).update(**{name: survivor})
            moved += 1
        except IntegrityError:
            kept += 1
    return moved, kept


def _name_key(name: str) -> str:
    return " ".join(name.lower().split())


def do_merge_persons(survivor: Person, duplicate: Person, *, actor, reason: str, request=None) -> dict:
    """Fold `duplicate` into `survivor`: everything that pointed at the duplicate now points at the survivor,
    and the duplicate stays as a tombstone (merged_into). Returns the counts moved."""
    reason = reason.strip()
    if not reason:
        raise MergeError(_("Give a reason for the merge."), code="reason")
    if survivor.pk == duplicate.pk:
        raise MergeError(_("A person cannot be merged into themselves."), code="same")
    with transaction.atomic():
        survivor = Person.objects.select_for_update().get(pk=survivor.pk)
        duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
        if survivor.merged_into_id is not None:
            raise MergeError(_("The surviving record was itself merged away; merge into the person it points to."),
                             code="tombstone")
        if duplicate.merged_into_id is not None:
            raise MergeError(_("This record was already merged into another person."), code="already_merged")
        counts: dict[str, int] = {}
        # Aliases and identifiers: move, dropping exact repeats of what the survivor already has.
        have = {_name_key(a) for a in survivor.aliases.values_list("name", flat=True)}
        have.add(_name_key(survivor.full_name))
        dropped = 0
        for alias in Alias.objects.filter(person=duplicate):
            if _name_key(alias.name) in have:
                alias.delete()
                dropped += 1
            else:
                have.add(_name_key(alias.name))
                Alias.objects.filter(pk=alias.pk).update(person=survivor)
        counts["aliases_dropped_as_repeats"] = dropped
        # The duplicate's own names become aliases when they differ.
        added = 0
        for name in {duplicate.full_name, f"{duplicate.first_name} {duplicate.last_name}"}:
            if name.strip() and _name_key(name) not in have:
                have.add(_name_key(name))
                Alias.objects.create(person=survivor, name=name.strip()[:200], kind=Alias.Kind.AKA)
                added += 1
        counts["names_added_as_aliases"] = added
        dob_note = ""
        if duplicate.date_of_birth and duplicate.date_of_birth != survivor.date_of_birth:
            if survivor.date_of_birth is None:
                survivor.date_of_birth = duplicate.date_of_birth
                survivor.approximate_age = None
                survivor.save(update_fields=["date_of_birth", "approximate_age", "updated_at"])
            else:
                dob_note = duplicate.date_of_birth.isoformat()
                # Another recorded date of birth is kept with the survivor, where matching will find it.
                Alias.objects.create(person=survivor, kind=Alias.Kind.AKA,
                                     name=f"{duplicate.first_name} {duplicate.last_name} "
                                          f"(born {dob_note})"[:200])
        if not survivor.photo and duplicate.photo:
            survivor.photo = duplicate.photo.name
            survivor.save(update_fields=["photo", "updated_at"])
        repeated = 0
        survivor_ids = set(survivor.identifiers.values_list("kind", "value"))
        for identifier in Identifier.objects.filter(person=duplicate):
            if (identifier.kind, identifier.value) in survivor_ids:
                identifier.delete()
                repeated += 1
        counts["identifiers_dropped_as_repeats"] = repeated
        kept_on_tombstone = {}
        for rel in _person_relations():
            label = rel.related_model._meta.label_lower
            if label in MERGE_LEAVES:
                continue
            moved, kept = _move_rows(rel, survivor, duplicate)
            key = f"{label}.{rel.field.name}"
            if moved:
                counts[key] = moved
            if kept:
                kept_on_tombstone[key] = kept
        duplicate.merged_into = survivor
        duplicate.save(update_fields=["merged_into", "updated_at"])
        details = {"survivor_id": survivor.pk, "duplicate_id": duplicate.pk, "reason": reason, "moved": counts,
                   "kept_on_tombstone": kept_on_tombstone, "other_date_of_birth": dob_note}
        log_event("divert.person.merged", request=request, actor=actor, person=survivor, target=duplicate,
                  category=IDENTITY, details=details)
        log_event("divert.person.merged", request=request, actor=actor, person=duplicate, target=survivor,
                  category=IDENTITY, details=details)
    return details


def do_set_photo(person: Person, upload, *, actor, request=None) -> None:
    """Replace (or, with upload None, remove) a person's photo. The old file is removed from storage."""
    with transaction.atomic():
        old = person.photo.name if person.photo else ""
        if upload is None:
            person.photo = ""
        else:
            person.photo.save("photo", upload, save=False)
        person.save(update_fields=["photo", "updated_at"])
        log_event("divert.person.photo.changed", request=request, actor=actor, person=person, target=person,
                  category=IDENTITY, details={"removed": upload is None})
    if old and not Person.objects.filter(photo=old).exists():
        person.photo.storage.delete(old)


def record_initial_history(enrollments: list[Enrollment], *, actor=None) -> None:
    """Opening status rows and first assignments for enrollments made in bulk (the demo seed, imports),
    which bypass do_open_enrollment."""
    changes, assignments = [], []
    for e in enrollments:
        opened_as = EnrollmentStatus.PENDING_INTAKE if e.enrolled_on is None else EnrollmentStatus.ACTIVE
        changes.append(EnrollmentStatusChange(enrollment=e, from_status="", to_status=opened_as,
                                              effective_on=e.enrolled_on or e.referred_on, changed_by=actor,
                                              reason=_("Enrollment opened")))
        if e.status != opened_as:
            changes.append(EnrollmentStatusChange(
                enrollment=e, from_status=opened_as, to_status=e.status, changed_by=actor,
                effective_on=e.exited_on or e.enrolled_on or e.referred_on, exit_reason=e.exit_reason))
        assignments.append(CaseAssignment(enrollment=e, provider_id=e.provider_id, case_manager_id=e.case_manager_id,
                                          assigned_by=actor))
    EnrollmentStatusChange.objects.bulk_create(changes)
    CaseAssignment.objects.bulk_create(assignments)
