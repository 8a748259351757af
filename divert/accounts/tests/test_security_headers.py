"""Every page, signed in or not, carries a strict Content-Security-Policy and the anti-framing, anti-sniffing
and referrer headers, plus a request id; nothing a signed-in user sees may be cached.
Production-only headers (HSTS, secure cookies) are in test_production_settings.py."""

import re

import pytest

from conftest import ALLAUTH_BACKEND

LOGIN_PAGE = "/accounts/login/"


@pytest.fixture
def signed_in_client(client, case_manager_cam, participant):
    client.force_login(case_manager_cam, backend=ALLAUTH_BACKEND)
    return client


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict_headers(response) -> None:
    directives = csp_directives(response)
    header = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    assert "*" not in header.split()
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def assert_not_cached(response) -> None:
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_the_login_page_has_the_security_headers(client, db):
    response = client.get(LOGIN_PAGE)
    assert response.status_code == 200
    assert_strict_headers(response)
    assert_not_cached(response)


@pytest.mark.parametrize("path", ["/", "/people/", "/account/"])
def test_signed_in_pages_have_the_security_headers_and_are_not_cached(signed_in_client, path):
    response = signed_in_client.get(path)
    assert response.status_code == 200
    assert_strict_headers(response)
    # A participant's record must not be left in a shared computer's browser cache (or shown again by
    # the Back button) after the user signs out.
    assert_not_cached(response)


def test_error_and_lockout_pages_have_them_too(client, officer_olivia):
    assert_strict_headers(client.get("/no-such-page/"))
    for _ in range(5):
        response = client.post(LOGIN_PAGE, {"login": "officer_olivia", "password": "wrong password here"})
    assert response.status_code == 429
    assert_strict_headers(response)


def test_pages_have_no_inline_script_or_style_for_the_policy_to_block(signed_in_client):
    for path in [LOGIN_PAGE, "/", "/people/", "/account/"]:
        if path == LOGIN_PAGE:
            signed_in_client.logout()
        html = signed_in_client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path


def test_each_response_gets_its_own_request_id(client, db):
    first = client.get(LOGIN_PAGE)["X-Request-ID"]
    second = client.get(LOGIN_PAGE)["X-Request-ID"]
    assert first != second


def test_a_well_formed_incoming_request_id_is_kept_and_a_malformed_one_replaced(client, db):
    assert client.get(LOGIN_PAGE, HTTP_X_REQUEST_ID="proxy-id-12345678")["X-Request-ID"] == "proxy-id-12345678"
    replaced = client.get(LOGIN_PAGE, HTTP_X_REQUEST_ID="bad id\r\nSet-Cookie: x=1")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)


def test_development_cookies_are_http_only_and_same_site(client, officer_olivia):
    client.force_login(officer_olivia, backend=ALLAUTH_BACKEND)
    response = client.get("/")
    session_cookie = client.cookies["sessionid"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
    assert not session_cookie["max-age"]  # closes with the browser
    assert response.status_code == 200
