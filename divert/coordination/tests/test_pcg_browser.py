"""Real-browser walk through the Policy Coordinating Group pages on a 360 px phone: the project manager records
a decision that approves the protocol draft, and a police officer reads the group's record. On every page: one h1,
axe-core, no CSP or JavaScript errors, no sideways scrolling."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest

from divert.web.tests.conftest import CHROMIUM, PHONE

if not Path(CHROMIUM).exists():
    reason = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("DIVERT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DIVERT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from divert.coordination import actions_pcg as actions  # noqa: E402
from divert.protocol.actions import do_create_draft, load_example  # noqa: E402
from divert.protocol.models import DiversionProtocol  # noqa: E402
from divert.web.tests import conftest as browser  # noqa: E402
from divert.web.tests.test_browser import Walk  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
chromium, open_page = browser.chromium, browser.open_page


def _phone(open_page, live_server) -> Walk:
    page, watch = open_page(PHONE)
    return Walk(page, watch, live_server.url, phone=True)


def _group(agencies, manager):
    today = timezone.localdate()
    members = [actions.do_add_member(actor=manager, agency=getattr(agencies, key), joined_on=today - timedelta(400))
               for key in ("police", "prosecutor", "defender", "project")]
    actions.do_add_representative(members[0], actor=manager, name="Chief Rosa Ruiz", title="Chief of Police",
                                  kind="representative")
    held, _ = actions.do_schedule_meeting(actor=manager, held_on=today - timedelta(days=1), place="City Hall",
                                          agenda="Protocol version 2")
    actions.do_record_attendance(held, actor=manager, represented={m.pk: "" for m in members[:3]})
    actions.do_schedule_meeting(actor=manager, held_on=today + timedelta(days=30), place="County building")
    mou, _ = actions.do_add_agreement(actor=manager, kind="mou", title="LEAD MOU",
                                      effective_on=today - timedelta(days=700), renewal_on=today + timedelta(days=25))
    actions.do_add_party(mou, actor=manager, agency=agencies.police)
    actions.do_add_signatory(mou, actor=manager, agency=agencies.police, name="Chief Rosa Ruiz",
                             title="Chief of Police", signed_on=today - timedelta(days=710))
    actions.do_add_document(actor=manager, title="Data-sharing policy", kind="data_sharing")
    return held, mou


def test_the_project_manager_approves_the_protocol_through_a_decision(open_page, live_server, manager_mo, agencies):
    approved = load_example("three_door", approved_on=timezone.localdate() - timedelta(days=300))
    draft = do_create_draft(actor=manager_mo, based_on=approved)
    held, mou = _group(agencies, manager_mo)
    walk = _phone(open_page, live_server)
    page = walk.page
    walk.sign_in(manager_mo, axe=False)
    page.goto(f"{live_server.url}/pcg/")
    walk.arrived("the PCG overview", "Policy Coordinating Group")
    expect(page.locator("main")).to_contain_text("LEAD MOU")
    page.get_by_role("link", name="Members", exact=True).click()
    walk.arrived("the member agencies", "Member agencies")
    page.get_by_role("link", name="Test Police Department").first.click()
    walk.arrived("one member agency", "Test Police Department")
    page.get_by_role("link", name="Meetings", exact=True).click()
    walk.arrived("the meetings", "Policy group meetings")
    page.get_by_role("link", name=held.held_on.isoformat()).click()
    walk.arrived("a meeting", re.compile("Policy group meeting of"))
    page.get_by_role("link", name="Record a decision").click()
    walk.arrived("the decision form", re.compile("Record a decision of"))
    page.get_by_label("Title").fill("Approve protocol version 2")
    page.get_by_label("What is decided").fill("The group approves version 2.")
    for fieldset in page.locator("fieldset").all():
        fieldset.get_by_label("Agree").check()
    page.get_by_label("This decision approves the protocol draft").select_option(str(draft.pk))
    page.get_by_label("The approved protocol takes effect on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Record the decision").click()
    walk.arrived("the decision", re.compile("Approve protocol version 2"))
    expect(page.locator("main")).to_contain_text("Consensus reached")
    assert DiversionProtocol.objects.get(pk=draft.pk).is_approved
    page.get_by_role("link", name=re.compile("Read protocol version")).click()
    walk.arrived("the approved protocol", re.compile("Protocol version"))
    page.goto(f"{live_server.url}/pcg/documents/")
    walk.arrived("the documents", "Policy documents")
    page.get_by_role("link", name="Data-sharing policy").click()
    walk.arrived("a document", "Data-sharing policy")
    page.goto(f"{live_server.url}/pcg/agreements/")
    walk.arrived("the agreements", "Resolution and agreements")
    page.get_by_role("link", name="LEAD MOU").click()
    walk.arrived("an agreement", "LEAD MOU")
    expect(page.locator("main")).to_contain_text("Chief Rosa Ruiz, Chief of Police")


def test_an_officer_reads_the_group_s_record(open_page, live_server, officer_olivia, manager_mo, agencies):
    _group(agencies, manager_mo)
    walk = _phone(open_page, live_server)
    page = walk.page
    walk.sign_in(officer_olivia, axe=False)
    page.goto(f"{live_server.url}/pcg/")
    walk.arrived("the PCG overview, read-only", "Policy Coordinating Group")
    expect(page.locator("main form")).to_have_count(0)
    page.get_by_role("link", name="Resolution and agreements").click()
    walk.arrived("the agreements, read-only", "Resolution and agreements")
    expect(page.locator("main form")).to_have_count(0)
