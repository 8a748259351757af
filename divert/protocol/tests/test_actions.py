"""The write layer: one draft at a time, every change audited with its diff, approval and its checks."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from divert.audit.codes import describe
from divert.audit.models import AuditEvent
from divert.protocol.actions import (
    do_approve,
    do_create_draft,
    do_discard_draft,
    do_set_offenses,
    do_update_draft,
    load_example,
)
from divert.protocol.models import DiversionProtocol, ProtocolLocked


def _events(action):
    """Events by a person: the example loaded by the fixture was written by no one."""
    return list(AuditEvent.objects.filter(action=action, actor__isnull=False).order_by("id"))


def test_a_draft_copies_the_version_it_is_based_on(seattle, draft, manager_mo):
    assert draft.based_on == seattle and not draft.is_approved
    assert draft.drug_quantity_max_grams == Decimal("3") and draft.catchment_areas == ["Belltown", "Downtown core"]
    assert sorted(draft.offenses.values_list("code", flat=True)) == ["PROST", "VUCSA-DEL", "VUCSA-POSS"]
    assert draft.summary == "" and draft.approved_on is None and draft.created_by == manager_mo
    [event] = _events("divert.protocol.draft_created")
    assert event.actor == manager_mo and event.target_id == str(draft.pk)
    assert event.details == {"version": 2, "based_on": 1}


def test_one_draft_at_a_time(seattle, draft, manager_mo):
    with pytest.raises(ValidationError, match="A draft already exists"):
        do_create_draft(actor=manager_mo, based_on=seattle)
    assert DiversionProtocol.objects.filter(state="draft").count() == 1


def test_update_audits_the_diff(draft, manager_mo):
    changed = do_update_draft(draft, actor=manager_mo, changes={
        "intake_deadline_days": 14, "drug_quantity_max_grams": Decimal("4"), "catchment_areas": ["Belltown"],
        "summary": "Two weeks for intake.", "minimum_age": 18})
    assert changed == ["catchment_areas", "drug_quantity_max_grams", "intake_deadline_days", "summary"]
    [event] = _events("divert.protocol.draft_changed")
    assert event.actor == manager_mo and event.target_id == str(draft.pk)
    assert event.details == {"version": draft.version, "changes": {
        "catchment_areas": {"from": ["Belltown", "Downtown core"], "to": ["Belltown"]},
        "drug_quantity_max_grams": {"from": "3.00", "to": "4.00"},
        "intake_deadline_days": {"from": 30, "to": 14},
        "summary": {"from": "", "to": "Two weeks for intake."},
    }}
    draft.refresh_from_db()
    assert draft.intake_deadline_days == 14


def test_an_update_that_changes_nothing_writes_no_event(draft, manager_mo):
    # 3 and 3.00 grams are the same setting.
    assert do_update_draft(draft, actor=manager_mo, changes={"drug_quantity_max_grams": Decimal("3")}) == []
    assert _events("divert.protocol.draft_changed") == []


def test_an_invalid_update_saves_nothing(draft, manager_mo):
    with pytest.raises(ValidationError):
        do_update_draft(draft, actor=manager_mo, changes={"caseload_warning": 30, "intake_deadline_days": 10})
    draft.refresh_from_db()
    assert (draft.caseload_warning, draft.intake_deadline_days) == (20, 30)
    assert _events("divert.protocol.draft_changed") == []


def test_update_refuses_what_is_not_a_setting(draft, manager_mo):
    with pytest.raises(ValueError, match="state"):
        do_update_draft(draft, actor=manager_mo, changes={"state": "approved"})
    draft.refresh_from_db()
    assert not draft.is_approved


def test_set_offenses_audits_what_was_added_and_removed(draft, manager_mo):
    do_set_offenses(draft, [("VUCSA-POSS", "Drug possession", "drug"), ("PROST", "Prostitution", "sex_work"),
                            ("THEFT-3", "Theft, third degree", "theft")], actor=manager_mo)
    assert sorted(draft.offenses.values_list("code", flat=True)) == ["PROST", "THEFT-3", "VUCSA-POSS"]
    [event] = _events("divert.protocol.offenses_changed")
    assert event.details == {"version": draft.version,
                             "removed": [["VUCSA-DEL", "Drug delivery, subsistence level", "drug_delivery"]],
                             "added": [["THEFT-3", "Theft, third degree", "theft"]]}


def test_set_offenses_unchanged_writes_no_event(draft, manager_mo):
    rows = [(o.code, o.label, o.category) for o in draft.offenses.all()]
    do_set_offenses(draft, list(reversed(rows)), actor=manager_mo)
    assert _events("divert.protocol.offenses_changed") == []


def test_set_offenses_refuses_a_duplicate_code_and_keeps_the_old_list(draft, manager_mo):
    with pytest.raises(ValidationError):
        do_set_offenses(draft, [("A", "One", "drug"), ("A", "Two", "theft")], actor=manager_mo)
    assert draft.offenses.count() == 3
    assert _events("divert.protocol.offenses_changed") == []


def test_approved_versions_refuse_every_write(seattle, manager_mo):
    with pytest.raises(ProtocolLocked):
        do_update_draft(seattle, actor=manager_mo, changes={"intake_deadline_days": 10})
    with pytest.raises(ProtocolLocked):
        do_set_offenses(seattle, [], actor=manager_mo)
    with pytest.raises(ProtocolLocked):
        do_discard_draft(seattle, actor=manager_mo)
    with pytest.raises(ValidationError, match="already approved"):
        do_approve(seattle, actor=manager_mo, approved_on=date(2026, 2, 1), effective_on=date(2026, 2, 1),
                   record="PCG")
    assert seattle.offenses.count() == 3


def test_a_stale_copy_of_an_approved_version_cannot_lose_its_offenses(draft, manager_mo):
    stale = DiversionProtocol.objects.get(pk=draft.pk)
    do_approve(draft, actor=manager_mo, approved_on=date(2026, 2, 1), effective_on=date(2026, 2, 1), record="PCG")
    with pytest.raises(ProtocolLocked):
        do_set_offenses(stale, [], actor=manager_mo)
    with pytest.raises(ProtocolLocked):
        do_discard_draft(stale, actor=manager_mo)
    assert draft.offenses.count() == 3


def test_approve_records_the_policy_group_decision(draft, manager_mo):
    approved = do_approve(draft, actor=manager_mo, approved_on=date(2026, 2, 3), effective_on=date(2026, 3, 1),
                          record="  PCG meeting of 3 February 2026, minutes item 4 ")
    assert approved.is_approved and approved.approved_by == manager_mo
    assert (approved.approved_on, approved.effective_on) == (date(2026, 2, 3), date(2026, 3, 1))
    assert approved.approval_record == "PCG meeting of 3 February 2026, minutes item 4"
    [event] = _events("divert.protocol.approved")
    assert event.details == {"version": 2, "approved_on": "2026-02-03", "effective_on": "2026-03-01"}


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    pytest.param({"approved_on": date(2026, 2, 3), "effective_on": date(2026, 2, 2), "record": "PCG"},
                 "effective_on", "A version cannot take effect before the policy group approved it.",
                 id="effective-before-approval"),
    pytest.param({"approved_on": date(2026, 2, 3), "effective_on": date(2026, 2, 3), "record": "   "},
                 "record", "Say where the approval is recorded (meeting and date, minutes, resolution).",
                 id="no-record"),
])
def test_approve_validations(draft, manager_mo, kwargs, field, message):
    with pytest.raises(ValidationError) as caught:
        do_approve(draft, actor=manager_mo, **kwargs)
    assert caught.value.message_dict[field] == [message]
    draft.refresh_from_db()
    assert not draft.is_approved
    assert _events("divert.protocol.approved") == []


def test_approve_needs_an_offense_while_an_officer_door_is_open(draft, manager_mo):
    do_set_offenses(draft, [], actor=manager_mo)
    with pytest.raises(ValidationError) as caught:
        do_approve(draft, actor=manager_mo, approved_on=date(2026, 2, 3), effective_on=date(2026, 2, 3), record="x")
    assert caught.value.message_dict["__all__"] == ["List at least one divertible offense before approval."]


def test_a_community_only_version_needs_no_offenses(draft, manager_mo):
    do_set_offenses(draft, [], actor=manager_mo)
    do_update_draft(draft, actor=manager_mo, changes={"arrest_door_open": False, "social_door_open": False,
                                                      "community_door_open": True, "catchment_doors": []})
    assert do_approve(draft, actor=manager_mo, approved_on=date(2026, 2, 3), effective_on=date(2026, 2, 3),
                      record="PCG").is_approved


def test_discard_removes_the_draft_and_audits_it(draft, manager_mo):
    version = draft.version
    do_discard_draft(draft, actor=manager_mo)
    assert not DiversionProtocol.objects.filter(version=version).exists()
    [event] = _events("divert.protocol.draft_discarded")
    assert event.details == {"version": version} and event.actor == manager_mo


def test_load_example_makes_an_approved_version(db):
    protocol = load_example("three_door", approved_on=date(2026, 1, 1), effective_on=date(2026, 2, 1))
    assert protocol.is_approved and protocol.effective_on == date(2026, 2, 1)
    assert protocol.offenses.count() == 8


@pytest.mark.parametrize("action", ["draft_created", "draft_changed", "offenses_changed", "approved",
                                    "draft_discarded"])
def test_every_protocol_event_has_human_text(action):
    code = f"divert.protocol.{action}"
    assert describe(code) != code
