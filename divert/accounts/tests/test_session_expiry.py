"""Sessions end after idle time (30 minutes, shorter for some roles) and on "sign out everywhere".

No test sleeps: time-machine moves the clock.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.test import Client

from conftest import ALLAUTH_BACKEND
from divert.accounts.tests.conftest import LOGIN_URL, sign_in_with_totp, signed_in_user_id
from divert.audit.models import AuditEvent

T0 = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)
SIGN_OUT_EVERYWHERE = "/account/sign-out-everywhere/"


def at(minutes: float):
    return time_machine.travel(T0 + timedelta(minutes=minutes), tick=False)


def is_sent_to_sign_in(response, next_path: str = "/") -> bool:
    return response.status_code == 302 and response["Location"] == f"{LOGIN_URL}?{urlencode({'next': next_path})}"


def expired_events():
    return AuditEvent.objects.filter(action="divert.session.expired")


# --- idle timeout ------------------------------------------------------------------------------


def test_the_default_idle_timeout_is_thirty_minutes():
    assert settings.DIVERT_IDLE_TIMEOUT_MINUTES == 30


def test_a_request_29_minutes_after_the_last_one_works(case_manager_cam, login):
    with at(0):
        client = login(case_manager_cam)
        assert client.get("/").status_code == 200
    with at(29):
        assert client.get("/").status_code == 200
        assert signed_in_user_id(client) == case_manager_cam.pk
    assert not expired_events().exists()


def test_activity_keeps_the_session_alive(case_manager_cam, login):
    with at(0):
        client = login(case_manager_cam)
        client.get("/")
    for minute in (29, 58, 87, 116):
        with at(minute):
            assert client.get("/account/").status_code == 200, minute
    assert not expired_events().exists()


def test_a_request_31_minutes_after_the_last_one_signs_out_and_is_audited(case_manager_cam, login):
    with at(0):
        client = login(case_manager_cam)
        client.get("/")
    with at(31):
        response = client.get("/people/")
        assert is_sent_to_sign_in(response, "/people/")
        assert signed_in_user_id(client) is None
        assert client.get("/")["Location"].startswith(LOGIN_URL)  # stays signed out

    event = expired_events().get()
    assert event.actor_id == case_manager_cam.pk
    assert event.details == {"why": "idle", "idle_minutes": 30}
    assert event.occurred_at == T0 + timedelta(minutes=31)
    assert event.role == "case_manager"

    # The sign-in page says why.
    with at(31):
        page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page


def test_the_idle_clock_starts_at_sign_in_not_at_the_first_page(client, case_manager_cam):
    # A session left unused straight after signing in must expire like any other.
    with at(0):
        sign_in_with_totp(client, case_manager_cam)
    with at(31):
        response = client.get("/")
    assert is_sent_to_sign_in(response)
    assert expired_events().get().actor_id == case_manager_cam.pk


def test_an_expired_session_cannot_post_either(officer_olivia, login):
    with at(0):
        client = login(officer_olivia)
        client.get("/")
    with at(45):
        response = client.post(SIGN_OUT_EVERYWHERE)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert not AuditEvent.objects.filter(action="divert.session.signed_out_everywhere").exists()
    assert expired_events().count() == 1


def test_the_default_can_be_changed(case_manager_cam, login, settings):
    settings.DIVERT_IDLE_TIMEOUT_MINUTES = 15
    with at(0):
        client = login(case_manager_cam)
        client.get("/")
    with at(14):
        assert client.get("/").status_code == 200
    with at(30):
        assert is_sent_to_sign_in(client.get("/"))
    assert expired_events().get().details == {"why": "idle", "idle_minutes": 15}


@pytest.mark.parametrize(("minutes", "expired"), [(9, False), (11, True)])
def test_a_role_can_have_a_shorter_timeout(minutes, expired, officer_olivia, case_manager_cam, settings):
    settings.DIVERT_IDLE_TIMEOUT_BY_ROLE = {"officer": 10}
    officer, case_manager = Client(), Client()
    with at(0):
        officer.force_login(officer_olivia, backend=ALLAUTH_BACKEND)
        case_manager.force_login(case_manager_cam, backend=ALLAUTH_BACKEND)
        officer.get("/")
        case_manager.get("/")
    with at(minutes):
        officer_response = officer.get("/")
        case_manager_response = case_manager.get("/")

    assert case_manager_response.status_code == 200  # other roles keep the 30-minute default
    if expired:
        assert is_sent_to_sign_in(officer_response)
        assert expired_events().get().details == {"why": "idle", "idle_minutes": 10}
        assert expired_events().get().actor_id == officer_olivia.pk
    else:
        assert officer_response.status_code == 200
        assert not expired_events().exists()


# --- sign out everywhere -----------------------------------------------------------------------


@pytest.fixture
def two_devices(officer_olivia, frozen_time):
    """officer_olivia signed in on a desk computer and a phone, through the real two-stage sign-in."""
    desk, phone = Client(HTTP_USER_AGENT="Desk browser"), Client(HTTP_USER_AGENT="Phone browser")
    sign_in_with_totp(desk, officer_olivia)
    frozen_time.shift(timedelta(seconds=30))  # the next code
    sign_in_with_totp(phone, officer_olivia)
    assert desk.get("/").status_code == 200
    assert phone.get("/").status_code == 200
    assert UserSession.objects.filter(user=officer_olivia).count() == 2
    return desk, phone


def test_sign_out_everywhere_ends_this_and_every_other_session(two_devices, officer_olivia):
    desk, phone = two_devices

    response = desk.post(SIGN_OUT_EVERYWHERE)

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert signed_in_user_id(desk) is None
    assert signed_in_user_id(phone) is None
    assert phone.get("/")["Location"].startswith(LOGIN_URL)
    assert phone.get("/account/")["Location"].startswith(LOGIN_URL)
    assert not UserSession.objects.filter(user=officer_olivia).exists()

    event = AuditEvent.objects.get(action="divert.session.signed_out_everywhere")
    assert event.actor_id == officer_olivia.pk
    ended = AuditEvent.objects.filter(action="divert.session.ended_elsewhere", actor=officer_olivia)
    assert sorted(e.details["user_agent"] for e in ended) == ["Desk browser", "Phone browser"]


def test_sign_out_everywhere_leaves_other_peoples_sessions_alone(two_devices, sergeant_sam, login):
    desk, _phone = two_devices
    sam = login(sergeant_sam)
    assert sam.get("/").status_code == 200

    desk.post(SIGN_OUT_EVERYWHERE)

    assert sam.get("/").status_code == 200
    assert UserSession.objects.filter(user=sergeant_sam).exists()
    assert not AuditEvent.objects.filter(action="divert.session.ended_elsewhere", actor=sergeant_sam).exists()


def test_sign_out_everywhere_needs_a_post_with_a_csrf_token(officer_olivia):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer_olivia, backend=ALLAUTH_BACKEND)
    assert browser.get(SIGN_OUT_EVERYWHERE).status_code == 405
    assert browser.post(SIGN_OUT_EVERYWHERE).status_code == 403  # a forged cross-site form has no token
    assert signed_in_user_id(browser) == officer_olivia.pk
    assert not AuditEvent.objects.filter(action="divert.session.signed_out_everywhere").exists()

    page = browser.get("/account/")
    token = page.context["csrf_token"]
    response = browser.post(SIGN_OUT_EVERYWHERE, {"csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert signed_in_user_id(browser) is None
    assert AuditEvent.objects.filter(action="divert.session.signed_out_everywhere").count() == 1


def test_sign_out_everywhere_is_for_signed_in_users_only(client, db):
    response = client.post(SIGN_OUT_EVERYWHERE)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert not AuditEvent.objects.exists()


def test_activity_does_not_outlive_the_absolute_session_lifetime(case_manager_cam, login, settings):
    settings.SESSION_COOKIE_AGE = 2 * 3600
    with at(0):
        client = login(case_manager_cam)
    for minute in range(25, 120, 25):
        with at(minute):
            assert client.get("/").status_code == 200, minute
    with at(121):
        response = client.get("/people/?q=a b")
        assert is_sent_to_sign_in(response, "/people/?q=a%20b")
    assert expired_events().get().details == {"why": "lifetime", "lifetime_hours": 2}


def test_a_misspelt_role_in_the_timeout_map_is_reported(settings):
    from divert.accounts.checks import idle_timeout_roles

    settings.DIVERT_IDLE_TIMEOUT_BY_ROLE = {"oficer": 10, "officer": 10}
    errors = idle_timeout_roles(None)
    assert [e.id for e in errors] == ["divert.E001"] and "oficer" in errors[0].msg
    settings.DIVERT_IDLE_TIMEOUT_BY_ROLE = {"officer": 10}
    assert idle_timeout_roles(None) == []
