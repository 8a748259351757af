"""Repeated failed sign-ins lock the account (not the address) until the cool-off has passed.

Every attempt goes through allauth's real login form; a right password then lands on the TOTP stage.
"""

from datetime import UTC, datetime, timedelta

import time_machine
from django.conf import settings

from conftest import PASSWORD
from divert.accounts.tests.conftest import (
    LOGIN_URL,
    MFA_AUTHENTICATE_URL,
    post_password,
    sign_in_with_totp,
    signed_in_user_id,
)
from divert.audit.models import AuditEvent

WRONG = "not the password at all"
LIMIT = 5
T0 = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)


def fail(client, username, times=1):
    return [post_password(client, username, WRONG) for _ in range(times)]


def reaches_totp_stage(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(MFA_AUTHENTICATE_URL)


def is_locked_out_page(response) -> bool:
    return response.status_code == 429 and "Account locked" in response.content.decode()


def test_lockout_settings_are_five_failures_and_thirty_minutes():
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert timedelta(hours=settings.AXES_COOLOFF_TIME) == timedelta(minutes=30)
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]


def test_a_wrong_password_is_refused_and_audited_without_the_password(client, officer_olivia):
    response = post_password(client, "officer_olivia", WRONG)
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert signed_in_user_id(client) is None
    event = AuditEvent.objects.get(action="divert.session.sign_in_failed")
    assert event.actor_id == officer_olivia.pk
    assert event.details == {"username": "officer_olivia"}
    assert WRONG not in str(event.details)
    assert not AuditEvent.objects.filter(action="divert.session.locked_out").exists()


def test_four_failures_do_not_lock_the_account(client, officer_olivia):
    responses = fail(client, "officer_olivia", LIMIT - 1)
    assert [r.status_code for r in responses] == [200] * (LIMIT - 1)
    assert reaches_totp_stage(post_password(client, "officer_olivia", PASSWORD))
    assert not AuditEvent.objects.filter(action="divert.session.locked_out").exists()


def test_the_fifth_failure_locks_the_account_and_the_right_password_is_then_refused(client, officer_olivia):
    responses = fail(client, "officer_olivia", LIMIT)
    assert [r.status_code for r in responses[:-1]] == [200] * (LIMIT - 1)
    assert is_locked_out_page(responses[-1])
    assert AuditEvent.objects.filter(action="divert.session.sign_in_failed", actor=officer_olivia).count() == LIMIT
    locked = AuditEvent.objects.get(action="divert.session.locked_out")
    assert locked.actor_id == officer_olivia.pk
    assert locked.details == {"username": "officer_olivia"}

    response = post_password(client, "officer_olivia", PASSWORD)
    assert is_locked_out_page(response)
    assert signed_in_user_id(client) is None
    # The right password did not even reach the TOTP stage: nothing tells an attacker it was right.
    assert client.get(MFA_AUTHENTICATE_URL)["Location"].startswith(LOGIN_URL)
    assert not AuditEvent.objects.filter(action="divert.session.signed_in").exists()
    # The refused attempt is on the record too.
    assert AuditEvent.objects.filter(action="divert.session.sign_in_failed", actor=officer_olivia).count() == LIMIT + 1


def test_lockout_is_per_username_so_others_at_the_same_address_still_sign_in(client, officer_olivia, sergeant_sam):
    fail(client, "officer_olivia", LIMIT)
    assert is_locked_out_page(post_password(client, "officer_olivia", PASSWORD))

    # The same browser and address: another account is not locked.
    assert reaches_totp_stage(post_password(client, "sergeant_sam", PASSWORD))
    assert not AuditEvent.objects.filter(action="divert.session.locked_out", actor=sergeant_sam).exists()


def test_failures_against_one_account_do_not_count_against_another(client, officer_olivia, sergeant_sam):
    fail(client, "sergeant_sam", LIMIT - 1)
    fail(client, "officer_olivia", LIMIT - 1)
    assert reaches_totp_stage(post_password(client, "officer_olivia", PASSWORD))
    assert reaches_totp_stage(post_password(client, "sergeant_sam", PASSWORD))


def test_changing_address_does_not_escape_the_lockout(client, officer_olivia):
    for n in range(LIMIT):
        client.post(LOGIN_URL, {"login": "officer_olivia", "password": WRONG}, REMOTE_ADDR=f"10.0.0.{n + 1}")
    response = client.post(LOGIN_URL, {"login": "officer_olivia", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert is_locked_out_page(response)
    assert signed_in_user_id(client) is None


def test_changing_the_case_of_the_username_does_not_buy_more_guesses(client, officer_olivia):
    # Sign-in matches usernames whatever their case, so the count of failures must too.
    for variant in ["officer_olivia", "OFFICER_OLIVIA", "Officer_Olivia", "officer_OLIVIA", " officer_olivia "]:
        post_password(client, variant, WRONG)
    assert is_locked_out_page(post_password(client, "officer_olivia", PASSWORD))
    assert is_locked_out_page(post_password(client, "Officer_Olivia", PASSWORD))
    failed = AuditEvent.objects.filter(action="divert.session.sign_in_failed")
    assert {e.actor_id for e in failed} == {officer_olivia.pk}


def test_a_failure_for_an_unknown_username_is_audited_without_an_actor(client, officer_olivia):
    post_password(client, "nobody_here", WRONG)
    event = AuditEvent.objects.get(action="divert.session.sign_in_failed")
    assert event.details == {"username": "nobody_here"}
    assert event.actor_id is None


def test_sign_in_works_again_after_the_cool_off(client, officer_olivia):
    with time_machine.travel(T0, tick=False):
        fail(client, "officer_olivia", LIMIT)
        assert is_locked_out_page(post_password(client, "officer_olivia", PASSWORD))
    with time_machine.travel(T0 + timedelta(minutes=31), tick=False):
        response = post_password(client, "officer_olivia", PASSWORD)
    assert reaches_totp_stage(response)


def test_the_account_stays_locked_until_the_cool_off_is_over(client, officer_olivia):
    with time_machine.travel(T0, tick=False):
        fail(client, "officer_olivia", LIMIT)
    with time_machine.travel(T0 + timedelta(minutes=29), tick=False):
        assert is_locked_out_page(post_password(client, "officer_olivia", PASSWORD))


def test_a_completed_sign_in_clears_earlier_failures(client, officer_olivia, frozen_time):
    fail(client, "officer_olivia", LIMIT - 1)
    sign_in_with_totp(client, officer_olivia)
    client.logout()
    frozen_time.shift(timedelta(seconds=30))  # a fresh TOTP code for the next sign-in
    fail(client, "officer_olivia", LIMIT - 1)
    assert reaches_totp_stage(post_password(client, "officer_olivia", PASSWORD))


def test_the_right_password_alone_does_not_clear_earlier_failures(client, officer_olivia):
    # Without the second factor the sign-in is not complete, so it must not reset the count.
    fail(client, "officer_olivia", LIMIT - 1)
    assert reaches_totp_stage(post_password(client, "officer_olivia", PASSWORD))
    client.cookies.clear()
    assert is_locked_out_page(fail(client, "officer_olivia")[0])
