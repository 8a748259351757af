from divert.audit.models import AuditEvent
from divert.notify.actions import notify
from divert.notify.models import Notification


def test_a_second_call_with_the_same_key_notifies_nobody_twice(personas, sent, mailoutbox):
    personas.case_manager_cam.email = "cam@example.org"
    personas.case_manager_cam.save()
    with sent():
        first = notify([personas.case_manager_cam], kind="divert.intake.reminder", title="Due in 3 days",
                       dedupe_key="intake-reminder:1:3")
        second = notify([personas.case_manager_cam], kind="divert.intake.reminder", title="Due in 3 days",
                        dedupe_key="intake-reminder:1:3")
    assert len(first) == 1 and second == []
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action="divert.notification.sent").count() == 1


def test_the_key_is_per_recipient(personas):
    notify([personas.case_manager_cam], kind="divert.test", title="x", dedupe_key="k")
    rows = notify([personas.case_manager_cam, personas.outreach_omar], kind="divert.test", title="x", dedupe_key="k")
    assert [n.recipient for n in rows] == [personas.outreach_omar]


def test_without_a_key_every_call_notifies(personas):
    notify([personas.case_manager_cam], kind="divert.test", title="x")
    notify([personas.case_manager_cam], kind="divert.test", title="x")
    assert Notification.objects.filter(recipient=personas.case_manager_cam).count() == 2
