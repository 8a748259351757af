"""Real-browser checks of the HMIS export page and the webhook pages on a 360 px phone: one h1, axe-core, no CSP or
JavaScript errors, no sideways scrolling."""

import os
from datetime import date
from pathlib import Path

import pytest

from divert.web.tests.conftest import CHROMIUM, PHONE

if not Path(CHROMIUM).exists():
    reason = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("DIVERT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DIVERT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

from divert.interop.models import HmisExport, WebhookAttempt, WebhookDelivery, WebhookEndpoint  # noqa: E402
from divert.web.tests import conftest as browser  # noqa: E402
from divert.web.tests.test_browser import Walk  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
chromium, open_page = browser.chromium, browser.open_page


def test_hmis_and_webhook_pages(open_page, live_server, manager_mo, admin_ada, hmis_agency, settings):
    settings.DIVERT_WEBHOOKS = True
    HmisExport.objects.create(export_id="e1", made_by=manager_mo, via="web", period_from=date(2026, 1, 1),
                              period_to=date(2026, 6, 30), persons=3, rows={"Enrollment.csv": 4})
    endpoint = WebhookEndpoint.objects.create(url="https://hooks.example.org/divert", secret="s", created_by=admin_ada,
                                              events=["referral.created"])
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="referral.created", payload={}, attempts=1,
                                              last_status_code=500, last_error="HTTP 500")
    WebhookAttempt.objects.create(delivery=delivery, status_code=500, error="HTTP 500", duration_ms=12)

    page, watch = open_page(PHONE)
    walk = Walk(page, watch, live_server.url, phone=True)
    walk.sign_in(manager_mo, axe=False)
    walk.nav("HMIS export")
    walk.arrived("the HMIS export page", "Export to the continuum of care's HMIS")

    page, watch = open_page(PHONE)
    walk = Walk(page, watch, live_server.url, phone=True)
    walk.sign_in(admin_ada, axe=False)
    walk.nav("Webhooks")
    walk.arrived("the webhooks page", "Webhooks")
    page.goto(f"{live_server.url}/webhooks/{endpoint.pk}/")
    walk.arrived("an endpoint's delivery log", "Webhook endpoint")
