"""Attendance, decisions, action items that become tasks, minutes checked against the First Golden Rule,
approval (locked) and the PDF."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import IDENTITY_CANARY, SUD_CANARY
from divert.audit.models import AuditEvent
from divert.casework.models import Task
from divert.coordination.actions_owg import (
    do_add_action_item,
    do_approve_minutes,
    do_record_attendance,
    do_record_decision,
    do_save_minutes,
)
from divert.coordination.models import (
    ActionItem,
    AgendaItem,
    AttendanceStatus,
    MeetingAttendance,
    MeetingDecision,
    MeetingGuest,
    MinutesLocked,
)
from divert.lib.pdf import pdf_text
from divert.notify.models import Notification

pytest_plugins = ["divert.coordination.tests.conftest_owg"]

KEY = "5a0c1f0e-8d0a-4d7b-9a51-2f1d7f1f0b%02d"


def _url(meeting, part=""):
    return f"/owg/meetings/{meeting.pk}/{part}"


# --- Attendance -----------------------------------------------------------------------------------------------

def test_attendance_is_recorded_per_member_and_guests_by_name(canary_meeting, manager_mo, personas, login):
    client = login(manager_mo)
    page = client.get(_url(canary_meeting, "attendance/"))
    assert page.status_code == 200
    form = {"revision": canary_meeting.revision}
    form.update({f"member_{u.pk}": "present" for u in (personas.officer_olivia, personas.case_manager_cam)})
    for name in ("prosecutor_pat", "defender_dana", "sergeant_sam", "outreach_omar", "case_manager_casey",
                 "supervisor_sue", "manager_mo", "evaluator_eve", "admin_ada", "outsider_oscar"):
        form[f"member_{getattr(personas, name).pk}"] = "excused" if name == "defender_dana" else "absent"
    assert client.post(_url(canary_meeting, "attendance/"), form).status_code == 302
    assert MeetingAttendance.objects.get(meeting=canary_meeting, user=personas.defender_dana).status == "excused"
    assert MeetingAttendance.objects.filter(meeting=canary_meeting, status="present").count() == 2
    assert AuditEvent.objects.filter(action="divert.owg.attendance.recorded", actor=manager_mo).exists()
    # The same form again (a double submit) changes nothing and is not refused as stale.
    assert client.post(_url(canary_meeting, "attendance/"), form).status_code == 302
    guest = {"guest-name": "Robin Visitor", "guest-agency": "County Housing", "guest-submission_key": KEY % 1}
    assert client.post(_url(canary_meeting, "guests/"), guest).status_code == 302
    assert client.post(_url(canary_meeting, "guests/"), guest).status_code == 302
    assert MeetingGuest.objects.filter(meeting=canary_meeting).count() == 1


def test_attendance_bad_input_and_a_stale_form(canary_meeting, manager_mo, officer_olivia, login):
    client = login(manager_mo)
    bad = {"revision": canary_meeting.revision, f"member_{officer_olivia.pk}": "asleep"}
    assert client.post(_url(canary_meeting, "attendance/"), bad).status_code == 400
    assert not MeetingAttendance.objects.exists()
    do_record_attendance(canary_meeting, {officer_olivia.pk: "absent"}, actor=manager_mo, revision=None)
    stale = {"revision": canary_meeting.revision, **{f"member_{m.user_id}": "present"
                                                     for m in canary_meeting.group.members.all()}}
    response = client.post(_url(canary_meeting, "attendance/"), stale)
    assert response.status_code == 409
    assert MeetingAttendance.objects.get(user=officer_olivia).status == "absent"
    assert client.post(_url(canary_meeting, "guests/"), {"guest-name": "", "guest-submission_key": KEY % 2}) \
        .status_code == 400


def test_only_the_project_manager_records_and_outsiders_get_404(canary_meeting, officer_olivia, outsider_oscar, login):
    for part in ("attendance/", "minutes/"):
        assert login(officer_olivia).get(_url(canary_meeting, part)).status_code == 403
    canary_meeting.group.members.filter(user=outsider_oscar).delete()
    for part in ("attendance/", "minutes/", "decisions/", "action-items/", "approve/"):
        method = "get" if part in ("attendance/", "minutes/") else "post"
        assert getattr(login(outsider_oscar), method)(_url(canary_meeting, part)).status_code == 404


# --- Decisions and action items -------------------------------------------------------------------------------

def test_an_action_item_becomes_a_task_for_its_owner_and_done_flows_back(canary_meeting, manager_mo, officer_olivia,
                                                                         case_manager_cam, participant, login):
    client = login(manager_mo)
    item = AgendaItem.objects.get(meeting=canary_meeting, person=participant)
    form = {"action-text": "Bring the shelter list to the next meeting", "action-owner": officer_olivia.pk,
            "action-due_on": "2027-01-10", "action-agenda_item": "", "action-submission_key": KEY % 3}
    assert client.post(_url(canary_meeting, "action-items/"), form).status_code == 302
    assert client.post(_url(canary_meeting, "action-items/"), form).status_code == 302  # double submit
    action = ActionItem.objects.get(meeting=canary_meeting)
    task = action.task
    assert task.assigned_to == officer_olivia and task.created_by == manager_mo and task.person is None
    assert task.title == "Bring the shelter list to the next meeting" and str(task.due_on) == "2027-01-10"
    assert AuditEvent.objects.filter(action="divert.owg.action_item.added", actor=manager_mo).count() == 1
    note = Notification.objects.get(recipient=officer_olivia, kind="divert.owg.action_item")
    assert "Bring the shelter" not in note.title and IDENTITY_CANARY not in note.title

    # An item about the person, owned by the case manager: a task about the person, on the team's list.
    mine, _ = do_add_action_item(canary_meeting, actor=manager_mo, text="Ask about a bed", owner=case_manager_cam,
                                 due_on=canary_meeting.day, agenda_item=item)
    assert mine.task.person == participant

    olivia = login(officer_olivia)
    assert "Bring the shelter list" in olivia.get("/owg/").content.decode()
    assert olivia.post(f"/owg/action-items/{action.pk}/done/").status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == officer_olivia
    assert AuditEvent.objects.filter(action="divert.owg.action_item.completed", actor=officer_olivia).exists()
    # The case manager finishes theirs from the task list; the meeting shows it done.
    cam = login(case_manager_cam)
    assert cam.post(f"/tasks/{mine.task.pk}/done/").status_code == 302
    assert ActionItem.objects.get(pk=mine.pk).done_at is not None
    assert cam.post(f"/owg/action-items/{action.pk}/done/").status_code == 403


def test_action_items_are_refused_without_an_owner_or_with_names_the_owner_may_not_know(
        canary_meeting, manager_mo, officer_olivia, participant, login):
    client = login(manager_mo)
    base = {"action-text": "Follow up", "action-due_on": "2027-01-10", "action-agenda_item": ""}
    response = client.post(_url(canary_meeting, "action-items/"), {**base, "action-submission_key": KEY % 4})
    assert response.status_code == 400 and "Every action item needs an owner" in response.content.decode()
    named = {**base, "action-text": f"Find Alex {IDENTITY_CANARY} a bed", "action-owner": officer_olivia.pk,
             "action-submission_key": KEY % 5}
    response = client.post(_url(canary_meeting, "action-items/"), named)
    assert response.status_code == 400 and "may not know of" in response.content.decode()
    item = AgendaItem.objects.get(meeting=canary_meeting, person=participant)
    about = {**base, "action-owner": officer_olivia.pk, "action-agenda_item": item.pk,
             "action-submission_key": KEY % 6}
    response = client.post(_url(canary_meeting, "action-items/"), about)
    assert response.status_code == 400 and "may not know of the person" in response.content.decode()
    relapse = {**base, "action-text": "Check whether he relapsed", "action-owner": officer_olivia.pk,
               "action-submission_key": KEY % 7}
    assert client.post(_url(canary_meeting, "action-items/"), relapse).status_code == 400
    assert not ActionItem.objects.exists() and not Task.objects.exists()


def test_decisions_are_recorded_with_a_reason_and_checked(canary_meeting, manager_mo, login):
    client = login(manager_mo)
    form = {"decision-text": "Meet weekly through the winter", "decision-reason": "Shelter beds are short",
            "decision-agenda_item": "", "decision-submission_key": KEY % 8}
    assert client.post(_url(canary_meeting, "decisions/"), form).status_code == 302
    assert client.post(_url(canary_meeting, "decisions/"), form).status_code == 302
    decision = MeetingDecision.objects.get()
    assert decision.reason == "Shelter beds are short" and decision.recorded_by == manager_mo
    assert AuditEvent.objects.filter(action="divert.owg.decision.recorded").count() == 1
    bad = {**form, "decision-text": "Tell patrol he is staying at the motel", "decision-submission_key": KEY % 9}
    response = client.post(_url(canary_meeting, "decisions/"), bad)
    assert response.status_code == 400 and "enforcement" in response.content.decode()
    assert MeetingDecision.objects.count() == 1


# --- Minutes --------------------------------------------------------------------------------------------------

def _minutes_form(meeting, summary, **items):
    form = {"revision": meeting.revision, "summary": summary}
    form.update({f"item_{pk}": text for pk, text in items.items()})
    return form


def test_the_golden_rule_blocks_approval_until_lines_are_rewritten(canary_meeting, manager_mo, personas, participant,
                                                                   login):
    client = login(manager_mo)
    item = AgendaItem.objects.get(meeting=canary_meeting, person=participant)
    do_record_attendance(canary_meeting, {manager_mo.pk: "present"}, actor=manager_mo, revision=None)
    canary_meeting.refresh_from_db()
    draft = _minutes_form(canary_meeting, f"Good meeting.\nAlex {IDENTITY_CANARY} relapsed.",
                          **{str(item.pk): "She used on Friday and is sleeping behind the library."})
    assert client.post(_url(canary_meeting, "minutes/"), draft).status_code == 302
    page = client.get(_url(canary_meeting, "minutes/")).content.decode()
    assert "Rewrite these lines" in page and "First Golden Rule" in page and "sleeping behind" in page
    canary_meeting.refresh_from_db()
    response = client.post(_url(canary_meeting, "approve/"), {"revision": canary_meeting.revision})
    assert response.status_code == 400 and "cannot be approved" in response.content.decode()
    canary_meeting.refresh_from_db()
    assert not canary_meeting.approved

    fixed = _minutes_form(canary_meeting, "Good meeting. Agreed the transport plan.",
                          **{str(item.pk): "Case manager is in touch; housing voucher next."})
    assert client.post(_url(canary_meeting, "minutes/"), fixed).status_code == 302
    assert client.post(_url(canary_meeting, "minutes/"), fixed).status_code == 302  # double submit: no 409
    canary_meeting.refresh_from_db()
    assert client.post(_url(canary_meeting, "approve/"), {"revision": canary_meeting.revision}).status_code == 302
    canary_meeting.refresh_from_db()
    assert canary_meeting.approved and canary_meeting.minutes_approved_by == manager_mo
    assert AuditEvent.objects.filter(action="divert.owg.minutes.approved", actor=manager_mo).count() == 1
    assert client.post(_url(canary_meeting, "approve/"), {"revision": 0}).status_code == 302  # twice: harmless
    titles = list(Notification.objects.filter(kind="divert.owg.minutes_approved").values_list("title", flat=True))
    assert len(titles) == canary_meeting.group.members.count()
    assert not any(IDENTITY_CANARY in t or SUD_CANARY in t for t in titles)

    # Locked: every edit page answers 403, and the models refuse.
    for part in ("agenda/", "attendance/", "minutes/"):
        assert client.get(_url(canary_meeting, part)).status_code == 403
    assert client.post(_url(canary_meeting, "decisions/"), {}).status_code == 403
    with pytest.raises(MinutesLocked):
        do_save_minutes(canary_meeting, actor=manager_mo, summary="changed", item_minutes={}, revision=None)
    with pytest.raises(MinutesLocked):
        do_record_decision(canary_meeting, actor=manager_mo, text="Late decision")
    with pytest.raises(MinutesLocked):
        canary_meeting.minutes_summary = "changed"
        canary_meeting.save()
    with pytest.raises(MinutesLocked):
        MeetingAttendance.objects.get(meeting=canary_meeting).delete()

    # Approved: every member reads the minutes, each through their seat.
    olivia = login(personas.officer_olivia).get(_url(canary_meeting)).content.decode()
    assert "Agreed the transport plan" in olivia and "housing voucher next" not in olivia
    cam = login(personas.case_manager_cam).get(_url(canary_meeting)).content.decode()
    assert "housing voucher next" in cam


def test_a_stale_minutes_form_is_refused(canary_meeting, manager_mo, login):
    client = login(manager_mo)
    old = canary_meeting.revision
    assert client.post(_url(canary_meeting, "minutes/"), {"revision": old, "summary": "First"}).status_code == 302
    response = client.post(_url(canary_meeting, "minutes/"), {"revision": old, "summary": "Second"})
    assert response.status_code == 409
    canary_meeting.refresh_from_db()
    assert canary_meeting.minutes_summary == "First"
    assert client.post(_url(canary_meeting, "minutes/"), {"summary": "No revision"}).status_code == 400


def test_approval_needs_attendance(canary_meeting, manager_mo):
    with pytest.raises(ValidationError, match="attendance"):
        do_approve_minutes(canary_meeting, actor=manager_mo)


def test_the_minutes_pdf_carries_the_approved_minutes(canary_meeting, manager_mo, officer_olivia, login, require_pdf):
    do_record_attendance(canary_meeting, {officer_olivia.pk: AttendanceStatus.PRESENT}, actor=manager_mo,
                         revision=None)
    do_save_minutes(canary_meeting, actor=manager_mo, summary="Agreed the winter schedule.", item_minutes={},
                    revision=None)
    canary_meeting = do_approve_minutes(canary_meeting, actor=manager_mo)
    response = login(officer_olivia).get(_url(canary_meeting, "minutes.pdf"))
    assert response.status_code == 200
    assert f"owg-minutes-{canary_meeting.day.isoformat()}.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Agreed the winter schedule." in text and "Minutes approved by" in text
    assert "Olivia Tester" in text and IDENTITY_CANARY not in text
    assert canary_meeting.minutes_approved_at <= timezone.now()


def test_a_reminder_of_an_action_item_leads_a_partner_to_the_owg_page(canary_meeting, manager_mo, officer_olivia,
                                                                       case_manager_cam):
    from divert.casework.reminders import send_task_reminders

    do_add_action_item(canary_meeting, actor=manager_mo, text="Bring the roster", owner=officer_olivia,
                       due_on=timezone.localdate())
    do_add_action_item(canary_meeting, actor=manager_mo, text="Bring the bed list", owner=case_manager_cam,
                       due_on=timezone.localdate())
    assert send_task_reminders() == 2
    assert Notification.objects.get(recipient=officer_olivia, kind="divert.task.due").url == "/owg/"
    assert Notification.objects.get(recipient=case_manager_cam, kind="divert.task.due").url == "/tasks/"
