"""Social contact referrals: how recent the qualifying conduct is, and how it is known."""

from datetime import date

import pytest

from divert.protocol.eligibility import VERIFICATION_BASES, Outcome, judge, months_before

from .factories import social


@pytest.mark.parametrize(("last_seen", "outcome"), [
    pytest.param(date(2024, 3, 10), Outcome.ELIGIBLE, id="exactly-24-months-ago-passes"),
    pytest.param(date(2024, 3, 9), Outcome.INELIGIBLE, id="a-day-older-fails"),
    pytest.param(date(2026, 3, 10), Outcome.ELIGIBLE, id="today-passes"),
    pytest.param("2024-03-10", Outcome.ELIGIBLE, id="iso-date-text-passes"),
    pytest.param("2024-03-09", Outcome.INELIGIBLE, id="iso-date-text-a-day-older-fails"),
    pytest.param("last spring", Outcome.REVIEW, id="not-a-date-review"),
    pytest.param(None, Outcome.REVIEW, id="missing-review"),
])
def test_recency_24_months(three_door, last_seen, outcome):
    judgement = judge(three_door, social(three_door, "DRUG-POSS", conduct_last_seen=last_seen))
    assert judgement.outcome == outcome
    if outcome == Outcome.INELIGIBLE:
        assert judgement.reasons == ["The qualifying conduct is older than 24 months."]


@pytest.mark.parametrize(("referred_on", "oldest_allowed"), [
    pytest.param(date(2026, 2, 28), date(2024, 2, 28), id="28-february-to-28-february"),
    pytest.param(date(2026, 3, 31), date(2024, 3, 31), id="31-march"),
])
def test_recency_boundary_moves_with_the_referral_date(three_door, referred_on, oldest_allowed):
    facts = social(three_door, "DRUG-POSS", conduct_last_seen=oldest_allowed)
    facts.referred_on = referred_on
    assert judge(three_door, facts).outcome == Outcome.ELIGIBLE
    facts.answers["conduct_last_seen"] = date.fromordinal(oldest_allowed.toordinal() - 1)
    assert judge(three_door, facts).outcome == Outcome.INELIGIBLE


@pytest.mark.parametrize(("day", "months", "expected"), [
    pytest.param(date(2026, 3, 10), 24, date(2024, 3, 10), id="plain"),
    pytest.param(date(2026, 3, 31), 1, date(2026, 2, 28), id="31-march-clamps-to-28-february"),
    pytest.param(date(2024, 3, 31), 1, date(2024, 2, 29), id="31-march-leap-year-clamps-to-29-february"),
    pytest.param(date(2024, 2, 29), 12, date(2023, 2, 28), id="29-february-a-year-back-is-28-february"),
    pytest.param(date(2024, 2, 29), 48, date(2020, 2, 29), id="29-february-four-years-back"),
    pytest.param(date(2026, 1, 15), 1, date(2025, 12, 15), id="across-new-year"),
    pytest.param(date(2026, 5, 31), 3, date(2026, 2, 28), id="31-may-three-months-back"),
    pytest.param(date(2026, 7, 31), 1, date(2026, 6, 30), id="31-july-to-30-june"),
    pytest.param(date(2026, 3, 10), 0, date(2026, 3, 10), id="zero-months"),
])
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_no_recency_rule_does_not_ask_for_the_date(santa_fe):
    facts = social(santa_fe, "OPI-POSS")
    facts.answers.pop("conduct_last_seen", None)
    assert judge(santa_fe, facts).outcome == Outcome.ELIGIBLE


@pytest.mark.parametrize("basis", [key for key, _label in VERIFICATION_BASES])
def test_each_verification_basis_passes(three_door, basis):
    assert judge(three_door, social(three_door, "DRUG-POSS", verification_basis=basis)).outcome == Outcome.ELIGIBLE


@pytest.mark.parametrize("basis", [pytest.param("", id="missing"), pytest.param("hearsay", id="not-a-basis")])
def test_without_a_verification_basis_needs_review(three_door, basis):
    judgement = judge(three_door, social(three_door, "DRUG-POSS", verification_basis=basis))
    assert judgement.outcome == Outcome.REVIEW
    assert judgement.open_questions == ["How the past conduct is known was not given."]
