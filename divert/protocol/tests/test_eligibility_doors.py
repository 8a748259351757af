"""Doors, offense codes, the community door, and an answer that lists every reason."""

from datetime import date

import pytest

from divert.protocol.eligibility import Facts, Outcome, judge

from .factories import ADULT, REFERRED_ON, arrest, social, variant

CLOSED_DOOR = "This protocol version does not take referrals through this door."


@pytest.mark.parametrize("example", ["seattle", "santa_fe"], indirect=True)
def test_a_closed_door_is_ineligible(example):
    facts = Facts(door="community", referred_on=REFERRED_ON, date_of_birth=ADULT,
                  area=example.catchment_areas[0])
    judgement = judge(example, facts)
    assert judgement.outcome == Outcome.INELIGIBLE
    assert CLOSED_DOOR in judgement.reasons


def test_closing_the_arrest_door(db):
    protocol = variant("three_door", arrest_door_open=False)
    assert judge(protocol, arrest(protocol, "THEFT-3")).reasons == [CLOSED_DOOR]


@pytest.mark.parametrize("example", ["seattle", "santa_fe", "three_door"], indirect=True)
def test_an_unknown_offense_code_is_not_divertible(example):
    facts = arrest(example, "ROBBERY-1")
    judgement = judge(example, facts)
    assert judgement.outcome == Outcome.INELIGIBLE
    assert judgement.reasons == ["ROBBERY-1 is not a divertible offense under this protocol."]


def test_an_offense_of_another_version_is_not_divertible(seattle, santa_fe):
    assert judge(seattle, arrest(seattle, "OPI-POSS")).outcome == Outcome.INELIGIBLE


def test_no_offense_given_needs_review(three_door):
    facts = social(three_door, "DRUG-POSS")
    facts.offense_codes = []
    judgement = judge(three_door, facts)
    assert judgement.outcome == Outcome.REVIEW
    assert judgement.open_questions == ["No offense or qualifying conduct was given."]


def _community(protocol, **answers) -> Facts:
    every_no = {"exploits_minors": "no", "promotes_prostitution": "no", "violent_conviction": "no",
                "treatment_court": "no", "no_contact_order": "no"}
    return Facts(door="community", referred_on=REFERRED_ON, date_of_birth=ADULT, area="Riverside",
                 answers={**every_no, **answers})


def test_the_community_door_always_needs_review(three_door):
    judgement = judge(three_door, _community(three_door))
    assert judgement.outcome == Outcome.REVIEW
    assert judgement.reasons == [] and judgement.open_questions == []


def test_the_community_door_without_answers_needs_review(three_door):
    facts = Facts(door="community", referred_on=REFERRED_ON, area="Riverside")
    assert judge(three_door, facts).outcome == Outcome.REVIEW


@pytest.mark.parametrize(("change", "reason"), [
    pytest.param({"area": "Hilltop"}, "Hilltop is outside the catchment area.", id="outside-catchment"),
    pytest.param({"date_of_birth": date(2010, 1, 1)}, "Under 18: the protocol's minimum age is 18.", id="minor"),
])
def test_the_community_door_is_ineligible_when_a_rule_fails(three_door, change, reason):
    facts = _community(three_door)
    for key, value in change.items():
        setattr(facts, key, value)
    judgement = judge(three_door, facts)
    assert judgement.outcome == Outcome.INELIGIBLE and judgement.reasons == [reason]


def test_several_failures_list_every_reason(seattle):
    facts = arrest(seattle, "VUCSA-DEL", drug_grams="5", dealing_for_profit="yes", exploits_minors="yes",
                   promotes_prostitution="yes", violent_conviction="yes")
    facts.offense_codes.append("BURGLARY")
    facts.date_of_birth = date(2009, 1, 1)
    facts.area = "Ballard"
    judgement = judge(seattle, facts)
    assert judgement.outcome == Outcome.INELIGIBLE
    assert judgement.reasons == [
        "BURGLARY is not a divertible offense under this protocol.",
        "Under 18: the protocol's minimum age is 18.",
        "5 g is over the 3 g ceiling.",
        "Reason to think the person sells for profit beyond subsistence.",
        "Appears to exploit minors.",
        "Suspected of promoting prostitution.",
        "Violent conviction within the last 10 years.",
        "Ballard is outside the catchment area.",
    ]


def test_a_failure_outranks_open_questions(seattle):
    facts = arrest(seattle, "PROST", exploits_minors="yes", violent_conviction="unknown")
    judgement = judge(seattle, facts)
    assert judgement.outcome == Outcome.INELIGIBLE
    assert judgement.open_questions == ["Violent history in the last 10 years unknown."]


def test_findings_serialise_for_the_referral_record(seattle):
    judgement = judge(seattle, arrest(seattle, "PROST", exploits_minors="yes"))
    failed = [f.as_dict() for f in judgement.findings if f.result == "fail"]
    assert failed == [{"rule": "exploits_minors", "result": "fail", "message": "Appears to exploit minors."}]
    assert judgement.label == "Presumptively ineligible"
