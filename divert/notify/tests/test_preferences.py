"""Notification preferences: email each time, in a daily digest or not at all; SMS for urgent notifications only or
never. The inbox always has every notification."""

import re

import pytest
from django.urls import reverse

from divert.audit.models import AuditEvent
from divert.notify.actions import URGENT_KINDS, do_set_preferences, notify
from divert.notify.models import Delivery, Notification, NotificationPreference

URL = reverse("notification_preferences")


@pytest.fixture
def cam(personas):
    user = personas.case_manager_cam
    user.email, user.phone = "cam@example.org", "+15550100"
    user.save()
    return user


def test_the_defaults_keep_todays_behaviour(cam, sent, mailoutbox, sms_outbox):
    with sent():
        [handoff] = notify([cam], kind="divert.handoff.requested", title="Hand-off requested (R-1)")
        [other] = notify([cam], kind="divert.test", title="Something", channels=("inbox", "email", "sms"))
    assert len(mailoutbox) == 2 and len(sms_outbox) == 1  # text messages: urgent ones only
    handoff.refresh_from_db(), other.refresh_from_db()
    assert (handoff.email_status, handoff.sms_status) == (Delivery.SENT, Delivery.SENT)
    assert (other.email_status, other.sms_status) == (Delivery.SENT, Delivery.TURNED_OFF)


def test_the_hand_off_kinds_are_urgent():
    assert {"divert.handoff.requested", "divert.handoff.acknowledged"} <= URGENT_KINDS
    assert "divert.intake.reminder" not in URGENT_KINDS


def test_no_email_and_no_sms_still_writes_the_inbox(cam, sent, mailoutbox, sms_outbox):
    do_set_preferences(cam, email="none", sms="none")
    with sent():
        [row] = notify([cam], kind="divert.handoff.requested", title="Hand-off requested (R-1)")
    assert mailoutbox == [] and sms_outbox == []
    row.refresh_from_db()
    assert (row.email_status, row.sms_status) == (Delivery.TURNED_OFF, Delivery.TURNED_OFF)
    assert Notification.objects.filter(recipient=cam, read_at__isnull=True).count() == 1


def test_digest_holds_ordinary_email_but_not_urgent_ones(cam, sent, mailoutbox):
    do_set_preferences(cam, email="digest", sms="urgent")
    with sent():
        [ordinary] = notify([cam], kind="divert.intake.reminder", title="Intake for R-1 is due in 3 days",
                            channels=("inbox", "email"))
        [urgent] = notify([cam], kind="divert.handoff.requested", title="Hand-off requested (R-2)")
    assert [m.subject for m in mailoutbox] == ["Hand-off requested (R-2)"]
    ordinary.refresh_from_db()
    assert ordinary.email_status == Delivery.HELD_FOR_DIGEST


def test_a_sender_that_asked_for_no_email_is_not_put_in_the_digest(cam, sent):
    do_set_preferences(cam, email="digest", sms="none")
    with sent():
        [row] = notify([cam], kind="divert.task.due", title="A task is due today", channels=("inbox",))
    assert row.email_status == Delivery.NOT_SENT


def test_each_recipient_gets_their_own_preference(personas, cam, sent, mailoutbox):
    sue = personas.supervisor_sue
    sue.email = "sue@example.org"
    sue.save()
    do_set_preferences(sue, email="none", sms="urgent")
    with sent():
        notify([cam, sue], kind="divert.test", title="x", channels=("inbox", "email"))
    assert [m.to for m in mailoutbox] == [["cam@example.org"]]


def test_the_page_shows_and_saves_the_users_own_preferences(cam, login):
    client = login(cam)
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "cam@example.org" in text and "+15550100" in text
    assert re.search(r'value="each" id="[^"]+" checked', text) and re.search(r'value="urgent" id="[^"]+" checked', text)
    response = client.post(URL, {"email": "digest", "sms": "none"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=cam)
    assert (preference.email, preference.sms) == ("digest", "none")
    event = AuditEvent.objects.get(action="divert.notification.preferences_changed")
    assert event.actor == cam and event.details == {"email": "digest", "sms": "none",
                                                    "before": {"email": "each", "sms": "urgent"}}
    assert "Email: a daily digest. Text messages: no text messages." in client.get(reverse("inbox")).content.decode()


@pytest.mark.parametrize("bad", [{"email": "hourly", "sms": "none"}, {"email": "each", "sms": "always"}, {}])
def test_bad_input_is_refused(bad, cam, login):
    assert login(cam).post(URL, bad).status_code == 400
    assert not NotificationPreference.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_inbox_and_the_account_page_link_to_the_preferences(cam, login):
    client = login(cam)
    assert URL in client.get(reverse("inbox")).content.decode()
    assert URL in client.get(reverse("account")).content.decode()
