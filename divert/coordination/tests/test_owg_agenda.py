"""The agenda: built from the program's data (idempotent), edited by the project manager."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import IDENTITY_CANARY
from divert.audit.models import AuditEvent
from divert.coordination.agenda import build_agenda
from divert.coordination.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaSource,
    MinutesLocked,
    OperationalWorkGroupFlag,
    OperationalWorkGroupMeeting,
)
from divert.participants.actions import do_change_status
from divert.participants.models import Person
from divert.referrals.models import ChargeStatus, Referral, ReferralStatus
from divert.referrals.tests import conftest as referral_fixtures
from divert.referrals.tests.factories import arrest_referral, social_referral

pytest_plugins = ["divert.coordination.tests.conftest_owg"]
protocol = referral_fixtures.protocol


def sources(meeting) -> dict[str, AgendaItem]:
    return {i.source_ref: i for i in AgendaItem.objects.filter(meeting=meeting)}


@pytest.fixture
def program(protocol, personas, participant):
    """A new referral, one whose intake deadline is two days after the meeting, a lapse, someone in the wind."""
    new = arrest_referral(protocol, personas.officer_olivia)
    due = social_referral(protocol, personas.officer_olivia)
    Referral.objects.filter(pk=due.pk).update(status=ReferralStatus.PENDING_INTAKE,
                                              referred_at=timezone.now() - timedelta(days=11))
    lapsed = arrest_referral(protocol, personas.officer_olivia, first_name="Lee", last_name="Lapsewell")
    Referral.objects.filter(pk=lapsed.pk).update(status=ReferralStatus.INTAKE_LAPSED, charge_status=ChargeStatus.HELD,
                                                 intake_lapsed_at=timezone.now() - timedelta(days=1))
    do_change_status(participant.enrollments.get(), "in_the_wind", actor=personas.case_manager_cam,
                     reason="Not seen for three weeks")
    return {"new": new, "due": due, "lapsed": lapsed}


def test_the_agenda_is_built_from_the_programs_data(meeting, program, participant, manager_mo):
    added = build_agenda(meeting, actor=manager_mo)
    items = sources(meeting)
    new, due, lapsed = program["new"], program["due"], program["lapsed"]
    assert {"standing:welcome", "numbers", f"referral:{new.pk}:new", f"referral:{due.pk}:due",
            f"referral:{lapsed.pk}:lapsed", f"person:{participant.pk}:wind"} <= set(items)
    assert added == len(items)
    assert items[f"referral:{due.pk}:due"].source == AgendaSource.INTAKE_DUE
    assert items[f"person:{participant.pk}:wind"].person == participant
    assert items[f"person:{participant.pk}:wind"].kind == AgendaItemKind.PARTICIPANT
    assert "new referrals" in items["numbers"].title
    assert not any(IDENTITY_CANARY in i.title or "Quillfeather" in i.title for i in items.values())  # no names
    assert AuditEvent.objects.filter(action="divert.owg.agenda.built", target_id=str(meeting.pk)).exists()


def test_building_again_adds_only_what_is_new_and_never_what_was_removed(meeting, program, participant, manager_mo,
                                                                          personas, login):
    build_agenda(meeting)
    before = AgendaItem.objects.filter(meeting=meeting).count()
    assert build_agenda(meeting) == 0
    wind = AgendaItem.objects.get(meeting=meeting, source_ref=f"person:{participant.pk}:wind")
    meeting.refresh_from_db()
    client = login(manager_mo)
    response = client.post(f"/owg/meetings/{meeting.pk}/agenda/{wind.pk}/", {"do": "remove",
                                                                            "revision": meeting.revision})
    assert response.status_code == 302
    assert build_agenda(meeting) == 0
    OperationalWorkGroupFlag.objects.create(person=participant, reason="Needs a ride to court.",
                                            flagged_by=personas.case_manager_cam)
    response = client.post(f"/owg/meetings/{meeting.pk}/agenda/rebuild/")
    assert response.status_code == 302
    assert AgendaItem.objects.filter(meeting=meeting).count() == before + 1
    assert AgendaItem.objects.get(meeting=meeting, source=AgendaSource.FLAG).person == participant
    assert AgendaItem.objects.get(pk=wind.pk).removed


def test_referral_items_follow_who_may_see_the_referral(all_members, meeting, program, personas, login):
    build_agenda(meeting)
    officer = login(personas.officer_olivia).get(f"/owg/meetings/{meeting.pk}/").content.decode()
    assert "Quillfeather" in officer and "Pending" in officer  # her own referral, as officers see referrals
    defender = login(personas.defender_dana).get(f"/owg/meetings/{meeting.pk}/").content.decode()
    assert "Quillfeather" not in defender and "Lapsewell" not in defender


def test_a_flag_discussed_is_resolved(meeting, participant, case_manager_cam, manager_mo, login):
    flag = OperationalWorkGroupFlag.objects.create(person=participant, reason="Needs a ride",
                                                   flagged_by=case_manager_cam)
    build_agenda(meeting)
    item = AgendaItem.objects.get(meeting=meeting, flag=flag)
    meeting.refresh_from_db()
    response = login(manager_mo).post(f"/owg/meetings/{meeting.pk}/agenda/{item.pk}/",
                                      {"do": "discussed", "revision": meeting.revision})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.resolved_at is not None and flag.resolved_in == meeting
    assert AuditEvent.objects.filter(action="divert.owg.flag.resolved", person=participant).exists()
    assert AuditEvent.objects.filter(action="divert.owg.agenda.item_discussed", target_id=str(item.pk)).exists()


# --- Editing: the quartet ---------------------------------------------------------------------------------------

def test_the_project_manager_adds_an_item(all_members, meeting, manager_mo, participant, login):
    client = login(manager_mo)
    assert client.get(f"/owg/meetings/{meeting.pk}/agenda/").status_code == 200
    form = {"kind": "administrative", "title": "Review the new transport policy", "person": "",
            "submission_key": "3f0c1f0e-8d0a-4d7b-9a51-2f1d7f1f0b11"}
    assert client.post(f"/owg/meetings/{meeting.pk}/agenda/", form).status_code == 302
    assert client.post(f"/owg/meetings/{meeting.pk}/agenda/", form).status_code == 302  # a double submit
    item = AgendaItem.objects.get(meeting=meeting, source=AgendaSource.MANUAL)
    assert item.kind == AgendaItemKind.ADMINISTRATIVE and item.added_by == manager_mo
    about = {**form, "title": "Check in on progress", "person": participant.pk,
             "submission_key": "3f0c1f0e-8d0a-4d7b-9a51-2f1d7f1f0b12"}
    assert client.post(f"/owg/meetings/{meeting.pk}/agenda/", about).status_code == 302
    assert AgendaItem.objects.get(meeting=meeting, person=participant).kind == AgendaItemKind.PARTICIPANT
    assert AuditEvent.objects.filter(action="divert.owg.agenda.item_added", actor=manager_mo).count() == 2


def test_an_item_about_a_person_the_editor_may_not_see_is_refused(all_members, meeting, manager_mo, login):
    hidden = Person.objects.create(first_name="Nobody", last_name="Enrolled")  # no enrollment: the PM may not see
    response = login(manager_mo).post(f"/owg/meetings/{meeting.pk}/agenda/", {
        "kind": "operational", "title": "Talk about them", "person": hidden.pk,
        "submission_key": "3f0c1f0e-8d0a-4d7b-9a51-2f1d7f1f0b13"})
    assert response.status_code == 400
    assert "No person you may see has that record number" in response.content.decode()
    assert "Enrolled" not in response.content.decode()
    assert not AgendaItem.objects.filter(meeting=meeting).exists()


@pytest.mark.parametrize(("title", "message"), [
    (f"Alex {IDENTITY_CANARY} needs a bed", "Give their record number instead"),
    ("He relapsed again", "42 CFR Part 2"),
    ("", "This field is required"),
])
def test_bad_items_are_refused_and_change_nothing(all_members, meeting, manager_mo, participant, login, title,
                                                  message):
    response = login(manager_mo).post(f"/owg/meetings/{meeting.pk}/agenda/", {
        "kind": "operational", "title": title, "person": "", "submission_key": "3f0c1f0e-8d0a-4d7b-9a51-2f1d7f1f0b14"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AgendaItem.objects.filter(meeting=meeting).exists()


def test_members_may_not_edit_and_others_do_not_know_the_meeting(all_members, meeting, case_manager_cam,
                                                                  outsider_oscar, login):
    assert login(case_manager_cam).get(f"/owg/meetings/{meeting.pk}/agenda/").status_code == 403
    assert login(case_manager_cam).post(f"/owg/meetings/{meeting.pk}/agenda/rebuild/").status_code == 403
    all_members.members.filter(user=outsider_oscar).update(active=False)
    assert login(outsider_oscar).get(f"/owg/meetings/{meeting.pk}/agenda/").status_code == 404


def test_reordering_and_a_stale_edit(all_members, meeting, manager_mo, login):
    build_agenda(meeting)
    first, second = list(AgendaItem.objects.filter(meeting=meeting))[:2]
    meeting.refresh_from_db()
    client = login(manager_mo)
    old = meeting.revision
    assert client.post(f"/owg/meetings/{meeting.pk}/agenda/{second.pk}/", {"do": "up", "revision": old}).status_code \
        == 302
    assert list(AgendaItem.objects.filter(meeting=meeting))[:2] == [second, first]
    response = client.post(f"/owg/meetings/{meeting.pk}/agenda/{first.pk}/", {"do": "remove", "revision": old})
    assert response.status_code == 409 and "changed by someone else" in response.content.decode()
    assert not AgendaItem.objects.get(pk=first.pk).removed
    assert client.post(f"/owg/meetings/{meeting.pk}/agenda/{first.pk}/", {"do": "explode", "revision": old + 1}) \
        .status_code == 400


def test_an_approved_meetings_agenda_is_locked(all_members, meeting, manager_mo, login):
    build_agenda(meeting)
    OperationalWorkGroupMeeting.objects.filter(pk=meeting.pk).update(minutes_approved_at=timezone.now(),
                                                                     minutes_approved_by=manager_mo)
    assert login(manager_mo).get(f"/owg/meetings/{meeting.pk}/agenda/").status_code == 403
    with pytest.raises(MinutesLocked):
        build_agenda(meeting)
    item = AgendaItem.objects.filter(meeting=meeting).first()
    item.title = "Changed"
    with pytest.raises(MinutesLocked):
        item.save()


def test_open_coordination_requests_come_onto_the_agenda(meeting, participant, agencies, personas):
    from divert.coordination.models import CoordinationRequest, LegalMatter, MatterKind

    matter = LegalMatter.objects.create(person=participant, kind=MatterKind.values[0],
                                        prosecuting_agency=agencies.prosecutor)
    request = CoordinationRequest.objects.create(person=participant, matter=matter,
                                                 prosecuting_agency=agencies.prosecutor)
    assert CoordinationRequest.objects.open().filter(pk=request.pk).exists()
    build_agenda(meeting)
    item = AgendaItem.objects.get(meeting=meeting, source_ref=f"coordination:{request.pk}")
    assert item.source == AgendaSource.COORDINATION and item.person == participant
    assert IDENTITY_CANARY not in item.title
