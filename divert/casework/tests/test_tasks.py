"""Tasks and reminders, per person and per worker: /tasks/."""

import pytest
from django.utils import timezone

from conftest import SUD_CANARY
from divert.audit.models import AuditEvent
from divert.casework.models import Task

pytest_plugins = ["divert.casework.tests.conftest_contacts"]


def test_the_case_manager_adds_a_task_about_a_person(case_manager_cam, participant, login):
    client = login(case_manager_cam)
    assert client.get(f"/tasks/new/?person={participant.pk}").status_code == 200
    response = client.post("/tasks/new/", {"person": participant.pk, "title": "Bring the ID form", "kind": "task",
                                           "assigned_to": case_manager_cam.pk, "due_on": "2026-02-01"})
    assert response.status_code == 302 and response.url == f"/people/{participant.pk}/"
    task = Task.objects.get()
    assert (task.person, task.assigned_to, task.created_by) == (participant, case_manager_cam, case_manager_cam)
    event = AuditEvent.objects.get(action="divert.casework.task.added")
    assert event.category == "casework" and "ID form" not in str(event.details)


def test_my_tasks_and_my_teams_soonest_first(case_manager_cam, supervisor_sue, outreach_omar, login):
    today = timezone.localdate()
    Task.objects.create(assigned_to=case_manager_cam, created_by=case_manager_cam, title="Later",
                        due_on=today.replace(year=today.year + 1))
    Task.objects.create(assigned_to=case_manager_cam, created_by=case_manager_cam, title="Sooner", due_on=today)
    Task.objects.create(assigned_to=case_manager_cam, created_by=case_manager_cam, title="Whenever")
    Task.objects.create(assigned_to=outreach_omar, created_by=outreach_omar, title="Omar's round")
    html = login(case_manager_cam).get("/tasks/").content.decode()
    assert html.index("Sooner") < html.index("Later") < html.index("Whenever")
    assert "Omar&#x27;s round" in html
    per_worker = login(supervisor_sue).get(f"/tasks/?worker={outreach_omar.pk}").content.decode()
    assert "Omar&#x27;s round" in per_worker and "Sooner" not in per_worker
    assert AuditEvent.objects.filter(action="divert.casework.tasks.viewed").count() == 2


def test_a_reminder_without_a_person(outreach_omar, login):
    response = login(outreach_omar).post("/tasks/new/", {"title": "Restock naloxone", "kind": "reminder",
                                                         "assigned_to": outreach_omar.pk})
    assert response.status_code == 302 and response.url == "/tasks/"
    assert Task.objects.get().person is None


def test_the_assignee_and_a_supervisor_complete_tasks(case_manager_cam, supervisor_sue, sud_task, login):
    response = login(supervisor_sue).post(f"/tasks/{sud_task.pk}/done/", {"next": "/tasks/"})
    assert response.status_code == 302
    sud_task.refresh_from_db()
    assert sud_task.done_by == supervisor_sue and sud_task.is_done
    assert AuditEvent.objects.filter(action="divert.casework.task.completed").count() == 1


def test_a_colleague_who_did_not_make_the_task_may_not_complete_it(case_manager_casey, case_manager_cam, login):
    task = Task.objects.create(assigned_to=case_manager_cam, created_by=case_manager_cam, title="Team meeting")
    assert login(case_manager_casey).post(f"/tasks/{task.pk}/done/").status_code == 403
    task.refresh_from_db()
    assert not task.is_done


@pytest.mark.parametrize("name", ["outsider_oscar", "case_manager_casey"])
def test_tasks_about_a_person_stay_with_those_who_see_their_casework(name, personas, participant, sud_task, login):
    client = login(getattr(personas, name))
    html = client.get("/tasks/").content.decode()
    assert SUD_CANARY not in html
    assert client.post(f"/tasks/{sud_task.pk}/done/").status_code == 404
    assert client.get(f"/tasks/?person={participant.pk}").status_code == 404
    response = client.post("/tasks/new/", {"person": participant.pk, "title": "x", "kind": "task",
                                           "assigned_to": getattr(personas, name).pk})
    assert response.status_code == 404
    sud_task.refresh_from_db()
    assert not sud_task.is_done and Task.objects.count() == 1


@pytest.mark.parametrize("name", ["officer_olivia", "prosecutor_pat", "defender_dana", "manager_mo", "evaluator_eve",
                                  "admin_ada"])
def test_seats_outside_case_management_get_403(name, personas, sud_task, login):
    client = login(getattr(personas, name))
    assert client.get("/tasks/").status_code == 403
    assert client.get("/tasks/new/").status_code == 403
    assert client.post(f"/tasks/{sud_task.pk}/done/").status_code == 403
    sud_task.refresh_from_db()
    assert not sud_task.is_done


@pytest.mark.parametrize("data", [
    {"title": "  ", "kind": "task"},
    {"title": "x", "kind": "chore"},
    {"title": "x", "kind": "task", "due_on": "someday"},
    {"title": "x", "kind": "task", "assigned_to": "999999"},
])
def test_bad_input_is_refused(data, case_manager_cam, participant, login):
    response = login(case_manager_cam).post("/tasks/new/", {"assigned_to": case_manager_cam.pk,
                                                            "person": participant.pk, **data})
    assert response.status_code == 400
    assert not Task.objects.exists()


def test_a_task_about_a_person_cannot_go_to_someone_who_may_not_see_them(case_manager_cam, case_manager_casey,
                                                                        participant, login):
    response = login(case_manager_cam).post("/tasks/new/", {"person": participant.pk, "title": "Cover visit",
                                                            "kind": "task", "assigned_to": case_manager_casey.pk})
    assert response.status_code == 400
    assert not Task.objects.exists()


def test_an_outsider_cannot_assign_to_our_staff(outsider_oscar, case_manager_cam, login):
    response = login(outsider_oscar).post("/tasks/new/", {"title": "x", "kind": "task",
                                                          "assigned_to": case_manager_cam.pk})
    assert response.status_code == 400
    assert not Task.objects.exists()


def test_a_release_does_not_put_another_provider_on_the_team(outsider_oscar, agencies, participant, sud_task,
                                                             release, login):
    release(agencies.other_provider, ["status", "casework"])
    client = login(outsider_oscar)
    assert client.get(f"/tasks/?person={participant.pk}").status_code == 403
    assert SUD_CANARY not in client.get("/tasks/").content.decode()
    html = client.get(f"/people/{participant.pk}/").content.decode()
    assert SUD_CANARY not in html and "Add a task" not in html
