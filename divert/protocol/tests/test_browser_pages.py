"""Real-browser checks of the protocol pages and the other pages the referrals work added (lookup, on-call
roster, inbox), on a 360 px phone: one h1, axe-core, no CSP or JavaScript errors, no sideways scrolling."""

import os
import re
from datetime import date, time
from pathlib import Path

import pytest

from divert.web.tests.conftest import CHROMIUM, PHONE

if not Path(CHROMIUM).exists():
    reason = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("DIVERT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DIVERT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from divert.notify.actions import notify  # noqa: E402
from divert.protocol.actions import do_create_draft, load_example  # noqa: E402
from divert.referrals.models import OnCallShift  # noqa: E402
from divert.web.tests import conftest as browser  # noqa: E402
from divert.web.tests.test_browser import Walk  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
chromium, open_page = browser.chromium, browser.open_page


def _phone(open_page, live_server) -> Walk:
    page, watch = open_page(PHONE)
    return Walk(page, watch, live_server.url, phone=True)


def test_project_manager_reads_edits_and_approves_a_protocol(open_page, live_server, manager_mo):
    approved = load_example("three_door", approved_on=date(2026, 1, 1))
    do_create_draft(actor=manager_mo, based_on=approved)
    walk = _phone(open_page, live_server)
    page = walk.page
    walk.sign_in(manager_mo, axe=False)
    walk.nav("Protocol")
    walk.arrived("the protocol index", re.compile("protocol", re.IGNORECASE))
    page.goto(f"{live_server.url}/protocol/{approved.version}/")
    walk.arrived("an approved version", re.compile(str(approved.version)))
    expect(page.locator("main")).to_contain_text("Drug possession")
    page.goto(f"{live_server.url}/protocol/{approved.version + 1}/edit/")
    walk.arrived("the draft editor", re.compile("version", re.IGNORECASE))
    page.goto(f"{live_server.url}/protocol/{approved.version + 1}/diff/")
    walk.arrived("what changed", re.compile("changed", re.IGNORECASE))
    page.goto(f"{live_server.url}/protocol/{approved.version + 1}/approve/")
    walk.arrived("the approval form", re.compile("approv", re.IGNORECASE))


def test_officer_reads_the_protocol_and_looks_someone_up(open_page, live_server, officer_olivia):
    load_example("three_door", approved_on=date(2026, 1, 1))
    walk = _phone(open_page, live_server)
    page = walk.page
    walk.sign_in(officer_olivia, axe=False)
    page.get_by_role("link", name="The diversion protocol in effect: who is eligible and why").click()
    walk.arrived("the protocol in effect", re.compile("protocol", re.IGNORECASE))
    expect(page.locator("main form")).to_have_count(0)  # read-only for officers: nothing here asks them anything
    walk.nav("Look up")
    walk.arrived("the lookup", "Is this person in the program?")
    page.get_by_label("First name").fill("Nobody")
    page.get_by_label("Last name").fill("Known")
    page.get_by_label("Date of birth").fill("1980-02-03")
    page.get_by_role("button", name="Look up").click()
    walk.arrived("the lookup answer", "Is this person in the program?")
    expect(page.get_by_role("heading", name="No information available")).to_be_visible()


def test_supervisor_keeps_the_on_call_roster_and_reads_the_inbox(open_page, live_server, supervisor_sue,
                                                                  case_manager_cam, agencies):
    OnCallShift.objects.create(case_manager=case_manager_cam, provider=agencies.provider, weekday=0,
                               starts=time(8), ends=time(18))
    notify([supervisor_sue], kind="divert.handoff.requested", title="Hand-off requested (R-000001)",
           url="/referrals/", channels=())
    walk = _phone(open_page, live_server)
    page = walk.page
    walk.sign_in(supervisor_sue, axe=False)
    walk.nav("On call")
    walk.arrived("the on-call roster", "On-call roster")
    page.get_by_label("Who is on call").select_option(label="Cam Tester")
    page.get_by_label("Tuesday").check()
    page.get_by_label("From").fill("19:00")
    page.get_by_label("Until").fill("07:00")
    page.get_by_role("button", name="Add", exact=True).click()
    walk.arrived("the roster after adding a shift", "On-call roster")
    expect(page.get_by_role("table")).to_contain_text("(next day)")
    page.goto(f"{live_server.url}/inbox/")
    walk.arrived("the inbox", re.compile("Inbox"))
    expect(page.locator("main")).to_contain_text("Hand-off requested (R-000001)")
