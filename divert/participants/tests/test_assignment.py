import pytest
from django.core.exceptions import ValidationError

from divert.audit.models import AuditEvent
from divert.participants.actions import CaseloadLimitError, do_assign_case_manager, do_change_status, open_caseload
from divert.participants.models import CaseAssignment, EnrollmentStatus, ExitReason


def test_reassignment_ends_the_previous_assignment(enrollment, supervisor_sue, case_manager_casey, case_manager_cam):
    CaseAssignment.objects.create(enrollment=enrollment, provider=enrollment.provider,
                                  case_manager=enrollment.case_manager)
    result = do_assign_case_manager(enrollment, case_manager_casey, actor=supervisor_sue)
    assert result.caseload == 1 and not result.warning and not result.overridden
    enrollment.refresh_from_db()
    assert enrollment.case_manager == case_manager_casey
    rows = list(enrollment.assignments.order_by("id"))
    assert rows[0].ended_at is not None and rows[-1].ended_at is None and rows[-1].case_manager == case_manager_casey
    event = AuditEvent.objects.get(action="divert.enrollment.assigned")
    assert event.details["previous_case_manager_id"] == case_manager_cam.pk
    assert event.details["case_manager_id"] == case_manager_casey.pk
    assert not AuditEvent.objects.filter(action="divert.caseload.override").exists()


def test_reaching_the_warning_level_warns_and_still_assigns(enrollment, supervisor_sue, case_manager_casey,
                                                            load_caseload):
    load_caseload(case_manager_casey, 19)
    result = do_assign_case_manager(enrollment, case_manager_casey, actor=supervisor_sue, warning=20, maximum=25)
    assert result.caseload == 20 and "20 open enrollments" in result.warning
    assert AuditEvent.objects.get(action="divert.enrollment.assigned").details["at_warning"] is True


def test_the_maximum_itself_is_allowed(enrollment, supervisor_sue, case_manager_casey, load_caseload):
    load_caseload(case_manager_casey, 24)
    assert do_assign_case_manager(enrollment, case_manager_casey, actor=supervisor_sue).caseload == 25


def test_beyond_the_maximum_is_refused_without_an_override(enrollment, supervisor_sue, case_manager_casey,
                                                           load_caseload, case_manager_cam):
    load_caseload(case_manager_casey, 25)
    with pytest.raises(CaseloadLimitError) as raised:
        do_assign_case_manager(enrollment, case_manager_casey, actor=supervisor_sue)
    assert raised.value.caseload == 26 and raised.value.maximum == 25
    enrollment.refresh_from_db()
    assert enrollment.case_manager == case_manager_cam
    assert not AuditEvent.objects.filter(action__in=["divert.enrollment.assigned", "divert.caseload.override"]).exists()


def test_only_a_supervisor_may_override(enrollment, outreach_omar, case_manager_casey, load_caseload):
    load_caseload(case_manager_casey, 25)
    with pytest.raises(CaseloadLimitError):
        do_assign_case_manager(enrollment, case_manager_casey, actor=outreach_omar, override_reason="Urgent")


def test_supervisor_override_is_audited(enrollment, supervisor_sue, case_manager_casey, load_caseload):
    load_caseload(case_manager_casey, 25)
    result = do_assign_case_manager(enrollment, case_manager_casey, actor=supervisor_sue,
                                    override_reason="Only Spanish speaker on the team")
    assert result.overridden and result.caseload == 26
    assert result.assignment.override_reason == "Only Spanish speaker on the team"
    override = AuditEvent.objects.get(action="divert.caseload.override")
    assert override.actor == supervisor_sue and override.person_id == enrollment.person_id
    assert override.details["reason"] == "Only Spanish speaker on the team" and override.details["caseload"] == 26


def test_caseload_counts_open_enrollments_only(case_manager_casey, load_caseload):
    load_caseload(case_manager_casey, 3)
    load_caseload(case_manager_casey, 4, status=EnrollmentStatus.EXITED)
    assert open_caseload(case_manager_casey) == 3


def test_case_manager_must_work_at_the_provider(enrollment, supervisor_sue, outsider_oscar, prosecutor_pat):
    for wrong in (outsider_oscar, prosecutor_pat, supervisor_sue):
        with pytest.raises(ValidationError):
            do_assign_case_manager(enrollment, wrong, actor=supervisor_sue)


def test_exited_enrollment_cannot_be_assigned(enrollment, supervisor_sue, case_manager_casey):
    do_change_status(enrollment, EnrollmentStatus.EXITED, actor=supervisor_sue, exit_reason=ExitReason.DIED)
    with pytest.raises(ValidationError):
        do_assign_case_manager(enrollment, case_manager_casey, actor=supervisor_sue)
