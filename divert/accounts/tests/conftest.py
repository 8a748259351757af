"""Helpers for the security tests: signing in through the real forms, and the codes an authenticator shows."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.contrib.auth import SESSION_KEY

from conftest import PASSWORD

LOGIN_URL = "/accounts/login/"
MFA_AUTHENTICATE_URL = "/accounts/2fa/authenticate/"


def code_for_secret(secret: str) -> str:
    """The six digits an authenticator app shows now (tests freeze time with time-machine around this)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def totp_code(user) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return code_for_secret(decrypt(authenticator.data["secret"]))


def recovery_codes(user) -> list[str]:
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    if authenticator is None:
        return RecoveryCodes.activate(user).get_unused_codes()
    return authenticator.wrap().get_unused_codes()


def post_password(client, username: str, password: str = PASSWORD):
    return client.post(LOGIN_URL, {"login": username, "password": password})


def signed_in_user_id(client):
    """The id of the user this client's session is signed in as, or None."""
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def sign_in_with_totp(client, user, password: str = PASSWORD):
    """Both stages of the real sign-in: password, then the authenticator's code."""
    response = post_password(client, user.username, password)
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"].startswith(MFA_AUTHENTICATE_URL)
    response = client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(user)})
    assert signed_in_user_id(client) == user.pk
    return response


@pytest.fixture
def frozen_time():
    """Stop the clock at a fixed instant (mid TOTP period), so codes never roll over mid-test."""
    import time_machine

    with time_machine.travel(1_790_000_010, tick=False) as traveller:
        yield traveller
