"""The daily digest: once a day, after the digest hour, to users who chose it; titles and links only."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from divert.audit.models import AuditEvent
from divert.lib.jobs import jobs
from divert.notify.actions import do_mark_read, do_set_preferences, notify, send_daily_digests
from divert.notify.models import Delivery, Digest, Notification

LA = ZoneInfo("America/Los_Angeles")
MONDAY_6AM = datetime(2026, 3, 2, 6, 0, tzinfo=LA)
MONDAY_7AM = datetime(2026, 3, 2, 7, 0, tzinfo=LA)
MONDAY_NOON = datetime(2026, 3, 2, 12, 0, tzinfo=LA)
TUESDAY_8AM = datetime(2026, 3, 3, 8, 0, tzinfo=LA)
SUNDAY_EVENING = datetime(2026, 3, 1, 18, 0, tzinfo=LA)


@pytest.fixture(autouse=True)
def _la(settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    settings.DIVERT_DIGEST_HOUR = 7


@pytest.fixture
def cam(personas):
    user = personas.case_manager_cam
    user.email = "cam@example.org"
    user.save()
    do_set_preferences(user, email="digest", sms="urgent")
    return user


def _held(user, title: str, body: str = "") -> Notification:
    [row] = notify([user], kind="divert.intake.reminder", title=title, body=body, url="/referrals/7/",
                   channels=("inbox", "email"))
    return row


def test_one_digest_a_day_after_the_hour_with_titles_and_links_only(cam, mailoutbox):
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        first = _held(cam, "Intake for R-2026-0007 is due in 3 days", body="A body the digest leaves out")
        _held(cam, "Referral R-2026-0008 awaits your approval")
    assert mailoutbox == []
    with time_machine.travel(MONDAY_6AM, tick=False):
        assert send_daily_digests(timezone.now()) == 0  # before the digest hour
    with time_machine.travel(MONDAY_7AM, tick=False):
        assert send_daily_digests(timezone.now()) == 1
        assert send_daily_digests(timezone.now()) == 0  # once a day
    [message] = mailoutbox
    assert message.to == ["cam@example.org"]
    assert message.subject == "Divert: 2 notifications waiting in your inbox"
    assert "Intake for R-2026-0007 is due in 3 days" in message.body
    assert "Referral R-2026-0008 awaits your approval" in message.body
    assert "/referrals/7/" in message.body and "/inbox/settings/" in message.body
    assert "A body the digest leaves out" not in message.body
    first.refresh_from_db()
    assert first.email_status == Delivery.SENT
    assert Digest.objects.get().count == 2 and Digest.objects.get().status == Delivery.SENT
    event = AuditEvent.objects.get(action="divert.notification.digest_sent")
    assert event.details == {"digests": 1, "day": "2026-03-02"}


def test_the_next_digest_lists_only_what_came_since(cam, mailoutbox):
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        _held(cam, "Old one")
    with time_machine.travel(MONDAY_7AM, tick=False):
        send_daily_digests(timezone.now())
    with time_machine.travel(MONDAY_NOON, tick=False):
        _held(cam, "New one")
        assert send_daily_digests(timezone.now()) == 0  # today's digest went already
    with time_machine.travel(TUESDAY_8AM, tick=False):
        assert send_daily_digests(timezone.now()) == 1
    assert "New one" in mailoutbox[1].body and "Old one" not in mailoutbox[1].body


def test_read_notifications_and_other_preferences_get_no_digest(cam, personas, mailoutbox):
    sue = personas.supervisor_sue
    sue.email = "sue@example.org"
    sue.save()
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        row = _held(cam, "Already seen")
        _held(sue, "Emailed at once")  # sue keeps the default: each time
    do_mark_read(cam, row)
    mail.outbox.clear()
    with time_machine.travel(MONDAY_7AM, tick=False):
        assert send_daily_digests(timezone.now()) == 0
    assert mailoutbox == [] and not Digest.objects.exists()


def test_a_failed_digest_keeps_them_for_tomorrow(cam, settings, mailoutbox):
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        _held(cam, "Keep me")
    settings.EMAIL_BACKEND = "divert.notify.tests.test_failures.RefusingEmailBackend"
    with time_machine.travel(MONDAY_7AM, tick=False):
        assert send_daily_digests(timezone.now()) == 0
    assert Digest.objects.get().status == Delivery.FAILED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(TUESDAY_8AM, tick=False):
        assert send_daily_digests(timezone.now()) == 1
    assert "Keep me" in mailoutbox[-1].body


def test_no_address_is_recorded(cam, mailoutbox):
    cam.email = ""
    cam.save()
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        _held(cam, "Nowhere to go")
    with time_machine.travel(MONDAY_7AM, tick=False):
        assert send_daily_digests(timezone.now()) == 0
    assert Digest.objects.get().status == Delivery.NO_ADDRESS and mailoutbox == []


def test_a_long_digest_is_cut_short(cam, mailoutbox):
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        for i in range(53):
            _held(cam, f"Thing {i:02}")
    with time_machine.travel(MONDAY_7AM, tick=False):
        send_daily_digests(timezone.now())
    assert "Thing 49" in mailoutbox[0].body and "Thing 50" not in mailoutbox[0].body
    assert "And 3 more in your inbox." in mailoutbox[0].body


def test_deactivated_users_get_none(cam, mailoutbox):
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        _held(cam, "x")
    cam.is_active = False
    cam.save()
    with time_machine.travel(MONDAY_7AM, tick=False):
        assert send_daily_digests(timezone.now()) == 0


def test_divert_tick_runs_the_digests():
    assert "daily digests" in [job.name for job in jobs()]
