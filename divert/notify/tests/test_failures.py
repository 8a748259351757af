"""A channel that fails is logged and recorded; the caller never notices."""

import logging

from divert.notify.actions import notify
from divert.notify.models import Delivery, Notification


class RefusingSMSBackend:
    def send(self, to: str, text: str) -> None:
        raise OSError("gateway down")


class RefusingEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        raise OSError("mail server down")

    def close(self):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


def test_failing_channels_are_recorded_and_the_caller_goes_on(personas, sent, settings, caplog):
    settings.DIVERT_SMS_BACKEND = "divert.notify.tests.test_failures.RefusingSMSBackend"
    settings.EMAIL_BACKEND = "divert.notify.tests.test_failures.RefusingEmailBackend"
    cam = personas.case_manager_cam
    cam.email, cam.phone = "cam@example.org", "+15550100"
    with caplog.at_level(logging.WARNING, logger="divert.notify"), sent():
        # An urgent kind: text messages go out only for those (see URGENT_KINDS).
        rows = notify([cam], kind="divert.handoff.requested", title="Something needs you")
    assert len(rows) == 1
    row = Notification.objects.get()
    assert (row.email_status, row.sms_status) == (Delivery.FAILED, Delivery.FAILED)
    assert "was not sent" in caplog.text and "mail server" in caplog.text
    assert "Something needs you" not in caplog.text


def test_an_unimportable_sms_backend_is_a_failure_too(personas, sent, settings):
    settings.DIVERT_SMS_BACKEND = "divert.notify.sms.NoSuchBackend"
    personas.case_manager_cam.phone = "+15550100"
    with sent():
        notify([personas.case_manager_cam], kind="divert.handoff.requested", title="x", channels=("sms",))
    assert Notification.objects.get().sms_status == Delivery.FAILED


def test_one_failed_email_does_not_stop_the_others(personas, sent, mailoutbox, monkeypatch):
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send

    def send(self, fail_silently=False):
        if self.to == ["cam@example.org"]:
            raise OSError("recipient refused")
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", send)
    personas.case_manager_cam.email = "cam@example.org"
    personas.supervisor_sue.email = "sue@example.org"
    with sent():
        notify([personas.case_manager_cam, personas.supervisor_sue], kind="divert.test", title="x",
               channels=("email",))
    statuses = dict(Notification.objects.values_list("recipient__username", "email_status"))
    assert statuses == {"case_manager_cam": Delivery.FAILED, "supervisor_sue": Delivery.SENT}
    assert [m.to for m in mailoutbox] == [["sue@example.org"]]
