"""The readable API docs: served by the app with its own assets (no CDN), no inline script (the strict CSP), and the
OpenAPI document they read. The browser test renders them in Debian's chromium and fails on any CSP violation."""

import os
import re
from pathlib import Path

import pytest

from divert.web.tests.conftest import CHROMIUM, chromium, open_page  # noqa: F401 - fixtures used below


def test_docs_use_local_assets_and_no_inline_script(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
        assert "src=" not in attrs or not body.strip()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset


def test_the_openapi_document_lists_every_endpoint(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    paths = set(doc["paths"])
    assert {"/api/v1/persons", "/api/v1/referrals", "/api/v1/imports", "/api/v1/imports/{import_id}/report",
            "/api/v1/contacts", "/api/v1/legal-matters", "/api/v1/alerts"} <= paths
    assert doc["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    problem = doc["paths"]["/api/v1/persons"]["get"]["responses"]["401"]["content"]
    assert list(problem) == ["application/problem+json"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not Path(CHROMIUM).exists() and os.environ.get("DIVERT_REQUIRE_BROWSER") != "1",
                    reason=f"{CHROMIUM} is missing")
def test_the_docs_render_in_a_browser_under_the_csp(live_server, open_page):  # noqa: F811
    page, watch = open_page()
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Divert API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector('[data-path="/api/v1/persons"]')
    watch.check("the API docs")
