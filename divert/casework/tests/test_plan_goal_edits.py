import pytest
from django.db import IntegrityError

from divert.audit.models import AuditEvent
from divert.casework.models import Goal, GoalStatus, GoalStep

pytest_plugins = ["divert.casework.tests.conftest_assessment"]


def version(goal):
    goal.refresh_from_db()
    return goal.updated_at.isoformat()


def test_status_changes_keep_their_history(case_manager_cam, participant, goal, login):
    client = login(case_manager_cam)
    response = client.post(f"/goals/{goal.pk}/status/", {"status": "in_progress", "note": "Applied",
                                                         "version": version(goal)})
    assert response.status_code == 302 and response.url == f"/people/{participant.pk}/plan/#goal-{goal.pk}"
    assert client.post(f"/goals/{goal.pk}/status/", {"status": "set_aside", "note": "Wants to focus on work",
                                                     "version": version(goal)}).status_code == 302
    goal.refresh_from_db()
    assert goal.status == GoalStatus.SET_ASIDE
    assert [(c.from_status, c.to_status) for c in goal.status_changes.all()] == [
        ("", "open"), ("open", "in_progress"), ("in_progress", "set_aside")]
    assert AuditEvent.objects.filter(action="divert.casework.goal.status_changed").count() == 2
    html = client.get(f"/people/{participant.pk}/plan/").content.decode()
    assert "Wants to focus on work" in html and "Set aside" in html


def test_a_goal_cannot_be_failed(case_manager_cam, goal, login):
    assert "failed" not in GoalStatus.values
    response = login(case_manager_cam).post(f"/goals/{goal.pk}/status/", {"status": "failed",
                                                                          "version": version(goal)})
    assert response.status_code == 400
    goal.refresh_from_db()
    assert goal.status == GoalStatus.OPEN
    with pytest.raises(IntegrityError):
        Goal.objects.filter(pk=goal.pk).update(status="failed")


def test_steps_are_added_and_completed(case_manager_cam, goal, login):
    client = login(case_manager_cam)
    assert client.post(f"/goals/{goal.pk}/steps/", {"text": "Visit the housing office",
                                                    "version": version(goal)}).status_code == 302
    step = goal.steps.get(text="Visit the housing office")
    assert step.order == 3
    assert client.post(f"/goals/{goal.pk}/steps/{step.pk}/done/", {"version": version(goal)}).status_code == 302
    step.refresh_from_db()
    assert step.done_at and step.done_by == case_manager_cam
    # Done twice is refused; a step of another goal is not found.
    assert client.post(f"/goals/{goal.pk}/steps/{step.pk}/done/", {"version": version(goal)}).status_code == 400
    assert client.post(f"/goals/{goal.pk + 1}/steps/{step.pk}/done/", {"version": version(goal)}).status_code == 404
    assert {"divert.casework.goal.step_added", "divert.casework.goal.step_done"} <= set(
        AuditEvent.objects.values_list("action", flat=True))


def test_notes_are_added(outreach_omar, goal, login):
    client = login(outreach_omar)
    assert client.post(f"/goals/{goal.pk}/notes/", {"text": "Met at the library"}).status_code == 302
    note = goal.notes.get()
    assert note.written_by == outreach_omar
    assert client.post(f"/goals/{goal.pk}/notes/", {"text": ""}).status_code == 400
    assert goal.notes.count() == 1


def test_concurrent_edits_are_refused(case_manager_cam, supervisor_sue, participant, goal, login):
    opened = version(goal)
    assert login(supervisor_sue).post(f"/goals/{goal.pk}/status/", {"status": "in_progress",
                                                                    "version": opened}).status_code == 302
    client = login(case_manager_cam)
    response = client.post(f"/goals/{goal.pk}/status/", {"status": "achieved", "version": opened})
    assert response.status_code == 409
    assert b"changed by someone else since you opened it" in response.content
    step = goal.steps.first()
    assert client.post(f"/goals/{goal.pk}/steps/{step.pk}/done/", {"version": opened}).status_code == 409
    assert client.post(f"/goals/{goal.pk}/steps/", {"text": "New", "version": opened}).status_code == 409
    goal.refresh_from_db()
    assert goal.status == GoalStatus.IN_PROGRESS
    assert not GoalStep.objects.filter(text="New").exists() and not GoalStep.objects.filter(done_at__isnull=False)


def test_an_edit_without_its_version_is_refused(case_manager_cam, goal, login):
    assert login(case_manager_cam).post(f"/goals/{goal.pk}/status/", {"status": "achieved"}).status_code == 400
    goal.refresh_from_db()
    assert goal.status == GoalStatus.OPEN
