"""A charge held for the plan: on its review-by date the prosecutor who held it is told, once, and nothing else
happens on its own."""

import io
from datetime import date, datetime, time, timedelta

import time_machine
from django.core.management import call_command
from django.utils import timezone

from divert.coordination import actions_legal as actions
from divert.coordination.models import CoordinationStatus
from divert.notify.models import Notification

pytest_plugins = ["divert.coordination.tests.conftest_legal"]


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _held(matter, prosecutor, case_manager, review_by: date):
    req, _ = actions.do_open_coordination_request(prosecutor, matter)
    actions.do_answer_coordination_request(req, actor=case_manager, answer_kind="nothing_to_share")
    return actions.do_decide_coordination_request(req, actor=prosecutor, decision="hold",
                                                  reason="Let the housing plan work.", review_by=review_by)


def test_the_prosecutor_is_told_once_on_the_review_date(matter, prosecutor_pat, case_manager_cam):
    start = date(2026, 4, 1)
    with time_machine.travel(_at(start), tick=False):
        req = _held(matter, prosecutor_pat, case_manager_cam, start + timedelta(days=30))
    with time_machine.travel(_at(start + timedelta(days=29)), tick=False):
        assert actions.send_hold_reviews() == 0
    with time_machine.travel(_at(start + timedelta(days=30)), tick=False):
        assert actions.send_hold_reviews() == 1
        assert actions.send_hold_reviews() == 0
        call_command("tick", stdout=io.StringIO())
    notes = Notification.objects.filter(kind="divert.coordination.hold_review")
    assert [n.recipient for n in notes] == [prosecutor_pat]
    assert notes[0].url == f"/coordination/{req.pk}/" and "Zyxcanary" not in notes[0].title + notes[0].body
    req.refresh_from_db()
    assert req.status == CoordinationStatus.DECIDED and req.decision == "hold"  # nothing moves on its own


def test_a_missed_day_is_caught_up_but_old_holds_stay_quiet(matter, prosecutor_pat, case_manager_cam):
    start = date(2026, 4, 1)
    with time_machine.travel(_at(start), tick=False):
        _held(matter, prosecutor_pat, case_manager_cam, start + timedelta(days=30))
    with time_machine.travel(_at(start + timedelta(days=33)), tick=False):
        assert actions.send_hold_reviews() == 1
    Notification.objects.all().delete()
    with time_machine.travel(_at(start + timedelta(days=30 + actions.HOLD_REVIEW_CATCH_UP_DAYS + 1)), tick=False):
        assert actions.send_hold_reviews() == 0
