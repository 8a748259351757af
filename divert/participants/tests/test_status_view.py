from datetime import timedelta

import pytest
from django.utils import timezone

from divert.audit.models import AuditEvent
from divert.participants.models import EnrollmentStatus, EnrollmentStatusChange

S = EnrollmentStatus


def url(enrollment):
    return f"/enrollments/{enrollment.pk}/status/"


def post(client, enrollment, **data):
    form = {"version": enrollment.updated_at.isoformat(), "effective_on": timezone.localdate().isoformat(),
            "reason": "", "exit_reason": ""}
    form.update(data)
    return client.post(url(enrollment), form)


def test_the_assigned_case_manager_changes_status(case_manager_cam, enrollment, login):
    client = login(case_manager_cam)
    page = client.get(url(enrollment))
    assert page.status_code == 200
    html = page.content.decode()
    # Only the allowed next statuses are offered.
    assert 'value="inactive"' in html and 'value="in_the_wind"' in html and 'value="pending_intake"' not in html
    response = post(client, enrollment, to_status=S.IN_THE_WIND, reason="No contact for three weeks")
    assert response.status_code == 302 and response.url == f"/people/{enrollment.person_id}/"
    enrollment.refresh_from_db()
    assert enrollment.status == S.IN_THE_WIND
    change = EnrollmentStatusChange.objects.get(enrollment=enrollment)
    assert (change.changed_by, change.reason) == (case_manager_cam, "No contact for three weeks")
    event = AuditEvent.objects.get(action="divert.enrollment.status_changed")
    assert event.actor == case_manager_cam and event.person_id == enrollment.person_id


@pytest.mark.parametrize("name", ["supervisor_sue", "outreach_omar"])
def test_teammates_at_the_provider_can(name, personas, enrollment, login):
    response = post(login(getattr(personas, name)), enrollment, to_status=S.INACTIVE)
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == S.INACTIVE


@pytest.mark.parametrize("name", ["outsider_oscar", "officer_olivia", "prosecutor_pat", "defender_dana",
                                  "evaluator_eve", "admin_ada"])
def test_seats_that_may_not_see_status_get_404(name, personas, enrollment, login):
    client = login(getattr(personas, name))
    assert client.get(url(enrollment)).status_code == 404
    assert post(client, enrollment, to_status=S.INACTIVE).status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == S.ACTIVE


@pytest.mark.parametrize("name", ["manager_mo", "case_manager_casey"])
def test_read_only_seats_get_403(name, personas, enrollment, login):
    client = login(getattr(personas, name))
    assert client.get(url(enrollment)).status_code == 403
    assert post(client, enrollment, to_status=S.INACTIVE).status_code == 403
    enrollment.refresh_from_db()
    assert enrollment.status == S.ACTIVE and not AuditEvent.objects.filter(
        action="divert.enrollment.status_changed").exists()


@pytest.mark.parametrize("data", [
    {"to_status": S.PENDING_INTAKE},
    {"to_status": "failed"},
    {"to_status": S.EXITED},  # no exit reason
    {"to_status": S.INACTIVE, "effective_on": "2025-12-31"},  # before the referral
    {"to_status": S.INACTIVE, "effective_on": (timezone.localdate() + timedelta(days=1)).isoformat()},
    {"to_status": S.INACTIVE, "effective_on": "not a date"},
    {"to_status": S.INACTIVE, "version": "garbage"},
])
def test_bad_input_is_refused_and_nothing_saved(data, supervisor_sue, enrollment, login):
    response = post(login(supervisor_sue), enrollment, **data)
    assert response.status_code == 400
    assert 'class="invalid-feedback' in response.content.decode() or "alert-danger" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == S.ACTIVE and not EnrollmentStatusChange.objects.exists()
    assert not AuditEvent.objects.filter(action="divert.enrollment.status_changed").exists()


def test_exit_with_a_reason(supervisor_sue, enrollment, login):
    response = post(login(supervisor_sue), enrollment, to_status=S.EXITED, exit_reason="moved_away",
                    reason="Moved to family out of state")
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.exit_reason) == (S.EXITED, "moved_away")


def test_a_stale_form_is_refused(supervisor_sue, case_manager_cam, enrollment, login):
    opened = enrollment.updated_at.isoformat()
    # Someone else changes the enrollment after the form was opened.
    post(login(case_manager_cam), enrollment, to_status=S.INACTIVE)
    response = post(login(supervisor_sue), enrollment, to_status=S.IN_THE_WIND, version=opened)
    assert response.status_code == 409
    assert "changed by someone else since you opened the form" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == S.INACTIVE and EnrollmentStatusChange.objects.count() == 1
