"""The demo's year of Operational Work Group meetings, on a small site."""

import random
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from divert.casework.models import Task
from divert.coordination.actions_owg import minutes_findings
from divert.coordination.golden_rule import check_text
from divert.coordination.models import (
    ActionItem,
    AgendaItem,
    MeetingAttendance,
    MeetingDecision,
    OperationalWorkGroupFlag,
    OperationalWorkGroupMeeting,
    OperationalWorkGroupMember,
)
from divert.demo.seed_owg import seed_owg
from divert.participants.models import EnrollmentStatus

pytest_plugins = ["divert.casework.tests.conftest_contacts", "divert.coordination.tests.conftest_owg"]

TODAY = date(2026, 11, 25)


def _seed(n_queries_below: int):
    with CaptureQueriesContext(connection) as queries:
        written = seed_owg(random.Random(11), None, TODAY)
    assert len(queries) < n_queries_below, len(queries)
    return written


def test_a_year_of_meetings_on_a_small_site(personas, load_caseload, case_manager_cam, case_manager_casey,
                                            manager_mo):
    load_caseload(case_manager_cam, 40)
    load_caseload(case_manager_casey, 10, status=EnrollmentStatus.IN_THE_WIND)
    written = _seed(200)
    meetings = list(OperationalWorkGroupMeeting.objects.order_by("starts_at"))
    assert 26 <= len(meetings) <= 28
    past = [m for m in meetings if m.day < TODAY]
    assert all(m.approved for m in past[:-1]) and not past[-1].approved and past[-1].minutes_summary
    assert all(not m.approved for m in meetings if m.day >= TODAY)
    assert OperationalWorkGroupMember.objects.filter(community_representative=True, agency__isnull=True).exists()
    assert OperationalWorkGroupMember.objects.filter(user=manager_mo).exists()
    assert MeetingAttendance.objects.filter(meeting=past[0]).exists()
    assert MeetingDecision.objects.exists()
    actions = ActionItem.objects.select_related("task")
    assert actions.filter(task__done_at__isnull=False).exists() and actions.filter(task__done_at__isnull=True).exists()
    assert all(a.task.assigned_to_id == a.owner_id for a in actions)
    assert AgendaItem.objects.filter(person__isnull=False).exists()
    flags = OperationalWorkGroupFlag.objects.filter(resolved_at__isnull=True)
    flag_items = AgendaItem.objects.filter(flag__in=flags)
    assert flags.exists() and flag_items.count() == flags.count()
    assert all(item.meeting.day >= TODAY for item in flag_items)
    assert written > len(meetings) + AgendaItem.objects.count()
    assert Task.objects.count() == actions.count()
    # Every line the seed writes passes the First Golden Rule check.
    for meeting in past:
        assert minutes_findings(meeting, manager_mo) == []
    for flag in flags:
        assert check_text(flag.reason) == []


def test_the_work_does_not_grow_with_participants(personas, load_caseload, case_manager_cam):
    load_caseload(case_manager_cam, 400)
    _seed(200)
