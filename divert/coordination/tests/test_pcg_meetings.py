"""Meetings: scheduling, agenda, attendance by agency, minutes from draft to approved (then final), the PDF."""

import uuid
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from divert.coordination import actions_pcg as actions
from divert.coordination.models.pcg import PCGAttendance, PCGMeeting
from divert.lib.pdf import pdf_text

from .test_pcg_support import READERS, TODAY, audit, build_group, decide, noon

NEW = reverse("pcg_meeting_new")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(noon(TODAY), tick=False):
        yield


@pytest.fixture
def group(agencies, manager_mo):
    return build_group(agencies, manager_mo)


def _url(name, meeting):
    return reverse(name, args=[meeting.pk])


def _edit_data(meeting, **changes):
    data = {"held_on": meeting.held_on.isoformat(), "starts_at": "", "place": meeting.place, "agenda": meeting.agenda,
            "minutes": meeting.minutes, "version": meeting.updated_at.isoformat()}
    return {**data, **changes}


# --- Scheduling -----------------------------------------------------------------------------------------------

def test_scheduling_a_meeting(login, manager_mo, group):
    client = login(manager_mo)
    page = client.get(NEW)
    assert page.status_code == 200 and "works on policy, not people" in page.content.decode()
    key = str(uuid.uuid4())
    data = {"held_on": "2026-09-01", "starts_at": "15:30", "place": "Council chamber", "agenda": "Budget\n\nMOU",
            "submission_key": key}
    response = client.post(NEW, data)
    meeting = PCGMeeting.objects.get(held_on=date(2026, 9, 1))
    assert response.status_code == 302 and response["Location"] == _url("pcg_meeting", meeting)
    assert client.post(NEW, data)["Location"] == _url("pcg_meeting", meeting)  # a double tap: the same meeting
    assert PCGMeeting.objects.filter(held_on=date(2026, 9, 1)).count() == 1
    assert audit("divert.pcg.meeting.scheduled").filter(target_id=str(meeting.pk)).get().details == {
        "held_on": "2026-09-01"}
    text = client.get(response["Location"]).content.decode()
    assert "<li>Budget</li>" in text and "<li>MOU</li>" in text and "has not taken place yet" in text


@pytest.mark.parametrize(("data", "error"), [
    pytest.param({"held_on": "2026-09-01", "place": ""}, "This field is required.", id="no-place"),
    pytest.param({"held_on": "", "place": "Hall"}, "This field is required.", id="no-date"),
    pytest.param({"held_on": "2026-03-03", "place": "Hall"}, "already exists", id="same-day"),
])
def test_bad_meetings_are_refused(login, manager_mo, group, data, error):
    before = PCGMeeting.objects.count()
    response = login(manager_mo).post(NEW, {**data, "agenda": "", "submission_key": str(uuid.uuid4())})
    assert response.status_code == 400 and error in response.content.decode()
    assert PCGMeeting.objects.count() == before


@pytest.mark.parametrize("seat", READERS)
def test_readers_read_meetings_but_do_not_write(request, login, group, seat):
    client = login(request.getfixturevalue(seat))
    assert client.get(reverse("pcg_meetings")).status_code == 200
    page = client.get(_url("pcg_meeting", group.held))
    assert page.status_code == 200 and "4 of 5 member agencies represented" in page.content.decode()
    assert "Record a decision" not in page.content.decode()
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"held_on": "2026-09-01", "place": "Hall"}).status_code == 403
    assert client.post(_url("pcg_meeting_edit", group.held), _edit_data(group.held, place="X")).status_code == 403
    assert client.post(_url("pcg_attendance", group.held), {}).status_code == 403
    assert client.post(_url("pcg_minutes_approve", group.held), {"approved_on": "2026-03-10"}).status_code == 403
    assert PCGMeeting.objects.count() == 2 and group.held.attendance.count() == 4


def test_outsiders_are_refused(login, outsider_oscar, group):
    client = login(outsider_oscar)
    for url in (reverse("pcg_meetings"), _url("pcg_meeting", group.held), _url("pcg_minutes_pdf", group.held)):
        assert client.get(url).status_code == 403


# --- Agenda and minutes ---------------------------------------------------------------------------------------

def test_editing_the_agenda_and_minutes(login, manager_mo, group):
    client = login(manager_mo)
    assert client.get(_url("pcg_meeting_edit", group.held)).status_code == 200
    response = client.post(_url("pcg_meeting_edit", group.held),
                           _edit_data(group.held, minutes="The group reviewed protocol version 2."))
    assert response.status_code == 302
    group.held.refresh_from_db()
    assert group.held.minutes == "The group reviewed protocol version 2."
    assert audit("divert.pcg.meeting.changed").get().details == {"held_on": "2026-03-03", "fields": ["minutes"]}


def test_a_stale_edit_is_refused(login, manager_mo, group):
    seen = _edit_data(group.held, minutes="Mine")
    with time_machine.travel(noon(TODAY) + timedelta(minutes=1), tick=False):
        actions.do_change_meeting(group.held, actor=manager_mo, if_unchanged_since=None, minutes="Theirs")
    response = login(manager_mo).post(_url("pcg_meeting_edit", group.held), seen)
    assert response.status_code == 409 and "changed by someone else" in response.content.decode()
    group.held.refresh_from_db()
    assert group.held.minutes == "Theirs"


def test_the_date_of_a_meeting_with_attendance_stays(login, manager_mo, group):
    response = login(manager_mo).post(_url("pcg_meeting_edit", group.held), _edit_data(group.held,
                                                                                        held_on="2026-03-04"))
    assert response.status_code == 400 and "its date cannot change" in response.content.decode()
    group.held.refresh_from_db()
    assert group.held.held_on == date(2026, 3, 3)


# --- Attendance -----------------------------------------------------------------------------------------------

def test_recording_attendance(login, manager_mo, group):
    client = login(manager_mo)
    page = client.get(_url("pcg_attendance", group.held))
    assert page.status_code == 200 and "Test Harm Reduction Services was represented" in page.content.decode()
    members = group.members
    data = {f"present_{members['police'].pk}": "on", f"attendees_{members['police'].pk}": "Chief Ruiz",
            f"present_{members['provider'].pk}": "on", f"attendees_{members['provider'].pk}": "Director Lee"}
    assert client.post(_url("pcg_attendance", group.held), data).status_code == 302
    assert set(PCGAttendance.objects.filter(meeting=group.held).values_list("member_id", flat=True)) == {
        members["police"].pk, members["provider"].pk}
    event = audit("divert.pcg.attendance.recorded").last()
    assert event.details == {"held_on": "2026-03-03", "members": sorted([members["police"].pk,
                                                                          members["provider"].pk]), "eligible": 5}
    assert "2 of 5 member agencies represented" in client.get(_url("pcg_meeting", group.held)).content.decode()


def test_attendance_waits_for_the_meeting(login, manager_mo, group):
    police = group.members["police"]
    response = login(manager_mo).post(_url("pcg_attendance", group.upcoming), {f"present_{police.pk}": "on"})
    assert response.status_code == 400 and "once the meeting has taken place" in response.content.decode()
    assert not group.upcoming.attendance.exists()


def test_only_member_agencies_attend(manager_mo, agencies, group):
    outsider = actions.do_add_member(actor=manager_mo, agency=agencies.other_provider, joined_on=date(2026, 3, 5))
    with pytest.raises(Exception, match="members on the day"):
        actions.do_record_attendance(group.held, actor=manager_mo, represented={outsider.pk: ""})


def test_an_agency_with_a_position_stays_in_the_attendance(login, manager_mo, group):
    decide(group, manager_mo)
    police = group.members["police"]
    response = login(manager_mo).post(_url("pcg_attendance", group.held), {f"present_{police.pk}": "on"})
    assert response.status_code == 400 and "cannot be removed from the attendance" in response.content.decode()
    assert group.held.attendance.count() == 4


# --- Minutes approval: the record becomes final ---------------------------------------------------------------

def test_approving_the_minutes_makes_the_record_final(login, manager_mo, group):
    actions.do_change_meeting(group.held, actor=manager_mo, if_unchanged_since=None, minutes="Minutes text.")
    client = login(manager_mo)
    url = _url("pcg_minutes_approve", group.held)
    assert client.post(url, {"approved_on": "2026-03-10"}).status_code == 302
    assert client.post(url, {"approved_on": "2026-03-10"}).status_code == 302  # a double tap is harmless
    group.held.refresh_from_db()
    assert group.held.minutes_approved_on == date(2026, 3, 10) and group.held.minutes_approved_by == manager_mo
    assert audit("divert.pcg.minutes.approved").get().details == {"held_on": "2026-03-03",
                                                                  "approved_on": "2026-03-10"}
    assert "This record is final." in client.get(_url("pcg_meeting", group.held)).content.decode()
    for name in ("pcg_meeting_edit", "pcg_attendance", "pcg_decision_new"):
        assert client.get(_url(name, group.held)).status_code == 403
    response = client.post(_url("pcg_meeting_edit", group.held), _edit_data(group.held, minutes="Rewritten"))
    assert response.status_code == 403
    group.held.refresh_from_db()
    assert group.held.minutes == "Minutes text."


@pytest.mark.parametrize(("minutes", "approved_on", "error"), [
    pytest.param("", "2026-03-10", "Write the minutes before recording their approval.", id="no-minutes"),
    pytest.param("Text", "2026-03-02", "before the meeting took place", id="before-the-meeting"),
    pytest.param("Text", "2026-03-11", "cannot be in the future", id="future"),
    pytest.param("Text", "", "This field is required.", id="no-date"),
])
def test_bad_approvals_are_refused(login, manager_mo, group, minutes, approved_on, error):
    actions.do_change_meeting(group.held, actor=manager_mo, if_unchanged_since=None, minutes=minutes)
    response = login(manager_mo).post(_url("pcg_minutes_approve", group.held), {"approved_on": approved_on})
    assert response.status_code == 400 and error in response.content.decode()
    group.held.refresh_from_db()
    assert not group.held.minutes_approved and not audit("divert.pcg.minutes.approved").exists()


def test_the_minutes_pdf(require_pdf, login, officer_olivia, manager_mo, group):
    decide(group, manager_mo)
    actions.do_change_meeting(group.held, actor=manager_mo, if_unchanged_since=None,
                              minutes="The group adopted the data-sharing policy.")
    response = login(officer_olivia).get(_url("pcg_minutes_pdf", group.held))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = " ".join(pdf_text(response.content).split())
    assert "minutes of the meeting of 2026-03-03" in text and "DRAFT" in text
    assert "Test Police Department: Head of police" in text
    assert "PCG 2026-03-03 #1: Adopt the data-sharing policy — Consensus reached" in text
    assert "The group adopted the data-sharing policy." in text
