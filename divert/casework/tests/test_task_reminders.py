"""divert tick reminds workers of tasks due, once, with nothing of the task in the message."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from divert.casework.models import Task
from divert.casework.reminders import send_task_reminders
from divert.notify.models import Notification

LA = ZoneInfo("America/Los_Angeles")


def test_due_and_overdue_tasks_remind_once(case_manager_cam, participant):
    Task.objects.create(person=participant, assigned_to=case_manager_cam, created_by=case_manager_cam,
                        title="CANARY-SUD-7f3a9c call about the methadone clinic", due_on=date(2026, 3, 3))
    Task.objects.create(assigned_to=case_manager_cam, created_by=case_manager_cam, title="later",
                        due_on=date(2026, 3, 9))
    done = Task.objects.create(assigned_to=case_manager_cam, created_by=case_manager_cam, title="done",
                               due_on=date(2026, 3, 1))
    Task.objects.filter(pk=done.pk).update(done_at=datetime(2026, 3, 1, tzinfo=LA))
    with time_machine.travel(datetime(2026, 3, 3, 8, 0, tzinfo=LA), tick=False):
        assert send_task_reminders() == 1
        assert send_task_reminders() == 0
    with time_machine.travel(datetime(2026, 3, 4, 8, 0, tzinfo=LA), tick=False):
        assert send_task_reminders() == 0  # the same task and due date: already reminded
    notes = Notification.objects.filter(kind="divert.task.due")
    assert [n.title for n in notes] == ["A task is due today"]
    assert all("CANARY" not in n.title + n.body and "methadone" not in n.title for n in notes)
