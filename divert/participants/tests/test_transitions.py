from datetime import date

import pytest

from divert.audit.models import AuditEvent
from divert.participants.actions import TransitionError, do_change_status, do_open_enrollment
from divert.participants.models import (
    ALLOWED_TRANSITIONS,
    Door,
    EnrollmentStatus,
    EnrollmentStatusChange,
    ExitReason,
    Person,
    allowed_next_statuses,
)

S = EnrollmentStatus
ALLOWED = [
    (S.PENDING_INTAKE, S.ACTIVE), (S.PENDING_INTAKE, S.EXITED),
    (S.ACTIVE, S.INACTIVE), (S.ACTIVE, S.IN_THE_WIND), (S.ACTIVE, S.EXITED),
    (S.INACTIVE, S.ACTIVE), (S.INACTIVE, S.IN_THE_WIND), (S.INACTIVE, S.EXITED),
    (S.IN_THE_WIND, S.ACTIVE), (S.IN_THE_WIND, S.INACTIVE), (S.IN_THE_WIND, S.EXITED),
    (S.EXITED, S.ACTIVE),
]
REFUSED = [
    (S.PENDING_INTAKE, S.INACTIVE), (S.PENDING_INTAKE, S.IN_THE_WIND), (S.PENDING_INTAKE, S.PENDING_INTAKE),
    (S.ACTIVE, S.PENDING_INTAKE), (S.ACTIVE, S.ACTIVE), (S.INACTIVE, S.PENDING_INTAKE),
    (S.IN_THE_WIND, S.PENDING_INTAKE), (S.EXITED, S.INACTIVE), (S.EXITED, S.IN_THE_WIND),
    (S.EXITED, S.PENDING_INTAKE), (S.EXITED, S.EXITED), (S.ACTIVE, "failed"), (S.ACTIVE, "non_compliant"),
]


def test_no_failed_or_non_compliant_status_exists_anywhere():
    values = " ".join(S.values + [str(label).lower() for label in S.labels])
    for word in ("fail", "non_compliant", "noncompliant", "non-compliant", "terminated", "sanction"):
        assert word not in values
    targets = {t for allowed in ALLOWED_TRANSITIONS.values() for t in allowed}
    assert targets <= set(S.values)


def test_the_table_in_models_is_exactly_the_agreed_one():
    assert {(f, t) for f, ts in ALLOWED_TRANSITIONS.items() for t in ts} == set(ALLOWED)
    assert allowed_next_statuses(S.EXITED) == [S.ACTIVE]


def _open(personas, agencies, status):
    person = Person.objects.create(first_name="Tran", last_name="Sition")
    enrollment = do_open_enrollment(person, door=Door.COMMUNITY, provider=agencies.provider,
                                    referred_on=date(2026, 1, 2), actor=personas.supervisor_sue,
                                    case_manager=personas.case_manager_cam)
    if status != S.PENDING_INTAKE:
        # Walk there by allowed steps.
        path = {S.ACTIVE: [S.ACTIVE], S.INACTIVE: [S.ACTIVE, S.INACTIVE], S.IN_THE_WIND: [S.ACTIVE, S.IN_THE_WIND],
                S.EXITED: [S.ACTIVE, S.EXITED]}[status]
        for step in path:
            do_change_status(enrollment, step, actor=personas.supervisor_sue, effective_on=date(2026, 1, 3),
                             exit_reason=ExitReason.OTHER if step == S.EXITED else "")
    return enrollment


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_every_allowed_transition(from_status, to_status, personas, agencies):
    enrollment = _open(personas, agencies, from_status)
    before = EnrollmentStatusChange.objects.filter(enrollment=enrollment).count()
    exit_reason = ExitReason.MOVED_AWAY if to_status == S.EXITED else ""
    change = do_change_status(enrollment, to_status, actor=personas.case_manager_cam, effective_on=date(2026, 2, 1),
                              reason="because", exit_reason=exit_reason)
    enrollment.refresh_from_db()
    assert enrollment.status == to_status
    assert (change.from_status, change.to_status, change.reason) == (from_status, to_status, "because")
    assert EnrollmentStatusChange.objects.filter(enrollment=enrollment).count() == before + 1
    event = AuditEvent.objects.filter(action="divert.enrollment.status_changed").latest("id")
    assert (event.actor, event.person_id, event.target_id) == (personas.case_manager_cam, enrollment.person_id,
                                                               str(enrollment.pk))
    assert event.details["from"] == from_status and event.details["to"] == to_status


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_refused_transitions_change_nothing(from_status, to_status, personas, agencies):
    enrollment = _open(personas, agencies, from_status)
    rows = EnrollmentStatusChange.objects.count()
    events = AuditEvent.objects.count()
    with pytest.raises(TransitionError) as raised:
        do_change_status(enrollment, to_status, actor=personas.supervisor_sue,
                         exit_reason=ExitReason.OTHER if to_status == S.EXITED else "")
    assert raised.value.messages[0]
    enrollment.refresh_from_db()
    assert enrollment.status == from_status
    assert EnrollmentStatusChange.objects.count() == rows and AuditEvent.objects.count() == events


def test_opening_writes_the_first_rows_and_an_audit_event(personas, agencies):
    person = Person.objects.create(first_name="New", last_name="Comer")
    enrollment = do_open_enrollment(person, door=Door.ARREST_DIVERSION, provider=agencies.provider,
                                    referred_on=date(2026, 3, 1), actor=personas.officer_olivia)
    change = enrollment.status_changes.get()
    assert (change.from_status, change.to_status, change.effective_on) == ("", S.PENDING_INTAKE, date(2026, 3, 1))
    assignment = enrollment.assignments.get()
    assert assignment.case_manager is None and assignment.ended_at is None
    event = AuditEvent.objects.get(action="divert.enrollment.opened")
    assert event.person_id == person.pk and event.details["door"] == Door.ARREST_DIVERSION


def test_opening_in_a_status_other_than_pending_or_active_is_refused(personas, agencies):
    person = Person.objects.create(first_name="New", last_name="Comer")
    with pytest.raises(TransitionError):
        do_open_enrollment(person, door=Door.COMMUNITY, provider=agencies.provider, referred_on=date(2026, 3, 1),
                           actor=personas.supervisor_sue, status=S.EXITED)


def test_first_activation_sets_enrolled_on_once(personas, agencies):
    enrollment = _open(personas, agencies, S.PENDING_INTAKE)
    do_change_status(enrollment, S.ACTIVE, actor=personas.supervisor_sue, effective_on=date(2026, 1, 10))
    do_change_status(enrollment, S.INACTIVE, actor=personas.supervisor_sue, effective_on=date(2026, 2, 10))
    do_change_status(enrollment, S.ACTIVE, actor=personas.supervisor_sue, effective_on=date(2026, 3, 10))
    enrollment.refresh_from_db()
    assert enrollment.enrolled_on == date(2026, 1, 10)


def test_exit_requires_a_reason(personas, agencies):
    enrollment = _open(personas, agencies, S.ACTIVE)
    for bad in ("", "failed"):
        with pytest.raises(TransitionError):
            do_change_status(enrollment, S.EXITED, actor=personas.supervisor_sue, exit_reason=bad)
    enrollment.refresh_from_db()
    assert enrollment.status == S.ACTIVE and enrollment.exited_on is None


def test_exit_reason_only_when_exiting(personas, agencies):
    enrollment = _open(personas, agencies, S.ACTIVE)
    with pytest.raises(TransitionError):
        do_change_status(enrollment, S.INACTIVE, actor=personas.supervisor_sue, exit_reason=ExitReason.DIED)


def test_effective_date_not_before_referral(personas, agencies):
    enrollment = _open(personas, agencies, S.ACTIVE)
    with pytest.raises(TransitionError):
        do_change_status(enrollment, S.INACTIVE, actor=personas.supervisor_sue, effective_on=date(2025, 12, 31))


def test_exit_records_reason_and_date(personas, agencies):
    enrollment = _open(personas, agencies, S.ACTIVE)
    do_change_status(enrollment, S.EXITED, actor=personas.supervisor_sue, effective_on=date(2026, 4, 1),
                     exit_reason=ExitReason.SELF_SUFFICIENT, reason="Housed and working")
    enrollment.refresh_from_db()
    assert (enrollment.exited_on, enrollment.exit_reason, enrollment.exit_note) == (
        date(2026, 4, 1), ExitReason.SELF_SUFFICIENT, "Housed and working")
    assert not enrollment.is_open
