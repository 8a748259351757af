"""Shared set-up of the Policy Coordinating Group tests (no tests here): a group of five member agencies, a
meeting held a week ago where four were represented, and one coming up.

The personas' agencies: police, prosecutor, defender, provider and the project office are members; the other
provider (outsider_oscar's) and the evaluators are not.
"""

from datetime import date, datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings

from divert.audit.models import AuditEvent
from divert.coordination import actions_pcg as actions
from divert.coordination.models.pcg import Stance

TODAY = date(2026, 3, 10)
HELD_ON = date(2026, 3, 3)
NEXT_ON = date(2026, 6, 2)
JOINED_ON = date(2025, 1, 1)
MEMBER_KEYS = ("police", "prosecutor", "defender", "provider", "project")
REPRESENTED = ("police", "prosecutor", "defender", "project")
READERS = ("officer_olivia", "prosecutor_pat", "supervisor_sue", "evaluator_eve", "admin_ada")


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))


def audit(action: str):
    return AuditEvent.objects.filter(action=action)


def build_group(agencies, manager) -> SimpleNamespace:
    members = {key: actions.do_add_member(actor=manager, agency=getattr(agencies, key), joined_on=JOINED_ON)
               for key in MEMBER_KEYS}
    held, _ = actions.do_schedule_meeting(actor=manager, held_on=HELD_ON, place="City Hall, room 2",
                                          agenda="Protocol version 2\nData-sharing policy")
    actions.do_record_attendance(held, actor=manager, today=TODAY,
                                 represented={members[k].pk: f"Head of {k}" for k in REPRESENTED})
    upcoming, _ = actions.do_schedule_meeting(actor=manager, held_on=NEXT_ON, place="County building")
    return SimpleNamespace(members=members, held=held, upcoming=upcoming)


def positions(group, **stances) -> list[tuple[int, str, str]]:
    """Every represented agency agrees unless told otherwise: positions(group, police=("block", "why"))."""
    rows = []
    for key in REPRESENTED:
        stance, note = stances.get(key, (Stance.AGREE, ""))
        rows.append((group.members[key].pk, stance, note))
    return rows


def decide(group, manager, title="Adopt the data-sharing policy", **kwargs):
    decision, _ = actions.do_record_decision(group.held, actor=manager, title=title, text="The group adopts it.",
                                             positions=kwargs.pop("rows", None) or positions(group), today=TODAY,
                                             **kwargs)
    return decision


def position_data(group, **stances) -> dict:
    """The decision form's POST data for the positions."""
    data = {}
    for member_id, stance, note in positions(group, **stances):
        data[f"stance_{member_id}"] = stance
        data[f"note_{member_id}"] = note
    return data
