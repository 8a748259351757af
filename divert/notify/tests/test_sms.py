import io
import json

import pytest
from django.core.checks import run_checks

from divert.notify import sms
from divert.notify.actions import notify
from divert.notify.models import Delivery


def test_sms_goes_to_the_users_phone(personas, sent, sms_outbox):
    personas.officer_olivia.phone = "+1 555 0100"
    with sent():
        [row] = notify([personas.officer_olivia], kind="divert.handoff.acknowledged",
                       title="A case manager is on the way (R-0001)", body="not in the text message",
                       url="/referrals/1/", channels=("inbox", "sms"))
    [message] = sms_outbox
    assert message.to == "+1 555 0100"
    assert message.text == "Divert: A case manager is on the way (R-0001) https://divert.example.org/referrals/1/"
    row.refresh_from_db()
    assert (row.sms_status, row.email_status) == (Delivery.SENT, Delivery.NOT_SENT)


def test_no_phone_is_recorded_as_no_address(personas, sent, sms_outbox):
    personas.officer_olivia.phone = "  "
    with sent():
        [row] = notify([personas.officer_olivia], kind="divert.handoff.acknowledged", title="x",
                       channels=("inbox", "sms"))
    assert sms_outbox == []
    row.refresh_from_db()
    assert row.sms_status == Delivery.NO_ADDRESS


def test_console_backend_prints(capsys):
    sms.ConsoleBackend().send("+15550100", "hello")
    assert "SMS to: +15550100\nhello\n" in capsys.readouterr().out
    stream = io.StringIO()
    sms.ConsoleBackend(stream=stream).send("+15550100", "hi")
    assert "hi" in stream.getvalue()


@pytest.mark.parametrize(("name", "cls"), [("console", sms.ConsoleBackend), ("locmem", sms.LocmemBackend),
                                           ("divert.notify.sms.LocmemBackend", sms.LocmemBackend)])
def test_get_backend_reads_the_setting(settings, name, cls):
    settings.DIVERT_SMS_BACKEND = name
    assert isinstance(sms.get_backend(), cls)


class FakeResponse:
    status = 202

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_webhook_posts_json_with_a_bearer_token(settings, monkeypatch):
    settings.DIVERT_SMS_BACKEND = "webhook"
    settings.DIVERT_SMS_WEBHOOK_URL = "https://sms.example.org/send"
    settings.DIVERT_SMS_WEBHOOK_TOKEN = "tok-123"
    seen = {}

    def fake_urlopen(request, timeout):
        seen.update(url=request.full_url, method=request.get_method(), timeout=timeout,
                    auth=request.get_header("Authorization"), body=json.loads(request.data))
        return FakeResponse()

    monkeypatch.setattr(sms.urllib.request, "urlopen", fake_urlopen)
    sms.get_backend().send("+15550100", "hello")
    assert seen == {"url": "https://sms.example.org/send", "method": "POST", "timeout": 10,
                    "auth": "Bearer tok-123", "body": {"to": "+15550100", "text": "hello"}}


def test_webhook_refuses_other_schemes():
    with pytest.raises(Exception, match="http"):
        sms.WebhookBackend(url="file:///etc/passwd", token="")


def test_system_check_names_a_bad_backend(settings):
    settings.DIVERT_SMS_BACKEND = "divert.notify.sms.NoSuchBackend"
    assert "divert.notify.E001" in {e.id for e in run_checks()}
    settings.DIVERT_SMS_BACKEND = "webhook"
    settings.DIVERT_SMS_WEBHOOK_URL = ""
    assert "divert.notify.E002" in {e.id for e in run_checks()}
    settings.DIVERT_SMS_WEBHOOK_URL = "https://sms.example.org/send"
    assert not {e.id for e in run_checks()} & {"divert.notify.E001", "divert.notify.E002"}
