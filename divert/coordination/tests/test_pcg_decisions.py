"""Recording a decision: each represented agency's position; the outcome follows from them."""

import uuid

import pytest
import time_machine
from django.urls import reverse

from divert.coordination.models.pcg import Outcome, PCGDecision, PCGPosition, Stance

from .test_pcg_support import READERS, TODAY, audit, build_group, decide, noon, position_data


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(noon(TODAY), tick=False):
        yield


@pytest.fixture
def group(agencies, manager_mo):
    return build_group(agencies, manager_mo)


def _new(group):
    return reverse("pcg_decision_new", args=[group.held.pk])


def _data(group, **stances):
    return {"title": "Adopt the community engagement plan", "text": "The group adopts the plan.",
            "submission_key": str(uuid.uuid4()), "protocol": "", "protocol_effective_on": "",
            **position_data(group, **stances)}


def test_recording_a_decision(login, manager_mo, group):
    client = login(manager_mo)
    page = client.get(_new(group))
    text = page.content.decode()
    assert page.status_code == 200 and "4 member agencies were represented, of 5; quorum is 3." in text
    assert "Position of Test Police Department" in text and "Test Harm Reduction Services" not in text
    assert "works on policy, not people" in text
    data = _data(group, defender=(Stance.STAND_ASIDE, "Will revisit after the first evaluation"))
    response = client.post(_new(group), data)
    decision = PCGDecision.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("pcg_decision", args=[decision.pk])
    assert client.post(_new(group), data)["Location"] == response["Location"]  # a double tap: one decision
    assert PCGDecision.objects.count() == 1 and decision.outcome == Outcome.CONSENSUS
    stances = dict(PCGPosition.objects.values_list("member__agency__name", "stance"))
    assert stances["Test Public Defender"] == Stance.STAND_ASIDE and len(stances) == 4
    event = audit("divert.pcg.decision.recorded").get()
    assert event.actor == manager_mo and event.details["outcome"] == "consensus"
    assert event.details["members"] == 5 and event.details["quorum"] == 3 and len(event.details["positions"]) == 4
    text = client.get(response["Location"]).content.decode()
    assert "PCG 2026-03-03 #1: Adopt the community engagement plan" in text and "Consensus reached" in text
    assert "Will revisit after the first evaluation" in text and "Stand aside" in text


def test_a_block_is_recorded_and_the_outcome_says_so(login, manager_mo, group):
    client = login(manager_mo)
    response = client.post(_new(group), _data(group, prosecutor=(Stance.BLOCK, "Conflicts with charging policy")))
    assert response.status_code == 302
    decision = PCGDecision.objects.get()
    assert decision.outcome == Outcome.BLOCKED
    assert "Blocked: no consensus" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("seat", READERS)
def test_readers_read_decisions_but_do_not_record_them(request, login, manager_mo, group, seat):
    decision = decide(group, manager_mo)
    client = login(request.getfixturevalue(seat))
    page = client.get(reverse("pcg_decision", args=[decision.pk]))
    assert page.status_code == 200 and "Adopt the data-sharing policy" in page.content.decode()
    assert client.get(_new(group)).status_code == 403
    assert client.post(_new(group), _data(group)).status_code == 403
    assert PCGDecision.objects.count() == 1


def test_outsiders_are_refused(login, outsider_oscar, manager_mo, group):
    decision = decide(group, manager_mo)
    assert login(outsider_oscar).get(reverse("pcg_decision", args=[decision.pk])).status_code == 403


def test_a_missing_decision_is_404(login, manager_mo, group):
    assert login(manager_mo).get(reverse("pcg_decision", args=[999])).status_code == 404


@pytest.mark.parametrize(("change", "error"), [
    pytest.param({"police": (Stance.BLOCK, "")}, "A block needs its reason.", id="block-without-reason"),
    pytest.param({"police": (Stance.BLOCK, "   ")}, "A block needs its reason.", id="block-with-blank-reason"),
    pytest.param({"police": ("", "")}, "Give this agency&#x27;s position.", id="no-position"),
    pytest.param({"police": ("veto", "")}, "Select a valid choice", id="unknown-position"),
])
def test_bad_positions_are_refused(login, manager_mo, group, change, error):
    response = login(manager_mo).post(_new(group), _data(group, **change))
    assert response.status_code == 400 and error in response.content.decode()
    assert not PCGDecision.objects.exists() and not audit("divert.pcg.decision.recorded").exists()


def test_a_decision_needs_a_title_and_text(login, manager_mo, group):
    response = login(manager_mo).post(_new(group), {**_data(group), "title": "", "text": ""})
    assert response.status_code == 400 and not PCGDecision.objects.exists()


def test_a_decision_with_no_agencies_is_refused(login, manager_mo, agencies, group):
    from divert.coordination import actions_pcg as actions

    held, _ = actions.do_schedule_meeting(actor=manager_mo, held_on=TODAY, place="Nowhere")
    client = login(manager_mo)
    assert "record the attendance first" in client.get(reverse("pcg_decision_new", args=[held.pk])).content.decode()
    response = client.post(reverse("pcg_decision_new", args=[held.pk]),
                           {"title": "T", "text": "X", "submission_key": str(uuid.uuid4())})
    assert response.status_code == 400 and "A decision needs the agencies that took it." in response.content.decode()
    assert not PCGDecision.objects.exists()


def test_a_decision_waits_for_the_meeting(login, manager_mo, group):
    from divert.coordination import actions_pcg as actions

    with pytest.raises(Exception, match="once the meeting has taken place"):
        actions.do_record_decision(group.upcoming, actor=manager_mo, title="T", text="X", positions=[])


def test_positions_only_for_represented_agencies(manager_mo, group):
    from divert.coordination import actions_pcg as actions

    rows = [(group.members["provider"].pk, Stance.AGREE, "")]  # the provider was not there
    with pytest.raises(Exception, match="one position for each represented agency"):
        actions.do_record_decision(group.held, actor=manager_mo, title="T", text="X", positions=rows)
    assert not PCGDecision.objects.exists()
