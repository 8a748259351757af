"""Real-browser check of /evaluation/ on a 360 px phone and a laptop: one h1, axe-core, no CSP or JavaScript
errors, no sideways scrolling; the evaluator runs it from the page."""

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

from playwright.sync_api import expect  # noqa: E402

from conftest import IDENTITY_CANARY  # noqa: E402
from divert.outcomes.evaluation.runner import run_evaluation  # noqa: E402
from divert.outcomes.evaluation.tests import site  # noqa: E402
from divert.web.tests import conftest as browser  # noqa: E402
from divert.web.tests.test_browser import Walk  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
chromium, open_page = browser.chromium, browser.open_page


def test_the_evaluator_reads_and_runs_the_evaluation(open_page, live_server, evaluator_eve, participant, agencies):
    site.event(participant, "arrest", date(2025, 12, 1))
    site.random_site(agencies.provider, participants=25, comparison=35, seed=5)
    run_evaluation()
    page, watch = open_page(PHONE)
    walk = Walk(page, watch, live_server.url, phone=True)
    walk.sign_in(evaluator_eve, axe=False)
    walk.nav("Evaluation")
    walk.arrived("the evaluation", "Evaluation")
    expect(page.get_by_role("heading", name="Time to re-arrest", exact=True, level=2)).to_be_visible()
    expect(page.locator("main svg").first).to_be_visible()
    assert IDENTITY_CANARY not in page.content()
    page.get_by_label("Propensity-score weighting (effect on participants)").check()
    page.get_by_role("button", name="Run the evaluation now").click()
    walk.arrived("the evaluation, run again", "Evaluation")
    expect(page.locator("main")).to_contain_text("The evaluation ran in")
    page.goto(f"{live_server.url}/evaluation/agreements/")
    walk.arrived("the agreements", "Data-use agreements and extracts")
