"""Quorum and consensus: the outcome of a decision is computed from the agencies' positions, never entered."""

import pytest
import time_machine

from divert.coordination.models.pcg import (
    Outcome,
    PCGDecision,
    PCGRecordLocked,
    QuorumRule,
    Stance,
    outcome_of,
    quorum_needed,
)

from .test_pcg_support import TODAY, build_group, decide, noon, positions

AGREE, ASIDE, BLOCK = Stance.AGREE, Stance.STAND_ASIDE, Stance.BLOCK


@pytest.mark.parametrize(("rule", "members", "needed"), [
    (QuorumRule.MAJORITY, 5, 3), (QuorumRule.MAJORITY, 4, 3), (QuorumRule.MAJORITY, 1, 1),
    (QuorumRule.TWO_THIRDS, 6, 4), (QuorumRule.TWO_THIRDS, 5, 4), (QuorumRule.TWO_THIRDS, 3, 2),
    (QuorumRule.ALL, 7, 7), (QuorumRule.MAJORITY, 0, 1), (QuorumRule.ALL, 0, 1),
])
def test_quorum(rule, members, needed):
    assert quorum_needed(rule, members) == needed


@pytest.mark.parametrize(("stances", "quorum", "outcome"), [
    ([AGREE, AGREE, AGREE], 3, Outcome.CONSENSUS),
    ([AGREE, ASIDE, ASIDE], 3, Outcome.CONSENSUS),  # standing aside lets a decision pass
    ([AGREE, AGREE, BLOCK], 3, Outcome.BLOCKED),  # one block is enough: one vote per agency, consensus
    ([BLOCK], 1, Outcome.BLOCKED),
    ([ASIDE, ASIDE, ASIDE], 3, Outcome.NO_SUPPORT),
    ([AGREE, AGREE], 3, Outcome.NO_QUORUM),
    ([AGREE, BLOCK], 3, Outcome.NO_QUORUM),  # without quorum there is no decision at all, blocked or not
    ([], 1, Outcome.NO_QUORUM),
])
def test_outcome(stances, quorum, outcome):
    assert outcome_of(stances, quorum=quorum) == outcome


@pytest.fixture
def group(agencies, manager_mo):
    with time_machine.travel(noon(TODAY), tick=False):
        yield build_group(agencies, manager_mo)


def test_a_decision_keeps_the_rule_it_was_taken_under(group, manager_mo):
    decision = decide(group, manager_mo)
    assert (decision.member_count, decision.quorum_rule, decision.quorum) == (5, QuorumRule.MAJORITY, 3)
    assert decision.outcome == Outcome.CONSENSUS and decision.reference == "PCG 2026-03-03 #1"
    blocked = decide(group, manager_mo, title="Widen the catchment",
                     rows=positions(group, defender=(BLOCK, "Not before the evaluation")))
    assert blocked.number == 2 and blocked.outcome == Outcome.BLOCKED


def test_a_recorded_decision_cannot_change(group, manager_mo):
    decision = decide(group, manager_mo)
    decision.title = "Something else"
    with pytest.raises(PCGRecordLocked):
        decision.save()
    with pytest.raises(PCGRecordLocked):
        decision.delete()
    assert PCGDecision.objects.get(pk=decision.pk).title == "Adopt the data-sharing policy"
