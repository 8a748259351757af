from datetime import date

from divert.participants.actions import do_assign_case_manager, do_change_status, do_open_enrollment
from divert.participants.models import Door, EnrollmentStatus, Person


def _history(personas, agencies):
    person = Person.objects.create(first_name="Hana", last_name="Historia")
    enrollment = do_open_enrollment(person, door=Door.SOCIAL_CONTACT, provider=agencies.provider,
                                    referred_on=date(2026, 1, 2), actor=personas.supervisor_sue,
                                    case_manager=personas.case_manager_cam)
    do_change_status(enrollment, EnrollmentStatus.ACTIVE, actor=personas.case_manager_cam,
                     effective_on=date(2026, 1, 9), reason="Intake done at the shelter")
    do_assign_case_manager(enrollment, personas.case_manager_casey, actor=personas.supervisor_sue)
    return person, enrollment


def test_case_team_sees_history_and_actions(personas, agencies, login):
    person, enrollment = _history(personas, agencies)
    html = login(personas.supervisor_sue).get(f"/people/{person.pk}/").content.decode()
    assert "Enrollment history" in html and "Intake done at the shelter" in html
    assert "Casey Tester" in html and "Cam Tester" in html
    assert f"/enrollments/{enrollment.pk}/status/" in html and f"/enrollments/{enrollment.pk}/assign/" in html
    assert f"/people/{person.pk}/merge/" in html


def test_project_manager_sees_history_without_status_or_assign_links(personas, agencies, login):
    person, enrollment = _history(personas, agencies)
    html = login(personas.manager_mo).get(f"/people/{person.pk}/").content.decode()
    assert "Intake done at the shelter" in html
    assert f"/enrollments/{enrollment.pk}/status/" not in html and f"/enrollments/{enrollment.pk}/assign/" not in html
    assert f"/people/{person.pk}/merge/" in html


def test_colleague_sees_history_but_may_not_act(personas, agencies, login):
    person, enrollment = _history(personas, agencies)
    html = login(personas.case_manager_cam).get(f"/people/{person.pk}/").content.decode()
    assert "Intake done at the shelter" in html  # Cam is no longer assigned; the provider grant shows status
    assert f"/enrollments/{enrollment.pk}/status/" not in html
