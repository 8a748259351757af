"""Real-browser tests for the three doors, from a 360 px phone: Debian's chromium, signed in through the login
form and the TOTP stage, as each seat would use a referral from the street to intake.

Every page gets the checks of divert/web/tests/test_browser.py (Walk.arrived): exactly one h1, nothing serious
or critical for axe-core, no CSP violation, JavaScript error or failed request, no sideways scrolling at 360 px.
"""

import os
import re
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.db.models import F
from django.utils import timezone

from conftest import IDENTITY_CANARY
from divert.web.tests.conftest import CHROMIUM, PHONE

if not Path(CHROMIUM).exists():
    reason = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("DIVERT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DIVERT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from divert.participants.models import Person  # noqa: E402
from divert.referrals.actions import record_lapses  # noqa: E402
from divert.referrals.models import HandOff, OnCallShift, Referral, ReferralStatus  # noqa: E402
from divert.web.tests import conftest as browser  # noqa: E402
from divert.web.tests.test_browser import Walk  # noqa: E402

from .factories import arrest_referral  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The browser fixtures live beside test_browser.py; bound here, `chromium` is one headless browser for this module.
chromium, open_page = browser.chromium, browser.open_page

# The officer's screens never ask about, or even mention, informants or sources.
FORBIDDEN = re.compile(r"informant|source", re.IGNORECASE)
REFERRAL_H1 = re.compile(r"^Referral R-\d{6}")

# Counts the distinct form fields a person changes on a page (a radio group or a set of checkboxes is one field).
# Installed as an init script, so it starts afresh on every page load.
TOUCH_COUNTER = """
window.divertTouched = new Set();
["input", "change"].forEach(function (type) {
  document.addEventListener(type, function (event) {
    if (event.target && event.target.name) { window.divertTouched.add(event.target.name); }
  }, true);
});
"""


def _phone(open_page, live_server) -> Walk:
    page, watch = open_page(PHONE)
    return Walk(page, watch, live_server.url, phone=True)


def _arrived(walk: Walk, where: str, h1) -> None:
    """Walk.arrived's checks, and no id used twice (axe no longer checks that; a label then names the wrong field)."""
    walk.arrived(where, h1)
    duplicates = walk.page.evaluate("""() => {
        const seen = {};
        document.querySelectorAll("[id]").forEach((el) => { seen[el.id] = (seen[el.id] || 0) + 1; });
        return Object.keys(seen).filter((id) => seen[id] > 1);
    }""")
    assert not duplicates, f"{where} uses these ids more than once: {duplicates}"


def _visible_text(page) -> str:
    # innerText leaves out what is not rendered: the hidden step, hidden questions, visually hidden text stays.
    return page.locator("body").inner_text()


def _answer(page, question: str, choice: str) -> None:
    """Tick `choice` in the radio group whose legend starts with `question`."""
    group = page.get_by_role("group", name=re.compile("^" + re.escape(question)))
    group.get_by_label(choice, exact=True).check()


def _open_referral_from_list(walk: Walk, queue: str, reference: str) -> None:
    """Referrals in the menu, then the queue's tab, then the referral's link."""
    page = walk.page
    walk.nav("Referrals")
    _arrived(walk, "the Referrals list", "Referrals")
    lists = page.get_by_role("navigation", name="Referral lists")
    if lists.locator("[aria-current=page]").inner_text().strip() != queue:
        lists.get_by_role("link", name=queue, exact=True).click()
        _arrived(walk, f"the Referrals list: {queue}", "Referrals")
    expect(lists.locator("[aria-current=page]")).to_have_text(queue)
    page.get_by_role("table").get_by_role("link", name=reference, exact=True).click()
    _arrived(walk, f"referral {reference}", REFERRAL_H1)


def _on_call_all_week(case_manager, provider) -> None:
    # A shift that ends where it starts runs round the clock, so the test does not depend on the hour.
    for day in OnCallShift.Weekday.values:
        OnCallShift.objects.create(case_manager=case_manager, provider=provider, weekday=day, starts=time(0),
                                   ends=time(0))


def test_arrest_diversion_from_a_phone_then_the_warm_hand_off(open_page, live_server, protocol, personas, agencies):
    olivia, cam = personas.officer_olivia, personas.case_manager_cam
    _on_call_all_week(cam, agencies.provider)

    officer = _phone(open_page, live_server)
    page = officer.page
    page.clock.install()  # fake timers that run at the real pace, so the hand-off panel's poll can be hurried
    page.add_init_script(TOUCH_COUNTER)
    officer.sign_in(olivia, axe=False)  # the sign-in pages are checked by divert/web/tests/test_browser.py
    _arrived(officer, "the officer's home page", "Officer")

    # 1. The arrest diversion. A "screen" is what the officer looks at between the tap on the home page and the
    # eligibility answer: the form's first step, each step reached with Next, and the page the submit lands on.
    screens = []
    page.get_by_role("link", name="Arrest diversion", exact=True).click()
    _arrived(officer, "the arrest form, step 1", "Arrest diversion referral")
    step1, step2 = page.locator("[data-step='1']"), page.locator("[data-step='2']")
    expect(step1).to_be_visible()
    expect(step2).to_be_hidden()
    screens.append("step 1: what happened, and who")
    assert not FORBIDDEN.search(_visible_text(page)), "step 1 mentions informants or sources"

    page.get_by_label("Incident number").fill("2026-004512")
    drug_questions = page.locator("[data-drug-only]")
    drug_inputs = drug_questions.locator("input")
    expect(drug_questions.first).to_have_attribute("hidden", "")
    expect(drug_inputs.first).to_be_disabled()  # hidden questions are neither validated nor sent
    page.get_by_label(re.compile(r"^Drug possession \(")).check()
    expect(drug_questions.first).not_to_have_attribute("hidden", "")
    expect(drug_inputs.first).to_be_enabled()
    page.get_by_label(re.compile("^Place")).fill("5th and Pine")
    page.get_by_label(re.compile("^Area")).select_option("Downtown")
    page.get_by_label("First name").fill("Robin")
    page.get_by_label(re.compile("^Last name")).fill("Quillfeather")
    page.get_by_label(re.compile("^Date of birth")).fill("1990-04-02")
    page.get_by_role("button", name="Next").click()

    expect(step1).to_be_hidden()
    expect(step2).to_be_visible()
    expect(page.locator("#step-2-title")).to_be_focused()  # a screen reader hears the new screen's heading
    _arrived(officer, "the arrest form, step 2", "Arrest diversion referral")
    screens.append("step 2: eligibility and agreement")
    assert not FORBIDDEN.search(_visible_text(page)), "step 2 mentions informants or sources"

    page.get_by_label(re.compile("^Drug quantity in grams")).fill("1.5")
    _answer(page, "Is there reason to think the person sells for profit", "No")
    _answer(page, "Does the person appear to exploit minors?", "No")
    _answer(page, "Is the person suspected of promoting prostitution?", "No")
    _answer(page, "Known conviction for a violent offense", "No")
    _answer(page, "Open case in a drug court or mental-health court?", "No")
    _answer(page, "Barred by a no-contact", "No")
    page.get_by_label("The person agreed to talk with a case manager").check()
    touched = sorted(page.evaluate("() => Array.from(window.divertTouched)"))
    page.get_by_role("button", name="Send referral").click()

    expect(page).to_have_url(re.compile(r"/referrals/\d+/$"))
    _arrived(officer, "the referral's result", REFERRAL_H1)
    screens.append("the result")
    result = _visible_text(page)
    assert not FORBIDDEN.search(result), "the result page mentions informants or sources"
    expect(page.get_by_role("heading", name="Eligibility under the protocol: Eligible")).to_be_visible()
    expect(page.locator("main .lead")).to_have_text("Status: Pending")  # all the officer learns
    request_button = page.get_by_role("button", name="Request a case manager")
    expect(request_button).to_be_visible()

    print(f"\narrest diversion on a 360 px phone: {len(screens)} screens {screens}; "
          f"{len(touched)} fields touched {touched}")
    assert screens == ["step 1: what happened, and who", "step 2: eligibility and agreement", "the result"]
    assert len(screens) <= 3
    assert len(touched) <= 16, touched

    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.PENDING_INTAKE and referral.eligibility == "eligible"

    # 2. The warm hand-off: the officer asks, the on-call case manager comes, the officer is free.
    request_button.click()
    panel = page.locator("#handoff")
    expect(panel).to_be_visible()  # the new page, before its checks
    _arrived(officer, "the referral with the hand-off panel", REFERRAL_H1)
    expect(panel).to_have_attribute("hx-trigger", "every 15s")
    expect(panel).to_contain_text("Acknowledged: not yet")
    # As if the officer had asked twelve minutes ago, so the timer shows something worth reading.
    HandOff.objects.filter(referral=referral).update(requested_at=F("requested_at") - timedelta(minutes=12))

    cam_walk = _phone(open_page, live_server)
    cam_page = cam_walk.page
    cam_walk.sign_in(cam, axe=False)
    _arrived(cam_walk, "the case manager's home page", "Your caseload")
    cam_walk.open_menu()
    cam_page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Inbox")).click()
    _arrived(cam_walk, "the case manager's inbox", "Inbox")
    cam_page.get_by_role("button", name=re.compile(r"^Hand-off requested: an officer is waiting \(R-\d{6}")).click()
    expect(cam_page).to_have_url(f"{live_server.url}/referrals/{referral.pk}/")
    _arrived(cam_walk, "the referral, for the case manager", REFERRAL_H1)
    cam_page.get_by_role("button", name="I'm on my way").click()
    expect(cam_page.locator("#handoff")).to_contain_text(re.compile(r"Acknowledged: \d\d:\d\d, Cam Tester"))
    cam_page.get_by_role("button", name="I have arrived").click()
    expect(cam_page.locator("#handoff")).to_contain_text("A case manager arrived after 12 minutes")
    _arrived(cam_walk, "the referral after arriving", REFERRAL_H1)

    # The officer's panel refreshes itself by polling every 15 s, without reloading the page; hurry the page's
    # clock instead of waiting.
    page.evaluate("() => { window.divertSamePage = true; }")
    page.clock.run_for(15_000)
    expect(panel).to_contain_text("A case manager arrived after 12 minutes")
    assert page.evaluate("() => window.divertSamePage") is True
    expect(panel).to_contain_text("Cam Tester")
    expect(panel).to_have_attribute("hx-trigger", "every 15s")
    page.get_by_role("button", name="Custody transferred — I'm free").click()
    expect(panel).to_contain_text("A case manager arrived after 12 minutes — within the 30-minute target.")
    expect(panel).not_to_have_attribute("hx-trigger", re.compile(".*"))  # nothing left to wait for
    expect(panel.get_by_role("button")).to_have_count(0)
    _arrived(officer, "the referral after the hand-off", REFERRAL_H1)
    assert not FORBIDDEN.search(_visible_text(page)), "the hand-off mentions informants or sources"
    handoff = HandOff.objects.get(referral=referral)
    assert handoff.minutes_to_arrival == 12 and handoff.met_target
    assert handoff.custody_transferred_by == olivia


def test_social_contact_approved_by_the_sergeant(open_page, live_server, protocol, personas):
    officer = _phone(open_page, live_server)
    page = officer.page
    officer.sign_in(personas.officer_olivia, axe=False)
    _arrived(officer, "the officer's home page", "Officer")
    page.get_by_role("link", name="Social contact referral", exact=True).click()
    _arrived(officer, "the social contact form, step 1", "Social contact referral")
    expect(page.get_by_label("Incident number")).to_have_count(0)
    page.get_by_label(re.compile(r"^Criminal trespass \(")).check()
    page.get_by_label(re.compile("^Area")).select_option("Northside")
    page.get_by_label("First name").fill("Sky")
    page.get_by_label(re.compile("^Or approximate age")).fill("40")
    page.get_by_role("button", name="Next").click()

    _arrived(officer, "the social contact form, step 2", "Social contact referral")
    expect(page.locator("[data-step='2']")).to_be_visible()
    expect(page.get_by_label(re.compile("^Drug quantity"))).to_have_count(0)
    assert "informant" not in _visible_text(page).lower()
    for question in ("Does the person appear to exploit minors?", "Is the person suspected of promoting prostitution?",
                     "Known conviction for a violent offense", "Open case in a drug court or mental-health court?",
                     "Barred by a no-contact"):
        _answer(page, question, "No")
    last_seen = timezone.localdate() - timedelta(days=30)
    page.get_by_label(re.compile("^When was the qualifying conduct last seen")).fill(last_seen.isoformat())
    _answer(page, "How is the past conduct known?", "Officers saw it on earlier occasions")
    page.get_by_label("The person agreed to talk with a case manager").check()
    page.get_by_role("button", name="Send referral").click()

    _arrived(officer, "the social contact's result", REFERRAL_H1)
    expect(page.get_by_role("heading", name=re.compile(
        "^Eligibility under the protocol: (Eligible|Needs review)$"))).to_be_visible()
    expect(page.locator("main .lead")).to_have_text("Status: Pending")
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.AWAITING_APPROVAL and referral.approver_role == "sergeant"

    sergeant = _phone(open_page, live_server)
    spage = sergeant.page
    sergeant.sign_in(personas.sergeant_sam, axe=False)
    _arrived(sergeant, "the sergeant's home page", "Sergeant")
    _open_referral_from_list(sergeant, "Awaiting my approval", referral.reference)
    decision = spage.get_by_role("region", name="Your decision")
    decision.get_by_label("The person is not a confidential informant.").check()
    decision.get_by_label(re.compile("^Checked against the roster")).check()
    decision.get_by_label("Approve", exact=True).check()
    decision.get_by_role("button", name="Record decision").click()
    expect(spage.get_by_role("status")).to_contain_text("Decision recorded.")
    _arrived(sergeant, "the referral after approval", REFERRAL_H1)
    expect(spage.locator("main .lead")).to_have_text("Status: Pending intake")
    expect(spage.get_by_role("region", name="Your decision")).to_have_count(0)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING_INTAKE and referral.decided_by == personas.sergeant_sam


def test_community_referral_then_the_project_manager_approves(open_page, live_server, protocol, personas):
    public = _phone(open_page, live_server)
    page = public.page
    page.goto(live_server.url + "/refer/")
    _arrived(public, "the public referral form", "Refer someone to the program")
    expect(page.locator(".navbar-toggler")).to_have_count(0)
    page.get_by_label("Your name").fill("Pat Neighbor")
    page.get_by_label("How do you know the person?").fill("Neighbor")
    page.get_by_label(re.compile("^Your phone")).fill("555-0100")
    page.get_by_label("First name").fill("Jo")
    page.get_by_label(re.compile("^Last name")).fill("Fernhollow")
    page.get_by_label(re.compile("^Or approximate age")).fill("35")
    page.get_by_label("How can a case manager reach them?").fill("At the library most mornings")
    page.get_by_label(re.compile("^Area")).select_option("Riverside")
    _answer(page, "Are they on probation or parole?", "Neither")
    page.get_by_label("Housing or shelter").check()
    page.get_by_role("button", name="Send referral").click()
    expect(page).to_have_url(live_server.url + "/refer/thanks/")
    _arrived(public, "the thank-you page", "Thank you: your referral was received")
    referral = Referral.objects.get()
    assert referral.door == "community" and referral.status == ReferralStatus.AWAITING_APPROVAL

    manager = _phone(open_page, live_server)
    mpage = manager.page
    manager.sign_in(personas.manager_mo, axe=False)
    _arrived(manager, "the project manager's home page", "Program overview")
    _open_referral_from_list(manager, "Awaiting my approval", referral.reference)
    expect(mpage.get_by_role("heading", name="Eligibility under the protocol: Needs review")).to_be_visible()
    expect(mpage.locator("main")).to_contain_text("At the library most mornings")  # the manager sees it all
    decision = mpage.get_by_role("region", name="Your decision")
    for box in decision.get_by_role("checkbox").all():
        box.check()
    decision.get_by_label("Approve", exact=True).check()
    decision.get_by_role("button", name="Record decision").click()
    expect(mpage.get_by_role("status")).to_contain_text("Decision recorded.")
    _arrived(manager, "the community referral after approval", REFERRAL_H1)
    expect(mpage.locator("main .lead")).to_have_text("Status: Pending intake")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING_INTAKE and referral.decided_by == personas.manager_mo


def test_prosecutor_decides_the_held_charge_after_a_lapse(open_page, live_server, protocol, personas, participant):
    # A known person the referral may be: the case-management team sees the possible match, the prosecutor not.
    Person.objects.create(first_name="Robin", last_name="Quillfeather", date_of_birth="1990-04-02")
    referral = arrest_referral(protocol, personas.officer_olivia)
    assert referral.possible_matches.exists()
    Referral.objects.filter(pk=referral.pk).update(referred_at=timezone.now() - timedelta(days=20))
    assert record_lapses() == 1

    prosecutor = _phone(open_page, live_server)
    page = prosecutor.page
    prosecutor.sign_in(personas.prosecutor_pat, axe=False)
    _arrived(prosecutor, "the prosecutor's home page", "Liaison prosecutor")
    _open_referral_from_list(prosecutor, "Intake not completed by the deadline", referral.reference)
    main = page.locator("main")
    expect(main).to_contain_text("Intake not completed by the deadline (")
    expect(main).to_contain_text("Charge: Held, awaiting review")
    charge = page.get_by_role("region", name="Decide about the held charge")
    _answer(charge, "Decision about the held charge", "Keep holding the charge")
    charge.get_by_label(re.compile("^Note")).fill("NOTE-4411 waiting for the hospital discharge")
    charge.get_by_role("button", name="Record decision").click()

    expect(page.get_by_role("status")).to_contain_text("Decision recorded.")
    _arrived(prosecutor, "the referral after the charge decision", REFERRAL_H1)
    expect(main).to_contain_text("Charge: Held, awaiting review")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("Prosecutor kept holding the charge")
    # Status only: no casework, no matching, no notes, nothing about other people.
    text = _visible_text(page)
    for absent in ("Possible matches", "Record intake", "Extend the intake deadline", "How to reach them",
                   "Known person", "NOTE-4411", IDENTITY_CANARY, "score"):
        assert absent not in text, f"the prosecutor sees {absent!r}"
    # Keeping the charge on hold leaves the decision open for later.
    expect(page.get_by_role("region", name="Decide about the held charge")).to_be_visible()


def test_case_manager_records_intake(open_page, live_server, protocol, personas):
    referral = arrest_referral(protocol, personas.officer_olivia)  # Robin Quillfeather, pending intake
    case_manager = _phone(open_page, live_server)
    page = case_manager.page
    case_manager.sign_in(personas.case_manager_cam, axe=False)
    _arrived(case_manager, "the case manager's home page", "Your caseload")
    page.get_by_role("table", name="Soonest deadline first").get_by_role("link", name=referral.reference).click()
    _arrived(case_manager, "the referral awaiting intake", REFERRAL_H1)
    expect(page.locator("main")).to_contain_text("Intake due by the end of")
    page.get_by_role("link", name="Record intake").click()
    _arrived(case_manager, "the intake page", f"Record intake for {referral.reference}")
    expect(page.get_by_label("Case manager")).to_have_value(str(personas.case_manager_cam.pk))
    expect(page.get_by_label("Intake completed on")).to_have_value(timezone.localdate().isoformat())
    page.get_by_role("button", name="Intake complete: enroll").click()

    expect(page).to_have_url(re.compile(r"/people/\d+/$"))
    _arrived(case_manager, "the new participant's page", "Robin Quillfeather")
    expect(page.get_by_role("status")).to_contain_text("Intake recorded: Robin Quillfeather is enrolled.")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ENROLLED
    assert page.url == f"{live_server.url}/people/{referral.person_id}/"
    assert referral.enrollment.case_manager == personas.case_manager_cam
