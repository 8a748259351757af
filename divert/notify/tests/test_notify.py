import pytest

from divert.audit.models import AuditEvent
from divert.notify.actions import notify
from divert.notify.models import Delivery, Notification


def test_notify_writes_one_inbox_row_per_recipient(personas, sent):
    with sent():
        rows = notify([personas.case_manager_cam, personas.supervisor_sue], kind="divert.handoff.requested",
                      title="Hand-off requested: an officer is waiting (R-0001)", body="Please call dispatch.",
                      url="/referrals/1/", actor=personas.officer_olivia)
    assert {n.recipient for n in rows} == {personas.case_manager_cam, personas.supervisor_sue}
    cam = Notification.objects.get(recipient=personas.case_manager_cam)
    assert (cam.kind, cam.title, cam.body, cam.url, cam.read_at) == (
        "divert.handoff.requested", "Hand-off requested: an officer is waiting (R-0001)", "Please call dispatch.",
        "/referrals/1/", None)


def test_one_audit_event_per_call_without_the_text(personas, sent):
    with sent():
        notify([personas.case_manager_cam, personas.supervisor_sue], kind="divert.intake.reminder",
               title="Intake for R-0042 is due today", body="secret-ish words", url="/referrals/42/",
               channels=("inbox", "email"), actor=personas.officer_olivia)
    event = AuditEvent.objects.get(action="divert.notification.sent")
    assert event.actor == personas.officer_olivia
    assert event.details == {"kind": "divert.intake.reminder", "recipients": 2, "channels": ["inbox", "email"]}
    assert "R-0042" not in str(event.details) and "secret-ish" not in str(event.details)


def test_the_same_user_twice_and_missing_or_inactive_users_are_skipped(personas, sent):
    personas.case_manager_casey.is_active = False
    personas.case_manager_casey.save()
    rows = notify([personas.case_manager_cam, personas.case_manager_cam, None, personas.case_manager_casey],
                  kind="divert.test", title="Something")
    assert [n.recipient for n in rows] == [personas.case_manager_cam]


def test_nobody_to_tell_writes_nothing(db):
    assert notify([], kind="divert.test", title="Something") == []
    assert not AuditEvent.objects.filter(action="divert.notification.sent").exists()


def test_title_becomes_one_line(personas):
    [row] = notify([personas.case_manager_cam], kind="divert.test", title="Two\nlines  " + "x" * 300)
    assert row.title.startswith("Two lines x") and len(row.title) == 200 and "\n" not in row.title


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "referrals/1/"])
def test_links_must_stay_inside_divert(personas, url):
    with pytest.raises(ValueError):
        notify([personas.case_manager_cam], kind="divert.test", title="x", url=url)
    assert not Notification.objects.exists()


def test_unknown_channel_is_a_programming_error(personas):
    with pytest.raises(ValueError):
        notify([personas.case_manager_cam], kind="divert.test", title="x", channels=("inbox", "pager"))


def test_inbox_only_sends_nothing_outside(personas, sent, mailoutbox, sms_outbox):
    personas.case_manager_cam.email, personas.case_manager_cam.phone = "cam@example.org", "+15550100"
    with sent():
        [row] = notify([personas.case_manager_cam], kind="divert.test", title="x", channels=("inbox",))
    assert mailoutbox == [] and sms_outbox == []
    row.refresh_from_db()
    assert (row.email_status, row.sms_status) == (Delivery.NOT_SENT, Delivery.NOT_SENT)


def test_nothing_is_sent_when_the_callers_transaction_rolls_back(personas, sent, mailoutbox, sms_outbox):
    from django.db import transaction

    personas.case_manager_cam.email, personas.case_manager_cam.phone = "cam@example.org", "+15550100"
    with sent(), pytest.raises(RuntimeError), transaction.atomic():
        notify([personas.case_manager_cam], kind="divert.test", title="x")
        raise RuntimeError("the caller failed")
    assert mailoutbox == [] and sms_outbox == []
    assert not Notification.objects.exists()
