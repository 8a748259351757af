"""Charge coordination in Debian's chromium: the liaison prosecutor opens a request from a legal matter on the person
page, the case manager answers with a recommendation tied to the plan (on a 360 px phone), the prosecutor reads it
under the release and decides, and both see the timeline.

Every page gets the checks of divert/web/tests/test_browser.py (Walk.arrived): exactly one h1, nothing serious or
critical for axe-core, no CSP violation, JavaScript error or failed request, and on the phone no sideways scrolling.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from divert.web.tests.conftest import CHROMIUM, DESKTOP, PHONE

if not Path(CHROMIUM).exists():
    reason = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("DIVERT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DIVERT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from conftest import SUD_CANARY  # noqa: E402
from divert.coordination.models import CoordinationRequest  # noqa: E402
from divert.coordination.tests.conftest_legal import CASE_NUMBER, RECOMMENDATION  # noqa: E402
from divert.web.tests import conftest as browser  # noqa: E402
from divert.web.tests.test_browser import Walk  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["divert.coordination.tests.conftest_legal"]

chromium, open_page = browser.chromium, browser.open_page
MATTER = f"Charge filed after enrollment {CASE_NUMBER}"


def _walk(open_page, live_server, viewport) -> Walk:
    page, watch = open_page(viewport)
    return Walk(page, watch, live_server.url, phone=viewport is PHONE)


def test_prosecutor_and_case_manager_coordinate_a_new_charge(open_page, live_server, personas, participant, matter,
                                                             casefile, prosecutor_release):
    # The prosecutor, on a laptop: from the person page to the matter, and asks the case manager.
    pat = _walk(open_page, live_server, DESKTOP)
    pat.sign_in(personas.prosecutor_pat, axe=False)
    pat.page.goto(f"{live_server.url}/people/{participant.pk}/")
    pat.arrived("the person page for the prosecutor", "Alex Zyxcanary")
    legal = pat.page.get_by_role("region", name="Legal matters")
    legal.get_by_role("link", name=MATTER).click()
    pat.arrived("the legal matter", f"{MATTER}: Alex Zyxcanary")
    pat.page.get_by_role("link", name="Ask the case manager to coordinate").click()
    pat.arrived("the open-request form", f"Coordinate before deciding: {MATTER}")
    pat.page.get_by_label("What would you like to know from the case manager?").fill("Filing decision due Friday.")
    pat.page.get_by_role("button", name="Send the request").click()
    req = CoordinationRequest.objects.get()
    pat.arrived("the new request", f"Coordination request {req.reference}")
    expect(pat.page.get_by_role("region", name="The case manager's answer")).to_contain_text("No answer yet.")

    # The case manager, on a phone: the home page says a request waits, the answer form says who will read it.
    cam = _walk(open_page, live_server, PHONE)
    cam.sign_in(personas.case_manager_cam, axe=False)
    cam.arrived("the case manager's home page", "Your caseload")
    cam.page.get_by_role("link", name=re.compile("coordination request from the prosecutor waits")).click()
    cam.arrived("the coordination list", "Charge coordination")
    cam.page.get_by_role("table", name="Waiting for your answer").get_by_role("link", name=req.reference).click()
    cam.arrived("the request for the case manager", f"Coordination request {req.reference}")
    cam.page.get_by_role("link", name="Answer", exact=True).click()
    cam.arrived("the answer form", f"Answer coordination request {req.reference}")
    expect(cam.page.get_by_role("status")).to_contain_text(f"under General release of information #"
                                                           f"{prosecutor_release.pk}")
    cam.page.get_by_label("A recommendation tied to the plan").check()
    cam.page.get_by_label("Engagement").fill("Comes to the office most weeks.")
    cam.page.get_by_label(re.compile("^Housing: Get on the housing list")).check()
    cam.page.get_by_label("Relevant goals, in words the prosecutor may read").fill(RECOMMENDATION)
    cam.page.get_by_label("What would help").fill("Time to finish the housing application.")
    cam.page.get_by_label("What would set the person back").fill("A jail stay would cost the housing place.")
    cam.page.get_by_role("button", name="Send the answer").click()
    cam.arrived("the answered request", f"Coordination request {req.reference}")
    expect(cam.page.get_by_role("region", name="The case manager's answer")).to_contain_text(RECOMMENDATION)

    # The prosecutor reads the answer (never the goals ticked, nor anything of casework, health or treatment).
    pat.page.reload()
    pat.arrived("the answered request for the prosecutor", f"Coordination request {req.reference}")
    answer = pat.page.get_by_role("region", name="The case manager's answer")
    expect(answer).to_contain_text(RECOMMENDATION)
    expect(answer).not_to_contain_text("Get on the housing list")
    sees = pat.page.get_by_role("complementary", name="What the release lets you see")
    expect(sees).to_contain_text(f"#{prosecutor_release.pk}")
    assert SUD_CANARY not in pat.page.content()
    pat.page.get_by_role("link", name="Record your decision").click()
    pat.arrived("the decision form", f"Decision on coordination request {req.reference}")
    pat.page.get_by_label("Hold for the plan").check()
    pat.page.get_by_label("Review by (for a hold)").fill((timezone.localdate() + timedelta(days=60)).isoformat())
    pat.page.get_by_label("Reason").fill("Holding while the housing plan takes hold.")
    pat.page.get_by_role("button", name="Record the decision").click()
    pat.arrived("the decided request", f"Coordination request {req.reference}")
    timeline = pat.page.get_by_role("region", name="Timeline")
    for step in ("Opened", "Case manager notified", "Answered", "Decided: Hold for the plan"):
        expect(timeline).to_contain_text(step)

    # The case manager sees the same timeline, and the decision.
    cam.page.reload()
    cam.arrived("the decided request for the case manager", f"Coordination request {req.reference}")
    expect(cam.page.get_by_role("region", name="The prosecutor's decision")).to_contain_text("Hold for the plan")
    expect(cam.page.get_by_role("region", name="Timeline")).to_contain_text("Decided: Hold for the plan")
    assert CoordinationRequest.objects.get().status == "decided"
