"""Real-browser checks of the outcomes dashboard and the public impact page on a 360 px phone: one h1, axe-core,
no CSP or JavaScript errors, no sideways scrolling."""

import os
from pathlib import Path

import pytest

from divert.web.tests.conftest import CHROMIUM, PHONE

if not Path(CHROMIUM).exists():
    reason = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("DIVERT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DIVERT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

import time_machine  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from divert.outcomes.tests.site import TODAY, build_site  # noqa: E402
from divert.web.tests import conftest as browser  # noqa: E402
from divert.web.tests.test_browser import Walk  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
chromium, open_page = browser.chromium, browser.open_page


def test_the_dashboard_and_the_public_page(open_page, live_server, manager_mo, agencies, personas, participant):
    with time_machine.travel(TODAY, tick=False):
        build_site(agencies, personas, participant)
    page, watch = open_page(PHONE)
    walk = Walk(page, watch, live_server.url, phone=True)
    page.goto(f"{live_server.url}/impact/")
    walk.arrived("the public impact page", "What the program does")
    expect(page.get_by_role("heading", name="How these figures are made")).to_be_visible()
    walk.sign_in(manager_mo, axe=False)
    walk.nav("Outcomes")
    walk.arrived("the outcomes dashboard", "Program outcomes")
    page.get_by_label("Period", exact=True).select_option("launch")
    page.get_by_role("button", name="Show", exact=True).click()
    walk.arrived("the dashboard since launch", "Program outcomes")
    expect(page.get_by_role("heading", name="Referrals by door")).to_be_visible()
