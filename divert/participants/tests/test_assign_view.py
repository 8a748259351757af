import pytest

from divert.audit.models import AuditEvent
from divert.participants.models import CaseAssignment


def url(enrollment):
    return f"/enrollments/{enrollment.pk}/assign/"


def post(client, enrollment, case_manager, **data):
    form = {"version": enrollment.updated_at.isoformat(), "case_manager": case_manager.pk, "override_reason": ""}
    form.update(data)
    return client.post(url(enrollment), form)


def test_supervisor_assigns_and_sees_caseloads(supervisor_sue, case_manager_casey, enrollment, login,
                                               load_caseload):
    load_caseload(case_manager_casey, 3)
    client = login(supervisor_sue)
    page = client.get(url(enrollment))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Casey Tester — 3 open" in html and "Cam Tester — 1 open" in html
    response = post(client, enrollment, case_manager_casey)
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.case_manager == case_manager_casey
    assert CaseAssignment.objects.get(enrollment=enrollment, ended_at__isnull=True).assigned_by == supervisor_sue
    assert AuditEvent.objects.get(action="divert.enrollment.assigned").details["caseload"] == 4


def test_warning_is_shown_after_assigning(supervisor_sue, case_manager_casey, enrollment, login, load_caseload):
    load_caseload(case_manager_casey, 19)
    response = post(login(supervisor_sue), enrollment, case_manager_casey)
    assert response.status_code == 302
    page = login(supervisor_sue).get(response.url)
    assert "warning level 20" in page.content.decode()


def test_beyond_the_maximum_needs_an_override(supervisor_sue, case_manager_casey, enrollment, login,
                                              load_caseload, case_manager_cam):
    load_caseload(case_manager_casey, 25)
    client = login(supervisor_sue)
    refused = post(client, enrollment, case_manager_casey)
    assert refused.status_code == 400 and "beyond the maximum of 25" in refused.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.case_manager == case_manager_cam
    enrollment.refresh_from_db()
    response = post(client, enrollment, case_manager_casey, override_reason="Continuity: knew him from shelter")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="divert.caseload.override")
    assert event.actor == supervisor_sue and event.details["reason"] == "Continuity: knew him from shelter"


@pytest.mark.parametrize("name", ["outsider_oscar", "officer_olivia", "prosecutor_pat", "evaluator_eve", "admin_ada"])
def test_outsiders_get_404(name, personas, case_manager_casey, enrollment, login):
    client = login(getattr(personas, name))
    assert client.get(url(enrollment)).status_code == 404
    assert post(client, enrollment, case_manager_casey).status_code == 404


@pytest.mark.parametrize("name", ["manager_mo", "case_manager_cam", "case_manager_casey", "outreach_omar"])
def test_seats_that_may_see_but_not_assign_get_403(name, personas, case_manager_casey, enrollment, login):
    client = login(getattr(personas, name))
    assert client.get(url(enrollment)).status_code == 403
    assert post(client, enrollment, case_manager_casey).status_code == 403
    assert not AuditEvent.objects.filter(action="divert.enrollment.assigned").exists()


def test_bad_input_is_refused(supervisor_sue, outsider_oscar, case_manager_cam, enrollment, login):
    client = login(supervisor_sue)
    for bad in (outsider_oscar, case_manager_cam, supervisor_sue):  # another provider, the same CM, not a CM
        response = post(client, enrollment, bad)
        assert response.status_code == 400
    enrollment.refresh_from_db()
    assert enrollment.case_manager == case_manager_cam
    assert not AuditEvent.objects.filter(action="divert.enrollment.assigned").exists()


def test_a_stale_form_is_refused(supervisor_sue, case_manager_casey, case_manager_carla, enrollment, login):
    opened = enrollment.updated_at.isoformat()
    client = login(supervisor_sue)
    assert post(client, enrollment, case_manager_carla).status_code == 302
    response = post(client, enrollment, case_manager_casey, version=opened)
    assert response.status_code == 409
    assert "changed by someone else since you opened the form" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.case_manager == case_manager_carla
