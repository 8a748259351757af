"""Protocol versions: numbering, the lock on approved versions, which version is in effect, and validation."""

import copy
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from divert.protocol.actions import do_approve, do_create_draft, load_example
from divert.protocol.examples import THREE_DOOR
from divert.protocol.models import DiversionProtocol, DivertibleOffense, ProtocolLocked, caseload_limits

from .factories import noon, variant


def test_approved_version_refuses_save_and_delete(seattle):
    seattle.intake_deadline_days = 10
    with pytest.raises(ProtocolLocked):
        seattle.save()
    with pytest.raises(ProtocolLocked):
        seattle.delete()
    seattle.refresh_from_db()
    assert seattle.intake_deadline_days == 30


def test_approved_version_refuses_offense_changes(seattle):
    offense = seattle.offenses.get(code="PROST")
    offense.label = "Sex work"
    with pytest.raises(ProtocolLocked):
        offense.save()
    with pytest.raises(ProtocolLocked):
        offense.delete()
    with pytest.raises(ProtocolLocked):
        DivertibleOffense.objects.create(protocol=seattle, code="THEFT", label="Theft", category="theft")
    assert sorted(seattle.offenses.values_list("code", flat=True)) == ["PROST", "VUCSA-DEL", "VUCSA-POSS"]


def test_a_draft_can_change(db):
    draft = variant("seattle")
    draft.intake_deadline_days = 10
    draft.save()
    draft.offenses.get(code="PROST").delete()
    assert draft.offenses.count() == 2


def test_version_numbers_increase(db):
    first = load_example("seattle", approved_on=date(2026, 1, 1))
    second = do_create_draft(actor=None, based_on=first)
    assert (first.version, second.version) == (1, 2)
    do_approve(second, actor=None, approved_on=date(2026, 2, 1), effective_on=date(2026, 2, 1), record="PCG")
    third = do_create_draft(actor=None, based_on=second)
    assert third.version == 3


def test_in_effect_follows_the_effective_dates(db):
    first = load_example("seattle", approved_on=date(2026, 1, 1))
    draft = do_create_draft(actor=None, based_on=first, intake_deadline_days=14)
    second = do_approve(draft, actor=None, approved_on=date(2026, 3, 1), effective_on=date(2026, 4, 1),
                        record="PCG meeting of 1 March 2026")
    with time_machine.travel(noon(date(2025, 12, 31)), tick=False):
        assert DiversionProtocol.objects.in_effect() is None
    with time_machine.travel(noon(date(2026, 1, 1)), tick=False):
        assert DiversionProtocol.objects.in_effect() == first
    with time_machine.travel(noon(date(2026, 3, 31)), tick=False):
        assert DiversionProtocol.objects.in_effect() == first
    with time_machine.travel(noon(date(2026, 4, 1)), tick=False):
        assert DiversionProtocol.objects.in_effect() == second
    assert DiversionProtocol.objects.in_effect(date(2026, 3, 15)) == first


def test_a_draft_is_never_in_effect(db):
    variant("seattle")
    assert DiversionProtocol.objects.in_effect(date(2030, 1, 1)) is None


def test_same_effective_date_the_later_version_wins(db):
    first = load_example("seattle", approved_on=date(2026, 1, 1))
    second = load_example("santa_fe", approved_on=date(2026, 1, 1))
    assert DiversionProtocol.objects.in_effect(date(2026, 1, 2)) == second != first


def test_caseload_limits_come_from_the_version_in_effect(db):
    assert caseload_limits(date(2026, 1, 1)) == (20, 25)
    draft = do_create_draft(actor=None, **{**_three_door(), "caseload_warning": 12, "caseload_maximum": 15})
    do_approve(draft, actor=None, approved_on=date(2026, 1, 1), effective_on=date(2026, 1, 1), record="PCG")
    assert caseload_limits(date(2026, 1, 1)) == (12, 15)


def _three_door():
    return copy.deepcopy(THREE_DOOR)


@pytest.mark.parametrize(("changes", "field", "message"), [
    pytest.param({"caseload_warning": 26, "caseload_maximum": 25}, "caseload_warning",
                 "The warning level cannot be above the maximum.", id="warning-above-maximum"),
    pytest.param({"pill_exception": True, "drug_quantity_max_grams": None}, "pill_exception",
                 "The pill exception only means something with a quantity ceiling.", id="pill-exception-no-ceiling"),
    pytest.param({"catchment_polygon": [[47.6, -122.3], [47.7, -122.3]]}, "catchment_polygon",
                 "A polygon needs at least three [latitude, longitude] points.", id="polygon-two-points"),
    pytest.param({"catchment_polygon": [[95, 0], [0, 0], [0, 1]]}, "catchment_polygon",
                 "A polygon needs at least three [latitude, longitude] points.", id="polygon-off-the-map"),
    pytest.param({"catchment_polygon": [["north", "west"], [0, 0], [0, 1]]}, "catchment_polygon",
                 "A polygon needs at least three [latitude, longitude] points.", id="polygon-not-numbers"),
    pytest.param({"catchment_polygon": [[1, 2, 3], [0, 0], [0, 1]]}, "catchment_polygon",
                 "A polygon needs at least three [latitude, longitude] points.", id="polygon-three-numbers-a-point"),
    pytest.param({"arrest_door_open": False, "social_door_open": False, "community_door_open": False},
                 "arrest_door_open", "Open at least one door.", id="no-open-door"),
    pytest.param({"catchment_doors": ["arrest", "walk_in"]}, "catchment_doors", "Unknown door: walk_in.",
                 id="unknown-catchment-door"),
])
def test_clean_errors(db, changes, field, message):
    protocol = variant("three_door")
    for name, value in changes.items():
        setattr(protocol, name, value)
    with pytest.raises(ValidationError) as caught:
        protocol.full_clean(exclude=["version"])
    assert caught.value.message_dict[field] == [message]


@pytest.mark.parametrize(("days", "valid"), [(0, False), (1, True), (30, True), (31, False)])
def test_intake_deadline_validators(db, days, valid):
    protocol = variant("three_door", intake_deadline_days=days) if valid else variant("three_door")
    protocol.intake_deadline_days = days
    if valid:
        protocol.full_clean(exclude=["version"])
    else:
        with pytest.raises(ValidationError) as caught:
            protocol.full_clean(exclude=["version"])
        assert "intake_deadline_days" in caught.value.message_dict


@pytest.mark.parametrize("days", [0, 31, 90])
def test_the_database_refuses_an_intake_deadline_outside_1_to_30(db, days):
    protocol = variant("three_door")
    with pytest.raises(IntegrityError), transaction.atomic():
        DiversionProtocol.objects.filter(pk=protocol.pk).update(intake_deadline_days=days)
    with pytest.raises(IntegrityError), transaction.atomic():
        variant("seattle", intake_deadline_days=days)


def test_open_doors_and_approvers(three_door, santa_fe):
    assert three_door.open_doors == ["arrest", "social", "community"]
    assert santa_fe.open_doors == ["arrest", "social"] and not santa_fe.is_door_open("community")
    assert three_door.approver_for("arrest") == "prosecutor"
    assert three_door.approver_for("social") == "sergeant"
    assert santa_fe.approver_for("social") == "project_manager"
    assert three_door.approver_for("community") == "project_manager"


def test_the_examples_are_valid_and_approved(seattle, santa_fe, three_door):
    for protocol in (seattle, santa_fe, three_door):
        protocol.full_clean(exclude=["version"])
        assert protocol.is_approved and protocol.offenses.exists()
    assert santa_fe.drug_quantity_max_grams == Decimal("6") and santa_fe.pill_exception
    assert santa_fe.intake_deadline_days == 7 and three_door.intake_deadline_days == 14
    assert (seattle.caseload_warning, seattle.caseload_maximum) == (20, 25)
