"""Task reminders, run by `divert tick`. The message says only that something is due; the task list says what."""

from datetime import datetime

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from divert.accounts.roles import CASE_MANAGEMENT_ROLES
from divert.notify.actions import notify

from .models import Task


def send_task_reminders(now: datetime | None = None) -> int:
    """Remind each worker of their open tasks and reminders due today or overdue, once per task and due date."""
    today = timezone.localdate(now or timezone.now())
    due = Task.objects.filter(done_at__isnull=True, due_on__lte=today).select_related("assigned_to")
    sent = 0
    for task in due.iterator():
        title = _("A task is due today") if task.due_on == today else _("A task is overdue")
        if notify([task.assigned_to], kind="divert.task.due", title=title, url=_task_list_for(task.assigned_to),
                  channels=("inbox",), dedupe_key=f"task-due:{task.pk}:{task.due_on.isoformat()}"):
            sent += 1
    return sent


def _task_list_for(user) -> str:
    """Where the worker finds their tasks. Seats outside case management hold only tasks the Operational Work Group
    gave them (action items), listed on the OWG page: the task list is not theirs to open."""
    if user.has_role(*CASE_MANAGEMENT_ROLES):
        return reverse("tasks")
    try:
        return reverse("owg")
    except NoReverseMatch:
        return reverse("home")
