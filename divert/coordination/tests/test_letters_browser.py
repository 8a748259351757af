"""A letter to the court on a 360 px phone, in Debian's chromium: from the person page, a draft built from the plan,
edited, previewed, sent, and the PDF downloaded; then the project manager sees that it went, not what it says.

Every page gets the checks of divert/web/tests/test_browser.py (Walk.arrived): exactly one h1, nothing serious or
critical for axe-core, no CSP violation, JavaScript error or failed request, no sideways scrolling at 360 px.
"""

import os
import re
from pathlib import Path

import pytest

from divert.web.tests.conftest import CHROMIUM, PHONE

if not Path(CHROMIUM).exists():
    reason = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("DIVERT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DIVERT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from divert.coordination.models import Letter  # noqa: E402
from divert.lib.pdf import pdf_text  # noqa: E402
from divert.privacy.models import Disclosure  # noqa: E402
from divert.web.tests import conftest as browser  # noqa: E402
from divert.web.tests.test_browser import Walk  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["divert.coordination.tests.conftest_letters"]

chromium, open_page = browser.chromium, browser.open_page


def _phone(open_page, live_server) -> Walk:
    page, watch = open_page(PHONE)
    return Walk(page, watch, live_server.url, phone=True)


def test_a_letter_to_the_court_on_a_phone(open_page, live_server, personas, participant, casefile, court_release,
                                          require_pdf):
    walk = _phone(open_page, live_server)
    page = walk.page
    walk.sign_in(personas.case_manager_cam)
    page.goto(f"{live_server.url}/people/{participant.pk}/")
    walk.arrived("the person page", "Alex Zyxcanary")

    page.get_by_role("link", name="Write a letter to a court or probation").click()
    walk.arrived("the new letter form", "Letter to a court or probation: Alex Zyxcanary")
    page.get_by_label("Court or probation agency").select_option(label="Test Municipal Court")
    page.get_by_label("Addressed to").fill("Judge Ramos")
    page.get_by_label(re.compile("^ID and documents: Get a state ID")).check()
    page.get_by_label(re.compile("^Job training and placement: Start a job-training course")).check()
    page.get_by_role("button", name="Start the draft").click()

    walk.arrived("the letter editor", "Edit letter to Test Municipal Court")
    expect(page.get_by_label(re.compile("^Progress"))).to_contain_text("Get a state ID (achieved)")
    page.get_by_label(re.compile("^Outlook and interim goals")).fill(
        "Alex is starting a job-training course next month. There is nothing further useful to share.")
    page.get_by_role("button", name="Save and preview").click()

    walk.arrived("the preview", "Letter to Test Municipal Court")
    expect(page.get_by_role("article")).to_contain_text("There is nothing further useful to share.")
    page.get_by_role("link", name="Send", exact=True).click()

    walk.arrived("the send page", "Send letter to Test Municipal Court")
    page.get_by_label("Mailed").check()
    page.get_by_label(re.compile("^I have read the letter as it will be sent")).check()
    page.get_by_role("button", name="Send and keep the PDF").click()

    walk.arrived("the sent letter", "Letter to Test Municipal Court")
    expect(page.get_by_role("status")).to_contain_text("Letter sent and recorded as a disclosure.")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF as sent").click()
    content = Path(download.value.path()).read_bytes()
    letter = Letter.objects.get()
    assert letter.is_sent and content == bytes(letter.pdf)
    assert "There is nothing further useful to share." in " ".join(pdf_text(content).split())
    assert Disclosure.objects.get().recipient_agency.name == "Test Municipal Court"

    mo = _phone(open_page, live_server)
    mo.sign_in(personas.manager_mo, axe=False)
    mo.page.goto(f"{live_server.url}/people/{participant.pk}/")
    mo.arrived("the person page for the project manager", "Alex Zyxcanary")
    section = mo.page.get_by_role("region", name="Letters to courts and probation")
    expect(section).to_contain_text("To Test Municipal Court")
    expect(section.get_by_role("link")).to_have_count(0)
