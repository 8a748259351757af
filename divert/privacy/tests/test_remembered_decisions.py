"""Within one request the policy remembers its answers, and forgets them on any write that could change one."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from divert.participants.models import EnrollmentStatus
from divert.privacy.actions import RecipientChoice, do_record_release, do_revoke_release
from divert.privacy.middleware import one_request
from divert.privacy.policy import Category, can_see


def _release(person, agency, actor):
    import base64
    today = timezone.localdate()
    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAA"
                           "AABJRU5ErkJggg==")
    return do_record_release(person, actor=actor, recipients=[RecipientChoice(agency)], kind="general",
                             purposes=["care_coordination"], categories=["status"],
                             starts_on=today - timedelta(days=1), expires_on=today + timedelta(days=30),
                             signed_name="Alex", signed_on=today, discloser="Test Harm Reduction Services",
                             information_description="Status", signature_png=png)


def test_answers_are_remembered_within_a_request(case_manager_cam, participant):
    with one_request():
        assert can_see(case_manager_cam, participant, Category.CASEWORK)
        with CaptureQueriesContext(connection) as queries:
            for _ in range(5):
                can_see(case_manager_cam, participant, Category.CASEWORK)
        assert len(queries) == 0


def test_a_write_forgets_them_at_once(case_manager_cam, officer_olivia, participant, agencies):
    with one_request():
        assert not can_see(officer_olivia, participant, Category.STATUS)
        release = _release(participant, agencies.police, case_manager_cam)
        assert can_see(officer_olivia, participant, Category.STATUS)
        do_revoke_release(release, actor=case_manager_cam, scope="full", effective_on=timezone.localdate())
        assert not can_see(officer_olivia, participant, Category.STATUS)
        assert can_see(case_manager_cam, participant, Category.SUD)
        enrollment = participant.enrollments.get()
        enrollment.status = EnrollmentStatus.EXITED
        enrollment.save()
        assert not can_see(case_manager_cam, participant, Category.SUD)


def test_outside_a_request_nothing_is_remembered(case_manager_cam, participant):
    assert can_see(case_manager_cam, participant, Category.CASEWORK)
    participant.enrollments.update(status=EnrollmentStatus.EXITED)
    assert not can_see(case_manager_cam, participant, Category.CASEWORK)


def test_a_bulk_write_in_a_request_forgets_them_too(case_manager_cam, participant):
    with one_request():
        assert can_see(case_manager_cam, participant, Category.CASEWORK)
        participant.enrollments.update(status=EnrollmentStatus.EXITED)  # no model signal: the SQL write counts
        assert not can_see(case_manager_cam, participant, Category.CASEWORK)


def test_reads_that_write_audit_rows_keep_them(case_manager_cam, participant):
    from divert.audit.log import log_event
    with one_request():
        can_see(case_manager_cam, participant, Category.CASEWORK)
        log_event("divert.person.viewed", actor=case_manager_cam, person=participant)
        with CaptureQueriesContext(connection) as queries:
            can_see(case_manager_cam, participant, Category.CASEWORK)
        assert len(queries) == 0
