"""Renewal reminders: 90, 30 and 7 days before an agreement's renewal date and on the day, each once; a missed
day is caught up with the nearest reminder; the message carries no more than the kind of agreement."""

from datetime import date, datetime, timedelta

import pytest
import time_machine

from divert.coordination import actions_pcg as actions
from divert.coordination.actions_pcg import renewal_step, send_agreement_renewal_reminders
from divert.notify.models import Notification

from .test_pcg_support import noon

RENEWAL = date(2026, 9, 30)


@pytest.fixture
def mou(manager_mo, personas):
    agreement, _ = actions.do_add_agreement(actor=manager_mo, kind="mou", title="Secret-sounding MOU title",
                                            effective_on=date(2023, 9, 30), renewal_on=RENEWAL,
                                            notes="Council member X wants changes")
    return agreement


def _run(day: date) -> int:
    with time_machine.travel(noon(day), tick=False):
        return send_agreement_renewal_reminders(day)


def _titles(user):
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True))


@pytest.mark.parametrize(("days_left", "step"), [
    (120, None), (91, None), (90, 90), (31, 90), (30, 30), (8, 30), (7, 7), (1, 7), (0, 0), (-1, 0), (-30, 0),
    (-31, None),
])
def test_the_step_for_the_days_left(days_left, step):
    assert renewal_step(days_left) == step


def test_each_reminder_once(mou, manager_mo, admin_ada, officer_olivia):
    sent = {}
    for offset in range(100, -3, -1):
        day = RENEWAL - timedelta(days=offset)
        for _ in range(2):  # tick runs often
            if _run(day):
                sent.setdefault(offset, 0)
                sent[offset] += 1
    assert sent == {90: 1, 30: 1, 7: 1, 0: 1}
    assert _titles(manager_mo) == [
        "Memorandum of understanding: renewal due in 90 days", "Memorandum of understanding: renewal due in 30 days",
        "Memorandum of understanding: renewal due in 7 days", "Memorandum of understanding: renewal due today"]
    note = Notification.objects.filter(recipient=manager_mo).first()
    assert note.url == f"/pcg/agreements/{mou.pk}/"
    for notification in Notification.objects.all():  # nothing of the agreement's own text leaves the building
        assert "Secret" not in notification.title + notification.body and "Council" not in notification.body
    assert not _titles(admin_ada) and not _titles(officer_olivia)


def test_a_missed_day_is_caught_up_once(mou, manager_mo):
    assert _run(RENEWAL - timedelta(days=100)) == 0
    assert _run(RENEWAL - timedelta(days=20)) == 1  # the 90- and 30-day ticks never ran: one reminder now
    assert _run(RENEWAL - timedelta(days=19)) == 0
    assert _run(RENEWAL + timedelta(days=2)) == 1  # down over the renewal day: reminded after, once
    assert _run(RENEWAL + timedelta(days=3)) == 0
    assert _titles(manager_mo) == ["Memorandum of understanding: renewal due in 20 days",
                                   "Memorandum of understanding: renewal date has passed"]


def test_a_renewal_starts_the_reminders_again(mou, manager_mo):
    assert _run(RENEWAL) == 1
    actions.do_change_agreement(mou, actor=manager_mo, if_unchanged_since=None, renewal_on=date(2029, 9, 30))
    assert _run(date(2029, 9, 30) - timedelta(days=90)) == 1
    assert len(_titles(manager_mo)) == 2


def test_long_past_and_termless_agreements_are_left_alone(manager_mo, personas):
    actions.do_add_agreement(actor=manager_mo, kind="resolution", title="Resolution", effective_on=date(2020, 1, 1))
    actions.do_add_agreement(actor=manager_mo, kind="data_sharing", title="Old DSA", effective_on=date(2020, 1, 1),
                             renewal_on=date(2021, 1, 1))
    assert _run(date(2026, 3, 10)) == 0


def test_the_site_administrator_too_when_configured(settings, mou, manager_mo, admin_ada):
    settings.DIVERT_RENEWAL_REMINDERS_TO_SITE_ADMIN = True
    assert _run(RENEWAL - timedelta(days=7)) == 1
    assert len(_titles(admin_ada)) == 1 and len(_titles(manager_mo)) == 1


def test_tick_passes_a_datetime(mou, manager_mo):
    moment = noon(RENEWAL)
    with time_machine.travel(moment, tick=False):
        assert send_agreement_renewal_reminders(moment) == 1
        assert send_agreement_renewal_reminders(datetime.now(moment.tzinfo)) == 0
