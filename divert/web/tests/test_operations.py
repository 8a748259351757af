from unittest import mock

import pytest


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"


def test_healthz_is_503_when_the_database_is_down(client, db):
    with mock.patch("divert.web.views.connection.cursor", side_effect=RuntimeError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable", "vendor": response.json()["vendor"]}


def test_healthz_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405


def _boom(request):
    raise RuntimeError("secret stack detail")




@pytest.mark.urls("divert.web.tests.test_operations_urls")
def test_errors_render_a_plain_page_without_a_stack_trace(client, db, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "secret stack detail" not in html and "Traceback" not in html


def test_not_found_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_every_response_carries_a_request_id(client, db):
    assert len(client.get("/healthz")["X-Request-ID"]) >= 8
    assert client.get("/healthz", HTTP_X_REQUEST_ID="ok-id-1234")["X-Request-ID"] == "ok-id-1234"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id <script>")["X-Request-ID"] != "bad id <script>"


def test_client_address_behind_proxies(rf, settings):
    from divert.audit.middleware import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.DIVERT_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.DIVERT_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # the forged left-most entry is ignored
    assert client_ip(rf.get("/", REMOTE_ADDR="not-an-ip")) is None
