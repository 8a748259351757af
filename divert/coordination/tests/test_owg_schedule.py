"""The group's cadence and members; meetings made from the cadence (what `divert tick` runs); the OWG page."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from conftest import IDENTITY_CANARY
from divert.audit.models import AuditEvent
from divert.coordination.actions_owg import do_add_member, meeting_dates, owg_tick, schedule_owg_meetings
from divert.coordination.models import (
    AgendaItem,
    OperationalWorkGroup,
    OperationalWorkGroupMeeting,
    OperationalWorkGroupMember,
    Weekday,
)
from divert.notify.models import Notification

pytest_plugins = ["divert.coordination.tests.conftest_owg"]


def test_meeting_dates_follow_the_cadence_on_the_weekday(db):
    group = OperationalWorkGroup(first_meeting_on=date(2026, 1, 5), weekday=Weekday.WEDNESDAY, cadence_days=14)
    assert meeting_dates(group, date(2026, 1, 1), date(2026, 2, 10)) == [
        date(2026, 1, 7), date(2026, 1, 21), date(2026, 2, 4)]
    assert meeting_dates(group, date(2026, 1, 8), date(2026, 1, 21)) == [date(2026, 1, 21)]


@time_machine.travel("2026-03-02 08:00", tick=False)
def test_scheduling_makes_the_next_meetings_once_and_tells_members(group, all_members, participant, personas,
                                                                   case_manager_cam):
    OperationalWorkGroup.objects.filter(pk=group.pk).update(first_meeting_on=date(2026, 1, 7))
    made = schedule_owg_meetings(timezone.localdate())
    days = [m.day for m in OperationalWorkGroupMeeting.objects.order_by("starts_at")]
    assert made == 2 and days == [date(2026, 3, 4), date(2026, 3, 18)]
    assert schedule_owg_meetings(timezone.localdate()) == 0  # safe to run again
    assert owg_tick(timezone.now()) == 0
    soon = OperationalWorkGroupMeeting.objects.get(starts_at__date=date(2026, 3, 4))
    assert soon.agenda_built_at is not None and AgendaItem.objects.filter(meeting=soon).exists()
    later = OperationalWorkGroupMeeting.objects.get(starts_at__date=date(2026, 3, 18))
    assert later.agenda_built_at is None  # built in the week before
    olivia = Notification.objects.filter(recipient=personas.officer_olivia)
    assert olivia.filter(kind="divert.owg.meeting_scheduled").count() == 2
    assert olivia.filter(kind="divert.owg.agenda_ready").count() == 1
    assert not Notification.objects.filter(title__contains=IDENTITY_CANARY).exists()
    assert AuditEvent.objects.filter(action="divert.owg.meeting.scheduled").count() == 2


def test_the_project_manager_schedules_from_the_page(group, manager_mo, officer_olivia, login):
    client = login(manager_mo)
    assert client.post("/owg/schedule/").status_code == 302
    assert OperationalWorkGroupMeeting.objects.count() >= 2
    assert login(officer_olivia).post("/owg/schedule/").status_code == 403


# --- Settings and members ---------------------------------------------------------------------------------------

def _settings_form(group, **changes):
    form = {"name": group.name, "cadence_days": group.cadence_days, "weekday": group.weekday,
            "starts_at": "10:00", "duration_minutes": 90, "place": group.place, "call_link": "",
            "first_meeting_on": group.first_meeting_on.isoformat(), "active": "on",
            "version": group.updated_at.isoformat()}
    form.update(changes)
    return form


def test_settings_quartet(group, manager_mo, officer_olivia, login):
    client = login(manager_mo)
    assert client.get("/owg/settings/").status_code == 200
    schedule_owg_meetings(timezone.localdate())
    before = OperationalWorkGroupMeeting.objects.count()
    assert before
    response = client.post("/owg/settings/", _settings_form(group, cadence_days=7, weekday=Weekday.THURSDAY))
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.cadence_days == 7 and group.weekday == Weekday.THURSDAY
    # Untouched future meetings follow the new cadence.
    future = OperationalWorkGroupMeeting.objects.filter(starts_at__gt=timezone.now())
    assert future.exists() and {m.day.weekday() for m in future} == {Weekday.THURSDAY}
    assert AuditEvent.objects.filter(action="divert.owg.settings_changed", actor=manager_mo).exists()
    bad = client.post("/owg/settings/", _settings_form(group, cadence_days=0))
    assert bad.status_code == 400
    stale = client.post("/owg/settings/", _settings_form(group, name="Renamed",
                                                         version=(group.updated_at - timedelta(days=1)).isoformat()))
    assert stale.status_code == 409
    group.refresh_from_db()
    assert group.name != "Renamed" and group.cadence_days == 7
    assert login(officer_olivia).get("/owg/settings/").status_code == 403


def test_members_are_added_by_agency_and_seat_and_removed(group, manager_mo, prosecutor_pat, agencies, login):
    client = login(manager_mo)
    assert client.post("/owg/settings/members/", {"user": prosecutor_pat.pk}).status_code == 302
    member = OperationalWorkGroupMember.objects.get(user=prosecutor_pat)
    assert member.agency == agencies.prosecutor and member.role == "prosecutor" and member.active
    assert client.post("/owg/settings/members/", {"user": "nope"}).status_code == 400
    assert client.post(f"/owg/settings/members/{member.pk}/remove/").status_code == 302
    assert not OperationalWorkGroupMember.objects.get(pk=member.pk).active
    assert AuditEvent.objects.filter(action__in=["divert.owg.member_added", "divert.owg.member_removed"]).count() == 2
    assert login(prosecutor_pat).post("/owg/settings/members/", {"user": prosecutor_pat.pk}).status_code == 403


# --- The OWG page ------------------------------------------------------------------------------------------------

def test_the_owg_page_lists_meetings_and_my_action_items(all_members, meeting, officer_olivia, manager_mo,
                                                         outsider_oscar, login):
    page = login(officer_olivia).get("/owg/").content.decode()
    assert "Upcoming meetings" in page and f"/owg/meetings/{meeting.pk}/" in page and "No open action items" in page
    assert "Schedule the next meetings" not in page
    assert "Schedule the next meetings" in login(manager_mo).get("/owg/").content.decode()
    all_members.members.filter(user=outsider_oscar).delete()
    outsider = login(outsider_oscar).get("/owg/").content.decode()
    assert "not a member" in outsider and f"/owg/meetings/{meeting.pk}/" not in outsider


@pytest.mark.parametrize("community_representative", [True, False])
def test_a_member_without_a_seat(group, manager_mo, community_representative):
    from conftest import make_user

    rep = make_user(f"rep_{community_representative}")
    member = do_add_member(group, rep, actor=manager_mo, community_representative=community_representative,
                           organization="Eastside Neighbors")
    assert member.agency is None and member.role == "" and member.affiliation == "Eastside Neighbors"


def test_the_project_manager_sets_up_the_first_group(db, manager_mo, login):
    client = login(manager_mo)
    page = client.get("/owg/settings/")
    assert page.status_code == 200 and "Add a member" not in page.content.decode()
    form = {"name": "Downtown OWG", "cadence_days": 14, "weekday": Weekday.TUESDAY, "starts_at": "09:30",
            "duration_minutes": 60, "place": "Day center", "call_link": "meet.example.org/owg",
            "first_meeting_on": timezone.localdate().isoformat(), "active": "on", "version": ""}
    assert client.post("/owg/settings/", form).status_code == 302
    group = OperationalWorkGroup.objects.get()
    assert group.name == "Downtown OWG" and group.call_link == "https://meet.example.org/owg"
    assert OperationalWorkGroupMeeting.objects.filter(group=group).exists()
    assert {m.day.weekday() for m in OperationalWorkGroupMeeting.objects.all()} == {Weekday.TUESDAY}
