"""Real-browser tests: Debian's chromium signs in through the login form and the TOTP stage, walks each
seat's pages by clicking its navigation, and checks what a person sees, on a desktop and on a 360 px phone.

On every page: exactly one h1, no Content-Security-Policy violation, no JavaScript error, no failed
request, nothing "serious" or "critical" for axe-core; on the phone also no horizontal scrolling, and the
navigation is reached through the menu button, which opens and closes.
"""

import os
import re
from pathlib import Path

import pytest

from conftest import IDENTITY_CANARY, PASSWORD
from divert.web.tests.conftest import CHROMIUM, DESKTOP, PHONE, totp_code_for

if not Path(CHROMIUM).exists():
    reason = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("DIVERT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DIVERT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARTICIPANT_NAME = f"Alex {IDENTITY_CANARY}"
SCREENSHOT = Path("/tmp/divert-home-360.png")  # noqa: S108 - a fixed path a person looks at
_axe = Axe()


class Walk:
    """One signed-in (or signing-in) browser tab, with the checks every page gets."""

    def __init__(self, page, watch, base_url: str, phone: bool):
        self.page, self.watch, self.base_url, self.phone = page, watch, base_url, phone

    def arrived(self, where: str, h1: str | re.Pattern, axe: bool = True) -> None:
        """The page `where` is up: exactly one h1 saying `h1`, no serious accessibility problem, nothing
        the browser complained about, and on the phone no horizontal scrolling."""
        self.page.wait_for_load_state("load")
        headings = self.page.locator("h1")
        expect(headings).to_have_count(1)
        expect(headings).to_have_text(h1)
        if self.phone:
            widths = self.page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert widths[0] <= PHONE["width"], (
                f"{where} scrolls sideways at {PHONE['width']} px: scrollWidth {widths[0]}, clientWidth {widths[1]}")
        if axe:
            self.axe(where)
        self.watch.check(where)

    def axe(self, where: str) -> None:
        results = _axe.run(self.page)
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        summary = "\n".join(
            f"  {v['id']} ({v['impact']}): {v['help']} -> " + "; ".join(", ".join(n["target"]) for n in v["nodes"][:5])
            for v in bad)
        viewport = "360 px phone" if self.phone else "desktop"
        assert not bad, f"axe found serious or critical accessibility violations on {where} ({viewport}):\n{summary}"

    def sign_in(self, user, axe: bool = True) -> None:
        """Through the real login form and the TOTP stage, starting from the home page."""
        page = self.page
        page.goto(self.base_url + "/")
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
        self.arrived("the sign-in page", "Sign in", axe)
        expect(page.locator(".navbar-toggler")).to_have_count(0)  # no menu for someone not signed in
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()

        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
        self.arrived("the two-factor sign-in stage", "Two-Factor Authentication", axe)
        code = page.get_by_role("textbox")
        expect(code).to_have_count(1)
        expect(code).to_have_accessible_name(re.compile(r"\S"))  # labelled, whatever the label says
        code.fill(totp_code_for(user))
        page.get_by_role("button", name="Sign In", exact=True).click()
        expect(page).to_have_url(self.base_url + "/")

    def open_menu(self) -> None:
        """On the phone the navigation hides behind the menu button; open it (and check it opens)."""
        if not self.phone:
            return
        toggler, menu = self.page.locator(".navbar-toggler"), self.page.locator("#main-nav")
        expect(toggler).to_be_visible()
        expect(toggler).to_have_attribute("aria-expanded", "false")
        expect(menu).to_be_hidden()
        toggler.click()
        expect(menu).to_be_visible()
        expect(toggler).to_have_attribute("aria-expanded", "true")

    def nav(self, label: str) -> None:
        """Click a link of the main navigation, as a person would."""
        self.open_menu()
        self.page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True).click()

    def expect_seat(self, text: str) -> None:
        self.open_menu()
        expect(self.page.locator(".seat-label")).to_have_text(text)
        if self.phone:  # the open menu passes axe too, and the menu button closes it again
            self.axe("the open menu")
            self.page.locator(".navbar-toggler").click()
            expect(self.page.locator("#main-nav")).to_be_hidden()
            expect(self.page.locator(".navbar-toggler")).to_have_attribute("aria-expanded", "false")

    def nav_labels(self) -> list[str]:
        return [t.strip() for t in self.page.locator("#main-nav .nav-link").all_inner_texts()]


def _start(open_page, live_server, viewport) -> Walk:
    page, watch = open_page(viewport)
    return Walk(page, watch, live_server.url, phone=viewport is PHONE)


VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone-360")]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_case_manager_walks_their_pages(open_page, live_server, case_manager_cam, participant, viewport):
    walk = _start(open_page, live_server, viewport)
    page = walk.page
    walk.sign_in(case_manager_cam)

    walk.arrived("the case manager's home page", "Your caseload")
    expect(page.locator("main .lead")).to_have_text("1 open enrollment is assigned to you.")
    caseload = page.get_by_role("table", name="Participants assigned to you")
    expect(caseload.get_by_role("link", name=PARTICIPANT_NAME)).to_be_visible()
    expect(caseload.locator("tbody tr").first).to_contain_text("Active")
    if walk.phone:
        page.screenshot(path=str(SCREENSHOT), full_page=True)
    walk.expect_seat("Cam Tester · Case manager, Test Harm Reduction Services")
    assert walk.nav_labels() == ["Home", "Referrals", "People", "Outreach", "Tasks", "Services", "On call",
                                 "Coordination", "Work group", "Matches", "Account", "Inbox"]
    expect(page.locator("#main-nav [aria-current=page]")).to_have_text("Home")

    walk.nav("People")
    expect(page).to_have_url(live_server.url + "/people/")
    walk.arrived("People", "People")
    expect(page.locator("#main-nav [aria-current=page]")).to_have_text("People")
    people = page.get_by_role("table", name="1 person you may see")
    people.get_by_role("link", name=PARTICIPANT_NAME).click()

    expect(page).to_have_url(f"{live_server.url}/people/{participant.pk}/")
    walk.arrived("the participant's page", PARTICIPANT_NAME)
    expect(page.locator("dl")).to_contain_text("SID00000001")
    enrollments = page.get_by_role("table", name="Every time this person was referred, newest first")
    expect(enrollments.locator("tbody tr")).to_have_count(1)
    expect(enrollments.locator("tbody tr")).to_contain_text("Cam Tester")
    # Who-looked-at-this is for supervisors and the project manager, not the case manager.
    expect(page.get_by_role("link", name="Who accessed this record")).to_have_count(0)

    walk.nav("Account")
    expect(page).to_have_url(live_server.url + "/account/")
    walk.arrived("the Account page", "Your account")
    expect(page.get_by_role("button", name="Sign out everywhere")).to_be_visible()
    expect(page.get_by_label("Language")).to_be_visible()

    walk.nav("Home")
    walk.arrived("the case manager's home page, again", "Your caseload")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_project_manager_walks_their_pages(open_page, live_server, manager_mo, participant, viewport):
    walk = _start(open_page, live_server, viewport)
    page = walk.page
    walk.sign_in(manager_mo)

    walk.arrived("the project manager's home page", "Program overview")
    expect(page.locator("main .lead")).to_have_text("1 person has been referred to the program.")
    expect(page.get_by_role("table", name="Enrollments by status")).to_contain_text("Active")
    walk.expect_seat("Mo Tester · Project manager, Test LEAD Project Office")
    assert walk.nav_labels() == ["Home", "Referrals", "People", "Services", "Funds", "Coordination", "Work group",
                                 "Policy group", "Outcomes", "Evaluation", "Protocol", "Imports", "Matches",
                                 "Audit log", "HMIS export", "Account", "Inbox"]

    walk.nav("People")
    walk.arrived("People", "People")
    page.get_by_role("table", name="1 person you may see").get_by_role("link", name=PARTICIPANT_NAME).click()

    expect(page).to_have_url(f"{live_server.url}/people/{participant.pk}/")
    walk.arrived("the participant's page", PARTICIPANT_NAME)
    page.get_by_role("link", name="Who accessed this record").click()

    expect(page).to_have_url(f"{live_server.url}/people/{participant.pk}/access/")
    walk.arrived("Who accessed this record", f"Who accessed {PARTICIPANT_NAME}'s record")
    events = page.get_by_role("table", name="Every view and change touching this person, newest first")
    # The manager's own look at the record a moment ago is there, under their name and seat.
    viewed = events.locator("tbody tr", has_text="divert.person.viewed")
    expect(viewed).to_have_count(1)
    expect(viewed).to_contain_text("manager_mo")
    expect(viewed).to_contain_text("Project manager, Test LEAD Project Office")
    page.get_by_role("link", name="Back to the record").click()
    walk.arrived("the participant's page, again", PARTICIPANT_NAME)

    walk.nav("Account")
    walk.arrived("the Account page", "Your account")

    missing = live_server.url + "/people/999999/"
    walk.watch.expect_status(missing, 404)
    response = page.goto(missing)
    assert response.status == 404
    walk.arrived("the 404 page", "Not found")
    page.get_by_role("link", name="Go to your home page").click()
    walk.arrived("the project manager's home page, again", "Program overview")


def test_the_watch_notices_csp_violations(open_page, live_server):
    """The CSP check is not vacuous: an inline script on one of our pages is refused and reported."""
    page, watch = open_page()
    page.goto(live_server.url + "/accounts/login/")
    watch.check("the sign-in page")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
                  " document.body.append(s); }")
    with pytest.raises(AssertionError, match="CSP violation: script-src"):
        watch.check("the sign-in page with an inline script")
    assert page.evaluate("() => window.ran") is None


# The other seats' home pages, on the phone: the same page checks, and partners, the evaluator and the site
# administrator never see who the participant is.
OTHER_SEATS = {
    "officer_olivia": ("Officer", False),
    "sergeant_sam": ("Sergeant", False),
    "outreach_omar": ("Outreach", True),
    "supervisor_sue": ("Caseloads", True),
    "prosecutor_pat": ("Liaison prosecutor", False),
    "defender_dana": ("Public defender", False),
    "evaluator_eve": ("Evaluation", False),
    "admin_ada": ("Site administration", False),
}


@pytest.mark.parametrize("persona", OTHER_SEATS)
def test_every_other_seat_has_a_home_page_that_works_on_a_phone(open_page, live_server, personas, participant,
                                                                 persona):
    h1, may_know_participant = OTHER_SEATS[persona]
    user = getattr(personas, persona)
    walk = _start(open_page, live_server, PHONE)
    walk.sign_in(user, axe=False)  # the sign-in pages are checked by the walks above
    walk.arrived(f"{persona}'s home page", h1)
    walk.expect_seat(f"{user.get_full_name()} · {user.seat.get_role_display()}, {user.seat.agency}")
    if not may_know_participant:
        expect(walk.page.locator("body")).not_to_contain_text(IDENTITY_CANARY)
