"""Passwords: common, short, all-digit and look-alike passwords are refused wherever a password is set,
and a refused change leaves the old password in place."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from conftest import PASSWORD
from divert.audit.models import AuditEvent

CHANGE_URL = "/accounts/password/change/"
GOOD_NEW_PASSWORD = "lantern orchard seventy quietly"

# (password, words the refusal must contain)
WEAK = {
    "common": ("password123456", "too common"),
    "short": ("Xq7#pL2v!", "at least 12 characters"),
    "all digits": ("830275916482", "entirely numeric"),
    "like the username": ("officer_olivia1", "too similar"),
}


def test_the_validators_are_on_with_a_twelve_character_minimum():
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == ["UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator",
                     "NumericPasswordValidator"]
    assert settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"]["min_length"] == 12


@pytest.mark.parametrize("kind", list(WEAK))
def test_validate_password_refuses_weak_passwords(kind, officer_olivia):
    password, reason = WEAK[kind]
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=officer_olivia)
    assert any(reason in message for message in refused.value.messages), refused.value.messages


def test_validate_password_accepts_a_long_uncommon_passphrase(officer_olivia):
    assert validate_password(GOOD_NEW_PASSWORD, user=officer_olivia) is None


@pytest.mark.parametrize("kind", list(WEAK))
def test_changing_to_a_weak_password_is_refused_and_nothing_changes(kind, officer_olivia, login):
    password, reason = WEAK[kind]
    client = login(officer_olivia)
    hash_before = officer_olivia.password

    response = client.post(CHANGE_URL, {"oldpassword": PASSWORD, "password1": password, "password2": password})

    assert response.status_code == 200  # the form again, not a redirect
    errors = response.context["form"].errors
    assert "password1" in errors
    assert any(reason in message for message in errors["password1"]), errors
    assert reason in response.content.decode().replace("&#x27;", "'")
    officer_olivia.refresh_from_db()
    assert officer_olivia.password == hash_before
    assert officer_olivia.check_password(PASSWORD)
    assert not officer_olivia.check_password(password)
    assert client.session.get(SESSION_KEY) == str(officer_olivia.pk)  # still signed in, nothing happened
    assert not AuditEvent.objects.filter(action="divert.session.signed_out").exists()


def test_a_wrong_current_password_is_refused_even_with_a_good_new_one(officer_olivia, login):
    client = login(officer_olivia)
    response = client.post(CHANGE_URL, {"oldpassword": "not my password", "password1": GOOD_NEW_PASSWORD,
                                        "password2": GOOD_NEW_PASSWORD})
    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    officer_olivia.refresh_from_db()
    assert officer_olivia.check_password(PASSWORD)


def test_a_good_new_password_is_taken_and_signs_the_session_out(officer_olivia, login):
    client = login(officer_olivia)
    response = client.post(CHANGE_URL, {"oldpassword": PASSWORD, "password1": GOOD_NEW_PASSWORD,
                                        "password2": GOOD_NEW_PASSWORD})
    assert response.status_code == 302
    officer_olivia.refresh_from_db()
    assert officer_olivia.check_password(GOOD_NEW_PASSWORD)
    assert not officer_olivia.check_password(PASSWORD)
    # ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE: whoever knew the old password is out too.
    assert client.session.get(SESSION_KEY) is None
    assert AuditEvent.objects.filter(action="divert.session.signed_out", actor=officer_olivia).exists()
    assert AuditEvent.objects.filter(action="divert.account.password.changed", actor=officer_olivia).exists()


@pytest.mark.parametrize("kind", ["common", "short"])
def test_a_site_admin_cannot_issue_a_weak_password_either(kind, admin_ada, officer_olivia, login):
    password, reason = WEAK[kind]
    admin_ada.user_permissions.add(Permission.objects.get(codename="change_user", content_type__app_label="accounts"))
    client = login(admin_ada)
    url = f"/admin/accounts/user/{officer_olivia.pk}/password/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"password1": password, "password2": password, "usable_password": "true"})
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    assert reason in html
    officer_olivia.refresh_from_db()
    assert officer_olivia.check_password(PASSWORD)
