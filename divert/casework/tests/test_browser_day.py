"""A case manager's day on a 360 px phone, in Debian's chromium: intake, a consent signed with a finger, the intake
assessment, a goal in the plan, a contact logged in under 30 seconds (and kept as a draft through a reload),
a referral to a MAT provider, then the worklists; and the supervisor's and project manager's pages.

Every page gets the checks of divert/web/tests/test_browser.py (Walk.arrived): exactly one h1, nothing serious
or critical for axe-core, no CSP violation, JavaScript error or failed request, no sideways scrolling at 360 px;
and no id used twice.
"""

import os
import re
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from divert.web.tests.conftest import CHROMIUM, PHONE

if not Path(CHROMIUM).exists():
    reason = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("DIVERT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DIVERT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from divert.casework.actions_assessment import install_default_instrument  # noqa: E402
from divert.casework.actions_services import do_record_expense  # noqa: E402
from divert.casework.models import (  # noqa: E402
    Assessment,
    Contact,
    FundingSource,
    Goal,
    ServiceOffering,
    ServiceProvider,
    ServiceReferral,
    ServiceReferralStatus,
    SpendingCategory,
)
from divert.privacy.models import ReleaseKind, ReleaseOfInformation  # noqa: E402
from divert.referrals.models import ReferralStatus  # noqa: E402
from divert.referrals.tests import conftest as referral_fixtures  # noqa: E402
from divert.referrals.tests.factories import arrest_referral  # noqa: E402
from divert.web.tests import conftest as browser  # noqa: E402
from divert.web.tests.test_browser import Walk  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Bound here: one headless browser for this module, and the three-door protocol the referral is made under.
chromium, open_page, protocol = browser.chromium, browser.open_page, referral_fixtures.protocol

PERSON = "Robin Quillfeather"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Counts the distinct form fields a person changes on a page (a radio group is one field). An init script, so it
# starts afresh on every page load.
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
    page.add_init_script(TOUCH_COUNTER)
    return Walk(page, watch, live_server.url, phone=True)


def _arrived(walk: Walk, where: str, h1) -> None:
    """Walk.arrived's checks, and no id used twice (a label then names the wrong field)."""
    walk.arrived(where, h1)
    duplicates = walk.page.evaluate("""() => {
        const seen = {};
        document.querySelectorAll("[id]").forEach((el) => { seen[el.id] = (seen[el.id] || 0) + 1; });
        return Object.keys(seen).filter((id) => seen[id] > 1);
    }""")
    assert not duplicates, f"{where} uses these ids more than once: {duplicates}"


def _group(page, legend: str):
    return page.get_by_role("group", name=re.compile("^" + re.escape(legend)))


def _draw_signature(page) -> None:
    """A signature the way a finger makes one: down, a zigzag of moves across the box, up."""
    canvas = page.locator("[data-signature-pad] canvas")
    expect(canvas).to_be_visible()
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box and box["width"] > 200 and box["height"] >= 100, box
    left, top, width, height = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(left + width * 0.1, top + height * 0.6)
    page.mouse.down()
    for i in range(1, 13):
        page.mouse.move(left + width * (0.1 + 0.065 * i), top + height * (0.3 if i % 2 else 0.7), steps=3)
    page.mouse.up()
    expect(page.locator("[data-signature-pad] [data-status]")).to_have_text("Signature captured.")
    assert page.locator("input[name=signature_png]").input_value().startswith("data:image/png;base64,")


def _record_release(walk: Walk, *, kind: str, recipient: str, purpose: str, information: str, expires_on=None,
                    expiry_event: str = "", description: str = "") -> ReleaseOfInformation:
    page = walk.page
    page.get_by_role("link", name="Record a release").click()
    _arrived(walk, "the release form", f"Release of information for {PERSON}")
    _group(page, "Kind of release").get_by_label(kind, exact=True).check()
    _group(page, "Recipients").get_by_label(recipient, exact=True).check()
    _group(page, "Purposes").get_by_label(purpose, exact=True).check()
    _group(page, "Information that may be disclosed").get_by_label(information, exact=True).check()
    if description:
        page.get_by_label(re.compile("^How much and what kind of information")).fill(description)
    expect(page.get_by_label("Who may disclose")).to_have_value("Test Harm Reduction Services")
    if expires_on:
        page.get_by_label(re.compile("^Expires on")).fill(expires_on.isoformat())
    if expiry_event:
        page.get_by_label(re.compile("^Or expires on this event")).fill(expiry_event)
    expect(page.get_by_label("Participant's name as signed (typed)")).to_have_value(PERSON)
    _draw_signature(page)
    page.get_by_role("button", name="Record the release").click()

    expect(page).to_have_url(re.compile(r"/releases/\d+/$"))
    release = ReleaseOfInformation.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    _arrived(walk, f"the {kind}", f"{kind} #{release.pk}")
    expect(page.get_by_role("status")).to_contain_text("The release was recorded.")
    expect(page.locator("main strong").first).to_have_text("Active")
    signature = page.get_by_role("img", name=f"Signature of {PERSON}")
    expect(signature).to_be_visible()
    assert signature.evaluate("img => img.complete && img.naturalWidth > 0"), "the signature image did not load"
    response = page.request.get(walk.base_url + signature.get_attribute("src"))
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    assert response.body().startswith(PNG_MAGIC)
    assert release.is_active_on() and bytes(release.signature_png) == response.body()
    page.get_by_role("main").get_by_role("link", name=PERSON, exact=True).click()
    _arrived(walk, "the person page, after the release", PERSON)
    return release


def test_a_case_managers_day_on_a_phone(open_page, live_server, protocol, personas, agencies):
    cam = personas.case_manager_cam
    referral = arrest_referral(protocol, personas.officer_olivia)  # Robin Quillfeather, pending intake
    install_default_instrument()
    clinic = ServiceProvider.objects.create(name="Evergreen MAT Clinic", phone="555-0142", accepts_walk_ins=True)
    ServiceOffering.objects.create(provider=clinic, category="mat")
    FundingSource.objects.create(name="County flexible funds", budget_amount=Decimal("5000"),
                                 period_start=timezone.localdate() - timedelta(days=30),
                                 period_end=timezone.localdate() + timedelta(days=300))
    started = time.monotonic()

    walk = _phone(open_page, live_server)
    page = walk.page
    walk.sign_in(cam)
    _arrived(walk, "the case manager's home page", "Your caseload")

    # 1. Intake: the referral waiting on the home page, recorded; the new participant's page.
    page.get_by_role("table", name="Soonest deadline first").get_by_role("link", name=referral.reference).click()
    _arrived(walk, "the referral awaiting intake", re.compile(r"^Referral R-\d{6}"))
    page.get_by_role("link", name="Record intake").click()
    _arrived(walk, "the intake page", f"Record intake for {referral.reference}")
    page.get_by_role("button", name="Intake complete: enroll").click()
    expect(page).to_have_url(re.compile(r"/people/\d+/$"))
    _arrived(walk, "the new participant's page", PERSON)
    expect(page.get_by_role("status")).to_contain_text(f"Intake recorded: {PERSON} is enrolled.")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ENROLLED and referral.enrollment.case_manager == cam
    person = referral.person

    # 2. Consent, signed with a finger on the phone: status to the police, and a Part 2 consent for the prosecutor.
    general = _record_release(walk, kind="General release of information", recipient="Test Police Department",
                              purpose="Care coordination", information="Program status",
                              expires_on=timezone.localdate() + timedelta(days=365))
    part2 = _record_release(walk, kind="Part 2 consent (42 CFR 2.31)", recipient="Test Prosecutor's Office",
                            purpose="Charge coordination with the prosecutor",
                            information="Substance-use treatment (42 CFR Part 2)",
                            expiry_event="When my case with the prosecutor is closed",
                            description="Whether I attend treatment, and the dates; nothing else.")
    assert general.kind == ReleaseKind.GENERAL and general.categories == ["status"]
    assert part2.kind == ReleaseKind.PART2 and part2.categories == ["sud"]
    releases = page.get_by_role("region", name="Releases of information")
    expect(releases.locator("tbody tr")).to_have_count(2)
    releases.get_by_role("link", name="Accounting of disclosures").click()
    _arrived(walk, "the accounting of disclosures", f"Accounting of disclosures: {PERSON}")
    page.go_back()
    _arrived(walk, "the person page, back from the accounting", PERSON)

    # 3. The intake assessment: the required questions and a couple more.
    page.get_by_role("link", name="Record the intake assessment").click()
    _arrived(walk, "the assessment form", f"Assessment: {PERSON}")
    expect(page.get_by_label("Kind of assessment")).to_have_value("intake")
    _group(page, "Race and ethnicity").get_by_label("Prefer not to say", exact=True).check()
    _group(page, "Where the participant is staying now").get_by_label("Emergency shelter", exact=True).check()
    _group(page, "Wants help with housing").get_by_label("Yes", exact=True).check()
    _group(page, "Income and benefits now").get_by_label("SNAP (food benefits)", exact=True).check()
    _group(page, "Work now").get_by_label("Not working", exact=True).check()
    page.get_by_role("button", name="Save the assessment").click()
    expect(page).to_have_url(re.compile(r"/assessments/\d+/$"))
    _arrived(walk, "the intake assessment", re.compile(f": {PERSON}$"))
    expect(page.get_by_role("status")).to_contain_text("Assessment saved.")
    assessment = Assessment.objects.get(person=person)
    assert assessment.kind == "intake" and assessment.recorded_by == cam
    page.get_by_role("link", name="Back to the record").click()
    _arrived(walk, "the person page, after the assessment", PERSON)
    page.get_by_role("link", name="Record or see monthly status").click()
    _arrived(walk, "the monthly status", f"Monthly status: {PERSON}")
    page.go_back()
    _arrived(walk, "the person page, back from the monthly status", PERSON)

    # 4. The plan: a housing goal the participant chose, then one more step.
    page.get_by_role("link", name="Open the plan").click()
    _arrived(walk, "the empty plan", f"Intervention plan: {PERSON}")
    page.get_by_role("link", name="Add a goal").click()
    _arrived(walk, "the goal form", f"Add a goal: {PERSON}")
    page.get_by_label("Domain").select_option(label="Housing")
    page.get_by_label("The goal, in the participant's words").fill("Get my own place near my sister")
    page.get_by_label(re.compile("^First steps")).fill("Apply for a housing voucher")
    page.get_by_label("The participant chose this goal").check()
    page.get_by_role("button", name="Add the goal").click()
    _arrived(walk, "the plan with the goal", f"Intervention plan: {PERSON}")
    goal_card = page.get_by_role("article", name="Get my own place near my sister")
    expect(goal_card).to_contain_text("Apply for a housing voucher")
    goal_card.get_by_label("Next step").fill("Get a copy of my birth certificate")
    goal_card.get_by_role("button", name="Add the step").click()
    _arrived(walk, "the plan with the new step", f"Intervention plan: {PERSON}")
    expect(goal_card).to_contain_text("Get a copy of my birth certificate")
    goal = Goal.objects.get(plan__person=person)
    assert goal.domain == "housing" and goal.chosen_by_participant
    assert [s.text for s in goal.steps.order_by("pk")] == ["Apply for a housing voucher",
                                                          "Get a copy of my birth certificate"]
    page.get_by_role("link", name="Back to the record").click()
    _arrived(walk, "the person page, after the plan", PERSON)

    # 5. A field contact, timed from the tap on "Log a contact" to the person page showing it.
    note = "Met at the library plaza; talked about the voucher and the clinic."
    clock = time.monotonic()
    page.get_by_role("link", name="Log a contact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Log a contact: {PERSON}")
    expect(page.get_by_label("Field", exact=True)).to_be_checked()
    page.get_by_role("group", name="Quick picks for minutes").get_by_role("button", name="15 min").click()
    page.get_by_label(re.compile("^place", re.IGNORECASE)).fill("Library plaza")
    page.get_by_label(re.compile("^note", re.IGNORECASE)).fill(note)
    touched = sorted(page.evaluate("() => Array.from(window.divertTouched)"))
    page.get_by_role("button", name="Save contact").click()
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("Field contact · substantive · 15 min")
    contact_seconds = time.monotonic() - clock
    print(f"\ncontact on a 360 px phone: {contact_seconds:.1f} s from opening the form to the person page; "
          f"{len(touched)} inputs touched {touched}")
    assert contact_seconds < 30
    assert len(touched) <= 6, touched
    _arrived(walk, "the person page, after the contact", PERSON)
    expect(page.get_by_role("status")).to_contain_text("Contact saved.")
    contact = Contact.objects.get(person=person)
    assert (contact.kind, contact.duration_minutes, contact.place, contact.note) == ("field", 15, "Library plaza", note)
    assert contact.substantive and contact.note_category == "casework"
    assert not page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('divert:contact-draft:'))")
    timeline.get_by_role("link", name="Field contact · substantive · 15 min").click()
    _arrived(walk, "the contact", f"Field contact with {PERSON}")
    expect(page.get_by_role("main")).to_contain_text(note)
    page.go_back()
    _arrived(walk, "the person page, back from the contact", PERSON)

    # The draft: typed, then the page reloads (a lost connection); the note comes back from this browser.
    second = "Phone died mid-visit; called back from the shelter desk."
    page.get_by_role("link", name="Log a contact").click()
    _arrived(walk, "the contact form", f"Log a contact: {PERSON}")
    page.locator("label", has_text="Phone call").click()  # the radio is drawn as a button
    page.get_by_label(re.compile("^note", re.IGNORECASE)).press_sequentially(second)  # key by key, as on a phone
    key = page.locator("input[name=submission_key]").input_value()
    page.reload()
    _arrived(walk, "the contact form, reloaded", f"Log a contact: {PERSON}")
    expect(page.get_by_role("status").filter(has_text="An unsent draft from this browser was restored")).to_be_visible()
    expect(page.get_by_label(re.compile("^note", re.IGNORECASE))).to_have_value(second)
    expect(page.get_by_label("Phone call", exact=True)).to_be_checked()
    expect(page.locator("input[name=submission_key]")).to_have_value(key)
    # Sent twice: the first answer is lost on the way back, so the person taps Save again.
    status = page.evaluate("""async () => {
        const form = document.querySelector("form[data-contact-draft]");
        const response = await fetch(window.location.href, {method: "POST", body: new FormData(form)});
        await response.text();  // read to the end, so the next navigation aborts nothing
        return response.status;
    }""")
    assert status == 200
    page.get_by_role("button", name="Save contact").click()
    expect(page).to_have_url(re.compile(r"/people/\d+/\?contact_saved="))
    _arrived(walk, "the person page, after the contact sent twice", PERSON)
    expect(page.get_by_role("status")).to_contain_text("This contact was already saved.")
    assert Contact.objects.filter(person=person, note=second).count() == 1
    assert Contact.objects.filter(person=person).count() == 2
    assert not page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('divert:contact-draft:'))")

    # 6. A referral to a MAT provider, then the provider accepts.
    page.get_by_role("link", name="Refer to a service").click()
    _arrived(walk, "the service chooser", f"Refer {PERSON} to a service")
    page.get_by_label("What kind of service?").select_option("mat")
    page.get_by_role("button", name="Next: choose a provider").click()
    _arrived(walk, "the service referral form", f"Refer {PERSON} to a service")
    page.get_by_label("Provider").select_option(label="Evergreen MAT Clinic")
    page.get_by_label(re.compile("^Note")).fill("Asked for a buprenorphine intake this week.")
    page.get_by_role("button", name="Record the referral").click()
    mat_h1 = "Medication for addiction treatment (MAT) at Evergreen MAT Clinic"
    _arrived(walk, "the service referral", mat_h1)
    expect(page.get_by_role("status")).to_contain_text("The service referral was recorded.")
    page.get_by_label("New status").select_option("accepted")
    page.get_by_label(re.compile("^Note on this change")).fill("Intake booked for Thursday 9 am.")
    page.get_by_role("button", name="Save").click()
    _arrived(walk, "the accepted service referral", mat_h1)
    expect(page.get_by_role("status")).to_contain_text("The referral was updated.")
    expect(page.get_by_role("region", name="History")).to_contain_text("Sent → Accepted")
    assert ServiceReferral.objects.get(person=person).status == ServiceReferralStatus.ACCEPTED

    # Bus fare from the flexible funds, under the approval threshold.
    page.get_by_role("main").get_by_role("link", name=PERSON, exact=True).click()
    _arrived(walk, "the person page, after the referral", PERSON)
    page.get_by_role("link", name="Record an expense").click()
    _arrived(walk, "the expense form", f"Flexible funds for {PERSON}")
    page.get_by_label("Funding source").select_option(label="County flexible funds")
    page.get_by_label("Spent on").select_option(label="Transport")
    page.get_by_label("Amount (dollars)").fill("5.50")
    page.get_by_label(re.compile("^Description")).fill("Bus fare to the clinic")
    page.get_by_role("button", name=re.compile("^Record")).click()
    _arrived(walk, "the person page, after the expense", PERSON)
    expect(page.get_by_role("region", name="Flexible funds")).to_contain_text("$5.50")

    # 7. The worklists from the menu.
    for label, h1 in (("Outreach", "Outreach worklist"), ("Tasks", "Tasks and reminders"),
                      ("Services", "Service directory")):
        walk.nav(label)
        _arrived(walk, f"{label} ({h1})", h1)
    expect(page.get_by_role("main")).to_contain_text("Evergreen MAT Clinic")
    print(f"a case manager's day: {time.monotonic() - started:.1f} s in the browser")


def test_the_supervisor_and_the_project_manager_on_a_phone(open_page, live_server, personas, participant, settings):
    cam = personas.case_manager_cam
    settings.DIVERT_FUNDS_APPROVAL_OVER = 250  # the motel below waits for the supervisor
    source = FundingSource.objects.create(name="County flexible funds", budget_amount=Decimal("5000"),
                                          period_start=timezone.localdate() - timedelta(days=30),
                                          period_end=timezone.localdate() + timedelta(days=300))
    do_record_expense(participant, actor=cam, funding_source=source, category=SpendingCategory.MOTEL,
                      amount=Decimal("400.00"), spent_on=timezone.localdate(), description="Two nights at the Inn")
    install_default_instrument()

    sue = _phone(open_page, live_server)
    sue.sign_in(personas.supervisor_sue, axe=False)  # the sign-in pages are checked in the test above
    _arrived(sue, "the supervisor's home page", "Caseloads")
    for label, h1 in (("Caseloads", "Caseloads"), ("Funds", "Flexible funds")):
        sue.nav(label)
        _arrived(sue, f"the supervisor's {label}", h1)
    pending = sue.page.get_by_role("table", name="Expenses above the approval limit, oldest first")
    expect(pending.locator("tbody tr")).to_contain_text("Alex Zyxcanary")
    expect(pending.get_by_role("link", name="Approve or decline")).to_be_visible()

    mo = _phone(open_page, live_server)
    mo.sign_in(personas.manager_mo, axe=False)
    _arrived(mo, "the project manager's home page", "Program overview")
    mo.page.goto(live_server.url + "/instruments/")
    _arrived(mo, "the assessment instruments", "Assessment instruments")
    mo.page.get_by_role("main").get_by_role("link", name=re.compile("^LEAD intake and assessment")).first.click()
    _arrived(mo, "the default instrument", re.compile("LEAD intake and assessment"))
