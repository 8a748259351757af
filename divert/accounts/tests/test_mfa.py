"""Two-factor sign-in: every account enrols a TOTP authenticator before it reaches any page, and signs in
with the password and then a code (or a recovery code, once). Demo mode alone skips it; the admin's own
login page is no way around it.

Time is frozen (time-machine) wherever a code is computed, so a code never rolls over mid-test.
"""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.urls import reverse

from conftest import PASSWORD, make_user
from divert.accounts.roles import Role
from divert.accounts.tests.conftest import (
    LOGIN_URL,
    MFA_AUTHENTICATE_URL,
    code_for_secret,
    post_password,
    recovery_codes,
    sign_in_with_totp,
    signed_in_user_id,
    totp_code,
)
from divert.audit.models import AuditEvent

MFA_REQUIRED_URL = "/accounts/2fa/required/"
ACTIVATE_URL = "/accounts/2fa/totp/activate/"
RECOVERY_CODES_URL = "/accounts/2fa/recovery-codes/"
REAUTHENTICATE_URL = "/accounts/reauthenticate/"

# Pages a signed-in account without an authenticator must not reach (GET), and one it must not POST to.
GUARDED_PAGES = ["/", "/account/", "/people/", "/audit/", "/admin/", "/admin/accounts/user/",
                 "/accounts/password/change/", "/accounts/sessions/", "/people/1/"]
# What stays open to it: enrolment, and the way out.
ENROLMENT_PAGES = [MFA_REQUIRED_URL, "/accounts/2fa/", REAUTHENTICATE_URL, "/accounts/logout/"]


@pytest.fixture
def new_nina(agencies):
    """A case manager whose account was just issued: a seat, a password, no authenticator yet."""
    return make_user("new_nina", Role.CASE_MANAGER, agencies.provider, mfa=False)


@pytest.fixture
def new_admin(agencies):
    return make_user("new_admin", Role.SITE_ADMIN, agencies.project, mfa=False, is_staff=True, is_superuser=True)


def open_activation_page(client):
    """allauth asks for the password once more before an authenticator is added; then shows the key."""
    response = client.get(ACTIVATE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE_URL)
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE_URL
    response = client.get(ACTIVATE_URL)
    assert response.status_code == 200
    return response


def actions_for(user) -> list[str]:
    return list(AuditEvent.objects.filter(actor=user).order_by("id").values_list("action", flat=True))


# --- enrolment ---------------------------------------------------------------------------------


def test_mfa_is_required_outside_demo_mode():
    assert settings.DIVERT_REQUIRE_MFA is True
    assert reverse("divert_mfa_required") == MFA_REQUIRED_URL


def test_without_an_authenticator_the_password_alone_signs_in_but_every_page_sends_to_enrolment(
    client, new_nina, frozen_time
):
    response = post_password(client, "new_nina")
    assert signed_in_user_id(client) == new_nina.pk
    assert client.get(response["Location"])["Location"] == MFA_REQUIRED_URL

    for path in GUARDED_PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == MFA_REQUIRED_URL, path
    response = client.post("/account/sign-out-everywhere/")
    assert response["Location"] == MFA_REQUIRED_URL
    assert not AuditEvent.objects.filter(action="divert.session.signed_out_everywhere").exists()

    for path in ENROLMENT_PAGES:
        assert client.get(path).status_code == 200, path
    # The activation page itself is reached (it asks for the password again first, not for enrolment).
    assert client.get(ACTIVATE_URL)["Location"].startswith(REAUTHENTICATE_URL)
    page = client.get(MFA_REQUIRED_URL).content.decode()
    assert 'href="/accounts/2fa/totp/activate/"' in page


def test_a_staff_account_without_an_authenticator_cannot_reach_the_admin(client, new_admin, frozen_time):
    post_password(client, "new_admin")
    assert signed_in_user_id(client) == new_admin.pk
    for path in ["/admin/", "/admin/accounts/user/", "/admin/mfa/authenticator/", "/admin/audit/auditevent/"]:
        assert client.get(path)["Location"] == MFA_REQUIRED_URL, path


def test_enrolling_a_totp_authenticator_opens_the_site_and_hands_out_recovery_codes(
    client, new_nina, frozen_time, django_capture_on_commit_callbacks
):
    post_password(client, "new_nina")

    response = open_activation_page(client)
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in response.content.decode()  # the key is shown for typing in, under the QR code

    # A wrong code is refused and nothing is enrolled.
    wrong = f"{(int(code_for_secret(secret)) + 1) % 1_000_000:06d}"
    response = client.post(ACTIVATE_URL, {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Authenticator.objects.filter(user=new_nina).exists()
    assert client.get("/")["Location"] == MFA_REQUIRED_URL

    # allauth announces the new authenticator once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ACTIVATE_URL, {"code": code_for_secret(secret)})
    assert response.status_code == 302
    assert response["Location"] == RECOVERY_CODES_URL
    totp = Authenticator.objects.get(user=new_nina, type=Authenticator.Type.TOTP)
    assert decrypt(totp.data["secret"]) == secret  # the key shown is the key kept
    assert SECRET_SESSION_KEY not in client.session

    response = client.get(RECOVERY_CODES_URL)
    assert response.status_code == 200
    codes = recovery_codes(new_nina)
    assert len(codes) == settings.MFA_RECOVERY_CODE_COUNT
    html = response.content.decode()
    assert all(code in html for code in codes)

    for path in ["/", "/account/", "/accounts/sessions/"]:
        assert client.get(path).status_code == 200, path

    actions = actions_for(new_nina)
    assert actions[0] == "divert.session.signed_in"
    assert "divert.mfa.totp.added" in actions
    assert "divert.mfa.recovery_codes.added" in actions
    added = AuditEvent.objects.get(action="divert.mfa.totp.added")
    assert added.actor_id == new_nina.pk
    assert added.role == Role.CASE_MANAGER


def test_once_enrolled_the_next_sign_in_asks_for_a_code(client, new_nina, frozen_time):
    post_password(client, "new_nina")
    open_activation_page(client)
    client.post(ACTIVATE_URL, {"code": code_for_secret(client.session[SECRET_SESSION_KEY])})
    client.post("/accounts/logout/")
    assert signed_in_user_id(client) is None

    frozen_time.shift(timedelta(seconds=30))
    response = post_password(client, "new_nina")
    assert response["Location"].startswith(MFA_AUTHENTICATE_URL)
    assert signed_in_user_id(client) is None
    client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(new_nina)})
    assert signed_in_user_id(client) == new_nina.pk


# --- signing in with a second factor -----------------------------------------------------------


def test_the_right_password_only_reaches_the_code_stage(client, officer_olivia, frozen_time):
    response = post_password(client, "officer_olivia")
    assert response.status_code == 302
    assert response["Location"].startswith(MFA_AUTHENTICATE_URL)
    assert signed_in_user_id(client) is None
    assert client.get("/")["Location"].startswith(LOGIN_URL)
    assert client.get("/admin/")["Location"].startswith(("/admin/login/", LOGIN_URL))
    assert client.get(MFA_AUTHENTICATE_URL).status_code == 200
    assert not AuditEvent.objects.filter(action="divert.session.signed_in").exists()


def test_a_wrong_code_is_refused_and_the_right_one_signs_in(client, officer_olivia, frozen_time):
    post_password(client, "officer_olivia")
    right = totp_code(officer_olivia)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(MFA_AUTHENTICATE_URL, {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert signed_in_user_id(client) is None
    assert client.get("/")["Location"].startswith(LOGIN_URL)
    failed = AuditEvent.objects.get(action="divert.session.sign_in_failed")
    assert failed.actor_id == officer_olivia.pk
    assert wrong not in str(failed.details)
    assert not AuditEvent.objects.filter(action="divert.session.signed_in").exists()

    response = client.post(MFA_AUTHENTICATE_URL, {"code": right})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == officer_olivia.pk
    assert client.get("/").status_code == 200
    signed_in = AuditEvent.objects.get(action="divert.session.signed_in")
    assert signed_in.actor_id == officer_olivia.pk
    assert signed_in.role == Role.OFFICER


def test_a_code_cannot_be_replayed_for_a_second_sign_in(client, officer_olivia, frozen_time):
    code = totp_code(officer_olivia)
    post_password(client, "officer_olivia")
    client.post(MFA_AUTHENTICATE_URL, {"code": code})
    assert signed_in_user_id(client) == officer_olivia.pk
    client.post("/accounts/logout/")

    post_password(client, "officer_olivia")
    response = client.post(MFA_AUTHENTICATE_URL, {"code": code})
    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_guessing_codes_is_cut_off_even_before_the_right_one(client, officer_olivia, frozen_time):
    # Six digits are guessable without a limit: after five wrong codes even the right one is refused.
    post_password(client, "officer_olivia")
    right = int(totp_code(officer_olivia))
    for n in range(1, 6):
        client.post(MFA_AUTHENTICATE_URL, {"code": f"{(right + n) % 1_000_000:06d}"})
    response = client.post(MFA_AUTHENTICATE_URL, {"code": f"{right:06d}"})
    assert signed_in_user_id(client) is None
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert AuditEvent.objects.filter(action="divert.session.sign_in_failed", actor=officer_olivia).count() >= 5
    assert not AuditEvent.objects.filter(action="divert.session.signed_in").exists()


def test_the_code_stage_opens_again_after_the_cool_off(client, officer_olivia, frozen_time):
    post_password(client, "officer_olivia")
    right = int(totp_code(officer_olivia))
    for n in range(1, 6):
        client.post(MFA_AUTHENTICATE_URL, {"code": f"{(right + n) % 1_000_000:06d}"})
    frozen_time.shift(timedelta(minutes=31))
    post_password(client, "officer_olivia")
    client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(officer_olivia)})
    assert signed_in_user_id(client) == officer_olivia.pk


def test_a_recovery_code_signs_in_once(client, officer_olivia, frozen_time):
    codes = recovery_codes(officer_olivia)
    post_password(client, "officer_olivia")
    response = client.post(MFA_AUTHENTICATE_URL, {"code": codes[0]})
    assert response.status_code == 302
    assert signed_in_user_id(client) == officer_olivia.pk
    assert codes[0] not in recovery_codes(officer_olivia)
    assert len(recovery_codes(officer_olivia)) == len(codes) - 1
    client.post("/accounts/logout/")

    post_password(client, "officer_olivia")
    response = client.post(MFA_AUTHENTICATE_URL, {"code": codes[0]})
    assert response.status_code == 200
    assert signed_in_user_id(client) is None

    response = client.post(MFA_AUTHENTICATE_URL, {"code": codes[1]})
    assert signed_in_user_id(client) == officer_olivia.pk
    assert AuditEvent.objects.filter(action="divert.session.signed_in", actor=officer_olivia).count() == 2


def test_another_users_code_does_not_work(client, officer_olivia, sergeant_sam, frozen_time):
    post_password(client, "officer_olivia")
    response = client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(sergeant_sam)})
    assert response.status_code == 200
    assert signed_in_user_id(client) is None


# --- demo mode ---------------------------------------------------------------------------------


def test_in_demo_mode_no_authenticator_is_demanded(client, new_nina, settings, frozen_time):
    settings.DIVERT_REQUIRE_MFA = False
    response = post_password(client, "new_nina")
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == new_nina.pk
    for path in ["/", "/account/", "/accounts/sessions/"]:
        assert client.get(path).status_code == 200, path
    assert AuditEvent.objects.filter(action="divert.session.signed_in", actor=new_nina).exists()


def test_demo_mode_still_asks_an_enrolled_user_for_their_code(client, officer_olivia, settings, frozen_time):
    settings.DIVERT_REQUIRE_MFA = False
    response = post_password(client, "officer_olivia")
    assert response["Location"].startswith(MFA_AUTHENTICATE_URL)
    assert signed_in_user_id(client) is None


# --- the Django admin's own login page ---------------------------------------------------------


def test_the_admin_login_page_sends_to_the_real_sign_in(client, admin_ada):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert "next=/admin/login/" in response["Location"] or "next=%2Fadmin%2Flogin%2F" in response["Location"]
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/login/") or response["Location"].startswith(LOGIN_URL)


def test_posting_a_password_to_the_admin_login_does_not_sign_in(client, admin_ada):
    response = client.post("/admin/login/", {"username": "admin_ada", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert signed_in_user_id(client) is None
    assert client.get("/admin/accounts/user/").status_code == 302
    assert not AuditEvent.objects.filter(action="divert.session.signed_in").exists()


def test_the_admin_opens_only_after_both_factors(client, admin_ada, frozen_time):
    response = post_password(client, "admin_ada")
    assert response["Location"].startswith(MFA_AUTHENTICATE_URL)
    assert client.get("/admin/")["Location"].startswith(("/admin/login/", LOGIN_URL))
    client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(admin_ada)})
    assert signed_in_user_id(client) == admin_ada.pk
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_non_staff_user_is_refused_by_the_admin(client, officer_olivia, frozen_time):
    sign_in_with_totp(client, officer_olivia)
    assert client.get("/admin/login/").status_code == 403


def test_totp_secrets_are_stored_encrypted(db, settings):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from conftest import make_user

    user = make_user("crypto_cora", mfa=False)
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    assert "JBSWY3DPEHPK3PXP" not in stored
    from allauth.mfa.adapter import get_adapter

    assert get_adapter().decrypt(stored) == "JBSWY3DPEHPK3PXP"
