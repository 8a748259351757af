"""Caseloads: each case manager's open enrollments by status, against the protocol's warning and maximum."""

import pytest

from divert.participants.models import EnrollmentStatus
from divert.protocol.models import caseload_limits

pytest_plugins = ["divert.casework.tests.conftest_contacts"]


def test_the_supervisor_sees_each_case_managers_load(supervisor_sue, case_manager_cam, case_manager_casey,
                                                     outsider_oscar, participant, load_caseload, login):
    warning, maximum = caseload_limits()
    load_caseload(case_manager_casey, maximum + 1)
    load_caseload(case_manager_cam, 2, status=EnrollmentStatus.IN_THE_WIND)
    load_caseload(case_manager_cam, 1, status=EnrollmentStatus.EXITED)
    load_caseload(outsider_oscar, 3)
    response = login(supervisor_sue).get("/caseloads/")
    assert response.status_code == 200
    rows = {cm.username: (cm.active, cm.inactive, cm.wind, cm.pending, cm.open) for cm in response.context["staff"]}
    assert rows == {"case_manager_cam": (1, 0, 2, 0, 3), "case_manager_casey": (maximum + 1, 0, 0, 0, maximum + 1)}
    html = response.content.decode()
    assert '<svg class="chart"' in html and "Over maximum" in html and "<table" in html
    assert "Other Provider" not in html


def test_one_case_managers_enrollments_link_to_reassignment(supervisor_sue, case_manager_cam, participant, login):
    response = login(supervisor_sue).get(f"/caseloads/?case_manager={case_manager_cam.pk}")
    enrollment = participant.enrollments.get()
    assert f"/enrollments/{enrollment.pk}/assign/" in response.content.decode()


def test_unassigned_enrollments_are_listed(supervisor_sue, participant, login):
    participant.enrollments.update(case_manager=None)
    response = login(supervisor_sue).get("/caseloads/?case_manager=none")
    assert response.context["unassigned"] == 1
    assert [e.person for e in response.context["enrollments"]] == [participant]


def test_a_case_manager_from_elsewhere_cannot_be_opened(supervisor_sue, outsider_oscar, load_caseload, login):
    load_caseload(outsider_oscar, 2)
    response = login(supervisor_sue).get(f"/caseloads/?case_manager={outsider_oscar.pk}")
    assert response.context["chosen"] is None and not response.context["enrollments"]


@pytest.mark.parametrize("name", ["case_manager_cam", "outreach_omar", "officer_olivia", "prosecutor_pat",
                                  "defender_dana", "manager_mo", "evaluator_eve", "admin_ada", "outsider_oscar"])
def test_other_seats_get_403(name, personas, login):
    assert login(getattr(personas, name)).get("/caseloads/").status_code == 403
