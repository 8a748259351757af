import pytest

from divert.notify import sms


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """Text messages go to LocmemBackend's outbox (Django already keeps email in mail.outbox)."""
    settings.DIVERT_SMS_BACKEND = "locmem"
    settings.DIVERT_SITE_URL = "https://divert.example.org"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the after-commit delivery that the test transaction would otherwise hold back."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
