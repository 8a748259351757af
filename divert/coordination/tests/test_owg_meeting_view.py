"""The meeting through each seat: items about a person only for seats that may know the person, and only status
and the partner summary (for partners under a release) — never casework, health or substance use. In HTML and PDF."""

import pytest

from conftest import IDENTITY_CANARY, SUD_CANARY, make_user
from divert.audit.models import AuditEvent
from divert.coordination.actions_owg import do_add_action_item, do_add_member, do_record_decision
from divert.coordination.models import AgendaItem
from divert.coordination.tests.conftest_owg import (
    ALL_SEATS,
    FLAG_REASON,
    HEALTH_CANARY,
    OPEN_NAME,
    OPEN_SUMMARY,
    SUMMARY,
)
from divert.coordination.views_owg import HIDDEN_LINE
from divert.lib.pdf import pdf_text
from divert.privacy.models import Disclosure
from divert.privacy.policy import Category, can_see

pytest_plugins = ["divert.coordination.tests.conftest_owg"]

KNOWS_CANARY = {"case_manager_cam", "case_manager_casey", "supervisor_sue", "outreach_omar", "manager_mo"}
# Partner summary and what was said about the person: the team, and the project manager who writes the minutes.
READS_DISCUSSION = {"case_manager_cam", "supervisor_sue", "outreach_omar", "manager_mo"}
KNOWS_BLAIR = KNOWS_CANARY | {"officer_olivia", "sergeant_sam", "prosecutor_pat"}


def _page(client, meeting) -> str:
    response = client.get(f"/owg/meetings/{meeting.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", ALL_SEATS)
def test_each_seat_sees_only_what_it_may(name, personas, canary_meeting, participant, other_person, login):
    user = getattr(personas, name)
    assert bool(can_see(user, participant, Category.IDENTITY)) == (name in KNOWS_CANARY)  # the fixture's premise
    html = _page(login(user), canary_meeting)
    assert SUD_CANARY not in html and HEALTH_CANARY not in html
    assert (IDENTITY_CANARY in html) == (name in KNOWS_CANARY)
    assert (FLAG_REASON in html) == (name in READS_DISCUSSION)
    assert (SUMMARY in html) == (name in {"case_manager_cam", "supervisor_sue", "outreach_omar"})
    assert (OPEN_NAME in html) == (name in KNOWS_BLAIR)
    assert "Transport vouchers for the east side" in html  # operational items are for every member
    assert str(HIDDEN_LINE) in html  # always, so its presence tells nothing


@pytest.mark.parametrize("name", ALL_SEATS)
def test_each_seats_pdf_shows_no_more_than_its_page(name, personas, canary_meeting, participant, login, require_pdf):
    user = getattr(personas, name)
    response = login(user).get(f"/owg/meetings/{canary_meeting.pk}/minutes.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert SUD_CANARY not in text and HEALTH_CANARY not in text
    assert (IDENTITY_CANARY in text) == (name in KNOWS_CANARY)
    assert (OPEN_NAME in text) == (name in KNOWS_BLAIR)
    assert "Transport vouchers" in text
    assert AuditEvent.objects.filter(action="divert.owg.meeting.exported", actor=user).exists()


def test_a_partner_under_a_release_sees_status_and_summary_and_it_is_accounted(officer_olivia, canary_meeting,
                                                                                other_person, login):
    html = _page(login(officer_olivia), canary_meeting)
    assert OPEN_SUMMARY in html and "Active" in html
    disclosure = Disclosure.objects.get(recipient=officer_olivia, person=other_person)
    assert sorted(disclosure.categories) == [Category.PARTNER_SUMMARY, Category.STATUS]
    assert AuditEvent.objects.filter(action="divert.disclosure.made", actor=officer_olivia, person=other_person,
                                     category=Category.PARTNER_SUMMARY).exists()
    assert AuditEvent.objects.filter(action="divert.owg.meeting.viewed", actor=officer_olivia,
                                     target_id=str(canary_meeting.pk)).exists()


def test_draft_minutes_reach_only_the_project_manager(manager_mo, officer_olivia, canary_meeting, login):
    AgendaItem.objects.filter(meeting=canary_meeting).update(minutes="Talked through the shelter waitlist.")
    canary_meeting.minutes_summary = "Agreed the east-side voucher plan."
    canary_meeting.save()
    assert "east-side voucher plan" in _page(login(manager_mo), canary_meeting)
    html = _page(login(officer_olivia), canary_meeting)
    assert "east-side voucher plan" not in html and "shelter waitlist" not in html
    assert "once the project manager approves them" in html


def test_decisions_and_action_items_naming_a_person_follow_the_person(manager_mo, case_manager_cam, officer_olivia,
                                                                       canary_meeting, participant, login):
    item = AgendaItem.objects.get(meeting=canary_meeting, person=participant)
    do_record_decision(canary_meeting, actor=manager_mo, text="Ask the shelter to hold a bed", agenda_item=item)
    do_record_decision(canary_meeting, actor=manager_mo, text=f"Alex {IDENTITY_CANARY} to get a ride to the ID office")
    do_add_action_item(canary_meeting, actor=manager_mo, text=f"Call the shelter for Alex {IDENTITY_CANARY}",
                       owner=case_manager_cam, due_on=canary_meeting.day)
    for user, sees in ((case_manager_cam, True), (officer_olivia, False)):
        html = _page(login(user), canary_meeting)
        assert ("hold a bed" in html) == sees
        assert ("ride to the ID office" in html) == sees
        assert ("Call the shelter" in html) == sees
        assert IDENTITY_CANARY not in html or sees


def test_a_community_representative_without_a_seat_sees_only_general_items(all_members, canary_meeting, manager_mo,
                                                                            login):
    rep = make_user("community_cora")  # no seat: no agency role
    do_add_member(all_members, rep, actor=manager_mo, community_representative=True,
                  organization="Eastside Neighbors")
    html = _page(login(rep), canary_meeting)
    assert IDENTITY_CANARY not in html and OPEN_NAME not in html
    assert "Program numbers since" in html and "Transport vouchers" in html


def test_a_non_member_gets_404_and_a_project_manager_always_reads(canary_meeting, outsider_oscar, manager_mo, login,
                                                                   all_members):
    all_members.members.filter(user=outsider_oscar).update(active=False)
    client = login(outsider_oscar)
    assert client.get(f"/owg/meetings/{canary_meeting.pk}/").status_code == 404
    assert client.get(f"/owg/meetings/{canary_meeting.pk}/minutes.pdf").status_code == 404
    assert client.get("/owg/meetings/999999/").status_code == 404
    all_members.members.filter(user=manager_mo).delete()
    assert login(manager_mo).get(f"/owg/meetings/{canary_meeting.pk}/").status_code == 200
