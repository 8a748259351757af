from datetime import date

from divert.audit.models import AuditEvent
from divert.participants.actions import do_change_status
from divert.participants.models import EnrollmentStatus, ExitReason, Person

S = EnrollmentStatus


def test_reengagement_keeps_the_person_the_enrollment_and_the_history(enrollment, supervisor_sue):
    persons = Person.objects.count()
    do_change_status(enrollment, S.IN_THE_WIND, actor=supervisor_sue, effective_on=date(2026, 2, 1))
    do_change_status(enrollment, S.EXITED, actor=supervisor_sue, effective_on=date(2026, 3, 1),
                     exit_reason=ExitReason.MOVED_AWAY)
    do_change_status(enrollment, S.ACTIVE, actor=supervisor_sue, effective_on=date(2026, 5, 1),
                     reason="Came back to town")
    enrollment.refresh_from_db()
    assert Person.objects.count() == persons
    assert enrollment.status == S.ACTIVE
    assert enrollment.enrolled_on == date(2026, 1, 7)  # the first enrollment date stays
    assert (enrollment.exited_on, enrollment.exit_reason) == (None, "")
    history = [(c.from_status, c.to_status, c.exit_reason) for c in enrollment.status_changes.all()]
    assert history == [(S.ACTIVE, S.IN_THE_WIND, ""), (S.IN_THE_WIND, S.EXITED, ExitReason.MOVED_AWAY),
                       (S.EXITED, S.ACTIVE, "")]
    last = AuditEvent.objects.filter(action="divert.enrollment.status_changed").latest("id")
    assert last.details["reengaged"] is True
