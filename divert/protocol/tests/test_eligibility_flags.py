"""Each yes / no / don't-know exclusion: yes excludes with its reason, no passes, don't know needs review."""

import pytest

from divert.protocol.eligibility import Outcome, judge

from .factories import arrest, social, variant

FLAGS = [
    # (example, answer key, reason when yes, offense code)
    pytest.param("seattle", "exploits_minors", "Appears to exploit minors.", "PROST", id="seattle-exploits-minors"),
    pytest.param("santa_fe", "exploits_minors", "Appears to exploit minors.", "OPI-POSS",
                 id="santa-fe-exploits-minors"),
    pytest.param("seattle", "promotes_prostitution", "Suspected of promoting prostitution.", "PROST",
                 id="seattle-promotes-prostitution"),
    pytest.param("three_door", "promotes_prostitution", "Suspected of promoting prostitution.", "SEX-WORK",
                 id="three-door-promotes-prostitution"),
    pytest.param("seattle", "violent_conviction", "Violent conviction within the last 10 years.", "PROST",
                 id="seattle-violent-10-year-look-back"),
    pytest.param("three_door", "violent_conviction", "Violent conviction within the last 10 years.", "THEFT-3",
                 id="three-door-violent-10-year-look-back"),
    pytest.param("three_door", "treatment_court", "Open case in a drug court or mental-health court.", "THEFT-3",
                 id="three-door-pending-treatment-court"),
    pytest.param("three_door", "no_contact_order", "A no-contact order protects a current participant.", "TRESPASS",
                 id="three-door-no-contact-order"),
    pytest.param("seattle", "dealing_for_profit", "Reason to think the person sells for profit beyond subsistence.",
                 "VUCSA-DEL", id="seattle-dealing-above-subsistence-on-delivery"),
    pytest.param("santa_fe", "dealing_for_profit", "Reason to think the person sells for profit beyond subsistence.",
                 "OPI-PWID", id="santa-fe-dealing-above-subsistence-on-intent-to-deliver"),
]


@pytest.mark.parametrize(("example", "key", "reason", "code"), FLAGS, indirect=["example"])
@pytest.mark.parametrize("answer", ["yes", "no", "unknown", None])
def test_flag(example, key, reason, code, answer):
    facts = arrest(example, code, drug_grams="1")
    if answer is None:
        facts.answers.pop(key)
    else:
        facts.answers[key] = answer
    judgement = judge(example, facts)
    if answer == "yes":
        assert judgement.outcome == Outcome.INELIGIBLE and judgement.reasons == [reason]
    elif answer == "no":
        assert judgement.outcome == Outcome.ELIGIBLE and judgement.reasons == []
    else:  # don't know, or not answered at all
        assert judgement.outcome == Outcome.REVIEW and judgement.reasons == []
        assert len(judgement.open_questions) == 1


@pytest.mark.parametrize(("example", "code"), [
    pytest.param("seattle", "VUCSA-POSS", id="seattle-possession"),
    pytest.param("santa_fe", "RX-POSS", id="santa-fe-pill-possession"),
    pytest.param("three_door", "SEX-WORK", id="three-door-sex-work"),
], indirect=["example"])
def test_dealing_only_counts_for_delivery_offenses(example, code):
    assert judge(example, arrest(example, code, drug_grams="1", dealing_for_profit="yes")).outcome == Outcome.ELIGIBLE


@pytest.mark.parametrize(("setting", "key", "code"), [
    pytest.param("exclude_exploits_minors", "exploits_minors", "PROST", id="exploits-minors-off"),
    pytest.param("exclude_promotes_prostitution", "promotes_prostitution", "PROST", id="promotes-prostitution-off"),
    pytest.param("exclude_dealing_for_profit", "dealing_for_profit", "VUCSA-DEL", id="dealing-off"),
    pytest.param("violent_lookback_years", "violent_conviction", "PROST", id="violent-look-back-off"),
])
def test_a_rule_turned_off_is_not_judged(db, setting, key, code):
    protocol = variant("seattle", **{setting: None if setting == "violent_lookback_years" else False})
    facts = arrest(protocol, code, drug_grams="1", **{key: "yes"})
    assert judge(protocol, facts).outcome == Outcome.ELIGIBLE


@pytest.mark.parametrize(("answer", "outcome"), [
    pytest.param("yes", Outcome.INELIGIBLE, id="victim-objects-ineligible"),
    pytest.param("no", Outcome.ELIGIBLE, id="victim-agrees-or-none-present-eligible"),
    pytest.param("unknown", Outcome.REVIEW, id="victim-view-unknown-review"),
])
def test_victim_objection(db, answer, outcome):
    protocol = variant("three_door", require_victim_agreement=True)
    judgement = judge(protocol, arrest(protocol, "THEFT-3", victim_disagrees=answer))
    assert judgement.outcome == outcome
    if answer == "yes":
        assert judgement.reasons == ["A victim or complainant present objects to diversion."]


def test_victim_objection_is_an_arrest_door_rule(db):
    protocol = variant("three_door", require_victim_agreement=True)
    assert judge(protocol, social(protocol, "THEFT-3", victim_disagrees="yes")).outcome == Outcome.ELIGIBLE
