"""Token lifecycle: created on the account page after a fresh MFA check, shown once, hashed at rest, scoped, expiring,
revocable; service tokens by the site administrator only, acting in the seat chosen for them."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from divert.accounts.roles import Role
from divert.api.models import ApiToken
from divert.api.tokens import hash_secret, split
from divert.audit.models import AuditEvent


def fresh_mfa(client, user, method="mfa"):
    """What allauth records in the session after an MFA (re)authentication."""
    session = client.session
    session["account_authentication_methods"] = [{"method": method, "at": time.time(), "type": "totp"}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


NEW = {"name": "records sync", "days": "30", "scopes": ["persons:read", "referrals:write"]}


def test_creating_a_token_needs_a_fresh_mfa_check(login, case_manager_cam):
    client = login(case_manager_cam)
    response = client.post("/account/tokens/", NEW)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert not ApiToken.objects.exists()
    fresh_mfa(client, case_manager_cam, method="password")  # a password alone is not an MFA check
    assert client.post("/account/tokens/", NEW).status_code == 302
    fresh_mfa(client, case_manager_cam)
    response = client.post("/account/tokens/", NEW)
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.scopes == ["persons:read", "referrals:write"] and token.user == case_manager_cam


def test_the_secret_is_shown_once_and_kept_only_as_a_keyed_hash(login, case_manager_cam):
    client = login(case_manager_cam)
    fresh_mfa(client, case_manager_cam)
    page = client.post("/account/tokens/", NEW).content.decode()
    token = ApiToken.objects.get()
    secret = page.split('id="new-token" readonly value="')[1].split('"')[0]
    prefix, raw = split(secret)
    assert prefix == token.prefix and token.secret_hash == hash_secret(raw) and raw not in token.secret_hash
    assert raw not in str(list(ApiToken.objects.values()))
    again = client.get("/account/tokens/").content.decode()
    assert raw not in again and token.prefix in again
    assert AuditEvent.objects.filter(action="divert.api.token.created", details__api_token=token.prefix).exists()


def test_bad_input_on_the_page_changes_nothing(login, case_manager_cam):
    client = login(case_manager_cam)
    fresh_mfa(client, case_manager_cam)
    assert client.post("/account/tokens/", {"name": "", "days": "9999", "scopes": ["nope"]}).status_code == 400
    assert not ApiToken.objects.exists()


def test_expired_and_revoked_tokens_are_refused_with_401(api, personas, login, token_for, client):
    secret = token_for(personas.manager_mo, days=1)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/persons", headers=headers).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert client.get("/api/v1/persons", headers=headers).status_code == 401
    token = ApiToken.objects.get()
    client.force_login(personas.manager_mo)
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    client.logout()
    response = client.get("/api/v1/persons", headers=headers)
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert AuditEvent.objects.filter(action="divert.api.token.revoked").count() == 1
    assert AuditEvent.objects.filter(action="divert.api.token.refused", details__state="revoked").exists()


def test_another_users_token_cannot_be_revoked(login, personas, token_for):
    token_for(personas.case_manager_cam)
    token = ApiToken.objects.get()
    assert login(personas.outsider_oscar).post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_scopes_are_enforced_with_403(api, personas, participant):
    reader = api(personas.case_manager_cam, scopes=["persons:read"])
    assert reader.get(f"/persons/{participant.pk}").status_code == 200
    response = reader.get("/contacts")
    assert response.status_code == 403 and "contacts:read" in response.json()["detail"]
    assert reader.post(f"/persons/{participant.pk}/contacts", {"note": "x"}).status_code == 403


def test_a_token_answers_to_its_users_seat(api, personas, participant):
    # Same scopes, different seats: the outsider's token sees nothing of the participant.
    assert api(personas.outsider_oscar).get(f"/persons/{participant.pk}").status_code == 404
    personas.case_manager_cam.is_active = False
    personas.case_manager_cam.save()
    assert api(personas.case_manager_cam).get("/persons").status_code == 401


def test_service_tokens_are_the_site_administrators(login, personas, agencies, api):
    data = {"name": "County jail nightly push", "agency": agencies.project.pk, "role": Role.PROJECT_MANAGER,
            "days": "365", "scopes": ["imports:read", "imports:write"]}
    assert login(personas.manager_mo).post("/account/service-tokens/", data).status_code == 403
    client = login(personas.admin_ada)
    assert client.post("/account/service-tokens/", data).status_code == 302  # fresh MFA first
    fresh_mfa(client, personas.admin_ada)
    page = client.post("/account/service-tokens/", data).content.decode()
    token = ApiToken.objects.get(kind=ApiToken.Kind.SERVICE)
    assert token.user.seat.role == Role.PROJECT_MANAGER and token.user.seat.agency == agencies.project
    assert not token.user.has_usable_password()
    secret = page.split('id="new-token" readonly value="')[1].split('"')[0]
    client.logout()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/imports", headers=headers).status_code == 200
    assert client.get("/api/v1/persons", headers=headers).status_code == 403  # scoped to imports only


@pytest.mark.parametrize("role", [Role.SITE_ADMIN, Role.CASE_MANAGER])
def test_a_service_token_refuses_a_seat_its_agency_cannot_hold(login, personas, agencies, role):
    client = login(personas.admin_ada)
    fresh_mfa(client, personas.admin_ada)
    agency = agencies.project if role == Role.SITE_ADMIN else agencies.police
    data = {"name": "x", "agency": agency.pk, "role": role, "days": "30", "scopes": ["imports:read"]}
    assert client.post("/account/service-tokens/", data).status_code == 400
    assert not ApiToken.objects.exists()


def test_the_account_page_links_to_tokens(login, personas):
    assert "/account/tokens/" in login(personas.case_manager_cam).get("/account/").content.decode()
    assert "/account/service-tokens/" in login(personas.admin_ada).get("/account/").content.decode()


def test_without_mfa_the_fresh_check_is_the_password(login, agencies, settings):
    from conftest import make_user

    settings.DIVERT_REQUIRE_MFA = False  # demo mode
    user = make_user("demo_dee", Role.CASE_MANAGER, agencies.provider, mfa=False)
    client = login(user)
    response = client.post("/account/tokens/", NEW)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    fresh_mfa(client, user, method="password")
    assert client.post("/account/tokens/", NEW).status_code == 200
    assert ApiToken.objects.filter(user=user).count() == 1
