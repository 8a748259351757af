"""An Operational Work Group meeting in Debian's chromium, from agenda to approved minutes: the project manager edits
the agenda, takes attendance, writes minutes that the Golden Rule check stops and then passes, records a decision
and an action item, approves, and downloads the PDF; the officer then finds the action item and the minutes.

Every page gets Walk.arrived's checks (divert/web/tests/test_browser.py): one h1, axe-core, no CSP violation, no
JavaScript error or failed request.
"""

import os
import re
from pathlib import Path

import pytest

from divert.web.tests.conftest import CHROMIUM

if not Path(CHROMIUM).exists():
    reason = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("DIVERT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DIVERT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from conftest import IDENTITY_CANARY, SUD_CANARY  # noqa: E402
from divert.casework.models import Task  # noqa: E402
from divert.coordination.models import ActionItem, AgendaItem, MeetingAttendance  # noqa: E402
from divert.lib.pdf import pdf_available, pdf_text  # noqa: E402
from divert.web.tests import conftest as browser  # noqa: E402
from divert.web.tests.test_browser import Walk  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["divert.coordination.tests.conftest_owg"]

chromium, open_page = browser.chromium, browser.open_page


def _walk(open_page, live_server) -> Walk:
    page, watch = open_page(browser.DESKTOP)
    return Walk(page, watch, live_server.url, phone=False)


def test_an_owg_meeting_from_agenda_to_approved_minutes(open_page, live_server, personas, canary_meeting,
                                                        participant):
    meeting = canary_meeting
    day_h1 = re.compile(r"^OWG meeting of ")
    mo = _walk(open_page, live_server)
    page = mo.page
    mo.sign_in(personas.manager_mo)
    mo.arrived("the project manager's home page", "Program overview")
    page.goto(live_server.url + "/owg/")
    mo.arrived("the OWG page", "Operational Work Group")
    page.get_by_role("link", name="Meetings and members").click()
    mo.arrived("the group's settings", "Meetings and members")
    expect(page.get_by_role("table", name="Members by agency and seat")).to_contain_text("Olivia Tester")
    page.go_back()
    mo.arrived("the OWG page, again", "Operational Work Group")
    page.get_by_role("link", name=re.compile(r"\d")).first.click()
    mo.arrived("the meeting", day_h1)
    expect(page.get_by_role("main")).to_contain_text(f"Alex {IDENTITY_CANARY}")
    expect(page.get_by_role("main")).not_to_contain_text(SUD_CANARY)

    # The agenda: an item added, another marked discussed.
    page.get_by_role("link", name="Edit the agenda").click()
    mo.arrived("the agenda editor", re.compile(r"^Agenda for the OWG meeting of "))
    page.get_by_label("Administrative", exact=True).check()
    page.get_by_label("Item", exact=True).fill("Holiday on-call coverage")
    page.get_by_role("button", name="Add the item").click()
    mo.arrived("the agenda, with the new item", re.compile(r"^Agenda for the OWG meeting of "))
    expect(page.get_by_role("status")).to_contain_text("Item added.")
    flag_item = AgendaItem.objects.get(meeting=meeting, person=participant)
    page.get_by_role("button", name=re.compile(r"^Discussed\s*: .*Flagged by the case-management team.*"
                                               + IDENTITY_CANARY)).click()
    mo.arrived("the agenda, after marking discussed", re.compile(r"^Agenda for the OWG meeting of "))
    flag_item.refresh_from_db()
    assert flag_item.discussed_at is not None

    # Attendance, and a guest.
    page.get_by_role("link", name="Attendance").click()
    mo.arrived("attendance", re.compile(r"^Attendance at the OWG meeting of "))
    page.get_by_role("group", name=re.compile("^Dana Tester")).get_by_label("Excused").check()
    page.get_by_role("button", name="Save attendance").click()
    mo.arrived("attendance, saved", re.compile(r"^Attendance at the OWG meeting of "))
    page.get_by_label("Guest's name").fill("Robin Visitor")
    page.get_by_label("Agency or organization").fill("County Housing")
    page.get_by_role("button", name="Add the guest").click()
    mo.arrived("attendance, with a guest", re.compile(r"^Attendance at the OWG meeting of "))
    assert MeetingAttendance.objects.get(meeting=meeting, user=personas.defender_dana).status == "excused"

    # Minutes: a line the Golden Rule stops, then rewritten; a decision and an action item; approval.
    page.get_by_role("link", name="Minutes, decisions and action items").click()
    mo.arrived("the minutes", re.compile(r"^Minutes of the OWG meeting of "))
    page.get_by_label("Overall minutes").fill("Good meeting. He relapsed on Friday.")
    page.get_by_role("button", name="Save the draft").click()
    mo.arrived("the minutes, flagged", re.compile(r"^Minutes of the OWG meeting of "))
    expect(page.get_by_role("region", name="Golden Rule check")).to_contain_text("relapsed")
    page.get_by_label("Overall minutes").fill("Good meeting. Agreed the holiday coverage plan.")
    page.get_by_role("button", name="Save the draft").click()
    mo.arrived("the minutes, clean", re.compile(r"^Minutes of the OWG meeting of "))
    expect(page.get_by_role("region", name="Golden Rule check")).to_contain_text("Nothing flagged.")
    decisions = page.get_by_role("region", name="Decisions")
    decisions.get_by_label("Decision", exact=True).fill("Keep the on-call roster through January")
    decisions.get_by_label("Reason").fill("Coverage has been good")
    decisions.get_by_role("button", name="Record the decision").click()
    mo.arrived("the minutes, with a decision", re.compile(r"^Minutes of the OWG meeting of "))
    actions = page.get_by_role("region", name="Action items")
    actions.get_by_label("Action", exact=True).fill("Share the holiday on-call roster")
    actions.get_by_label("Owner").select_option(label="Olivia Tester — Officer, Test Police Department")
    actions.get_by_role("button", name="Add the action item").click()
    mo.arrived("the minutes, with an action item", re.compile(r"^Minutes of the OWG meeting of "))
    action = ActionItem.objects.get(meeting=meeting)
    assert Task.objects.get(pk=action.task_id).assigned_to == personas.officer_olivia
    page.get_by_role("button", name="Approve the minutes").click()
    mo.arrived("the approved meeting", day_h1)
    expect(page.get_by_role("status")).to_contain_text("Minutes approved.")

    link = page.get_by_role("link", name="Download the minutes (PDF)")
    if pdf_available():
        with page.expect_download() as download:
            link.click()
        text = pdf_text(Path(download.value.path()).read_bytes())
        assert "Agreed the holiday coverage plan." in text and "Holiday on-call coverage" in text
        assert SUD_CANARY not in text

    # The officer: the action item on the OWG page, done from there; the minutes without the participant.
    olivia = _walk(open_page, live_server)
    olivia.sign_in(personas.officer_olivia, axe=False)
    olivia.page.wait_for_load_state("load")
    olivia.watch.check("the officer's home page")
    olivia.page.goto(live_server.url + "/owg/")
    olivia.arrived("the officer's OWG page", "Operational Work Group")
    olivia.page.get_by_role("button", name=re.compile(r"^Done\s*: Share the holiday on-call roster")).click()
    olivia.arrived("the officer's OWG page, item done", "Operational Work Group")
    assert Task.objects.get(pk=action.task_id).done_at is not None
    olivia.page.goto(live_server.url + f"/owg/meetings/{meeting.pk}/")
    olivia.arrived("the meeting through the officer's seat", day_h1)
    main = olivia.page.get_by_role("main")
    expect(main).to_contain_text("Agreed the holiday coverage plan.")
    expect(main).to_contain_text("Items about people your seat may not see are not shown.")
    expect(main).not_to_contain_text(IDENTITY_CANARY)
