"""Minimum age, from the date of birth on the day of the referral (10 March 2026), or an approximate age."""

from datetime import date

import pytest

from divert.protocol.eligibility import Outcome, judge

from .factories import arrest, variant

AGE_CASES = [
    pytest.param(date(2008, 3, 11), None, Outcome.INELIGIBLE, id="17-years-364-days-ineligible"),
    pytest.param(date(2008, 3, 10), None, Outcome.ELIGIBLE, id="18th-birthday-eligible"),
    pytest.param(date(1950, 1, 1), None, Outcome.ELIGIBLE, id="76-eligible"),
    pytest.param(None, 17, Outcome.INELIGIBLE, id="approximately-17-ineligible"),
    pytest.param(None, 18, Outcome.ELIGIBLE, id="approximately-18-eligible"),
    pytest.param(None, None, Outcome.REVIEW, id="age-unknown-needs-review"),
    pytest.param(date(2008, 3, 11), 30, Outcome.INELIGIBLE, id="date-of-birth-wins-over-approximate-age"),
]


@pytest.mark.parametrize("example", ["seattle", "santa_fe", "three_door"], indirect=True)
@pytest.mark.parametrize(("born", "approximate", "outcome"), AGE_CASES)
def test_minimum_age_18(example, born, approximate, outcome):
    code = example.offenses.first().code
    facts = arrest(example, code, drug_grams="1")
    facts.date_of_birth, facts.approximate_age = born, approximate
    assert judge(example, facts).outcome == outcome


def test_the_reason_and_the_open_question(santa_fe):
    facts = arrest(santa_fe, "PARA", drug_grams="0.5")
    facts.date_of_birth = date(2008, 3, 11)
    assert judge(santa_fe, facts).reasons == ["Under 18: the protocol's minimum age is 18."]
    facts.date_of_birth = None
    assert judge(santa_fe, facts).open_questions == ["Age unknown: the minimum age is 18."]


@pytest.mark.parametrize(("referred_on", "outcome"), [
    pytest.param(date(2026, 2, 28), Outcome.INELIGIBLE, id="leap-day-birthday-not-yet-18-on-28-february"),
    pytest.param(date(2026, 3, 1), Outcome.ELIGIBLE, id="leap-day-birthday-18-on-1-march"),
])
def test_born_on_29_february(seattle, referred_on, outcome):
    facts = arrest(seattle, "PROST")
    facts.date_of_birth, facts.referred_on = date(2008, 2, 29), referred_on
    assert judge(seattle, facts).outcome == outcome


def test_no_minimum_age_means_age_is_not_asked(db):
    protocol = variant("seattle", minimum_age=None)
    facts = arrest(protocol, "PROST")
    facts.date_of_birth = None
    judgement = judge(protocol, facts)
    assert judgement.outcome == Outcome.ELIGIBLE
    assert "minimum_age" not in {f.rule for f in judgement.findings}
