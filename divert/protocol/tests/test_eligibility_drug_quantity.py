"""The drug quantity ceiling of each example, at and around the line, and Santa Fe's prescription-pill exception."""

import pytest

from divert.protocol.eligibility import Outcome, judge

from .factories import arrest, social

ELIGIBLE, INELIGIBLE, REVIEW = Outcome.ELIGIBLE, Outcome.INELIGIBLE, Outcome.REVIEW

CASES = [
    pytest.param("seattle", "VUCSA-POSS", {"drug_grams": "2.9"}, ELIGIBLE, id="seattle-3g-2.9g-eligible"),
    pytest.param("seattle", "VUCSA-POSS", {"drug_grams": "3"}, ELIGIBLE, id="seattle-3g-exactly-3g-eligible"),
    pytest.param("seattle", "VUCSA-POSS", {"drug_grams": "3.1"}, INELIGIBLE, id="seattle-3g-3.1g-ineligible"),
    pytest.param("seattle", "VUCSA-POSS", {"drug_grams": 3.1}, INELIGIBLE, id="seattle-3g-3.1-as-number"),
    pytest.param("three_door", "DRUG-POSS", {"drug_grams": "4"}, ELIGIBLE, id="three-door-4g-exactly-4g-eligible"),
    pytest.param("three_door", "DRUG-POSS", {"drug_grams": "4.01"}, INELIGIBLE, id="three-door-4g-4.01g-ineligible"),
    pytest.param("santa_fe", "OPI-POSS", {"drug_grams": "6"}, ELIGIBLE, id="santa-fe-6g-exactly-6g-eligible"),
    pytest.param("santa_fe", "OPI-POSS", {"drug_grams": "6.5"}, INELIGIBLE, id="santa-fe-6g-6.5g-ineligible"),
    pytest.param("santa_fe", "RX-POSS", {"drug_grams": "7", "prescription_pills": "yes"}, ELIGIBLE,
                 id="santa-fe-7g-prescription-pills-eligible-by-exception"),
    pytest.param("santa_fe", "RX-POSS", {"drug_grams": "7", "prescription_pills": "no"}, INELIGIBLE,
                 id="santa-fe-7g-not-pills-ineligible"),
    pytest.param("santa_fe", "RX-POSS", {"drug_grams": "7", "prescription_pills": "unknown"}, INELIGIBLE,
                 id="santa-fe-7g-unknown-pills-ineligible"),
    pytest.param("santa_fe", "OPI-POSS", {"drug_grams": ""}, REVIEW, id="santa-fe-missing-grams-needs-review"),
    pytest.param("santa_fe", "RX-POSS", {"prescription_pills": "yes"}, ELIGIBLE,
                 id="santa-fe-pills-without-weight-eligible"),
    pytest.param("seattle", "VUCSA-POSS", {"drug_grams": "a lot"}, REVIEW, id="seattle-grams-not-a-number-review"),
    pytest.param("seattle", "PROST", {"drug_grams": "50"}, ELIGIBLE, id="seattle-ceiling-ignored-without-drugs"),
]


@pytest.mark.parametrize(("example", "code", "answers", "outcome"), CASES, indirect=["example"])
def test_quantity_ceiling(example, code, answers, outcome):
    assert judge(example, arrest(example, code, **answers)).outcome == outcome


@pytest.mark.parametrize(("example", "grams", "reason"), [
    pytest.param("seattle", "3.1", "3.1 g is over the 3 g ceiling.", id="seattle"),
    pytest.param("three_door", "4.01", "4.01 g is over the 4 g ceiling.", id="three-door"),
    pytest.param("santa_fe", "6.5", "6.5 g is over the 6 g ceiling.", id="santa-fe"),
], indirect=["example"])
def test_the_reason_names_the_weight_and_the_ceiling(example, grams, reason):
    code = example.offenses.filter(category="drug").first().code
    assert judge(example, arrest(example, code, drug_grams=grams)).reasons == [reason]


def test_missing_grams_is_an_open_question_with_the_ceiling(santa_fe):
    judgement = judge(santa_fe, arrest(santa_fe, "OPI-POSS"))
    assert judgement.outcome == REVIEW
    assert judgement.open_questions == ["Drug quantity not given (ceiling 6 g)."]


def test_the_ceiling_applies_to_arrest_diversions_only(three_door):
    assert judge(three_door, social(three_door, "DRUG-POSS", drug_grams="40")).outcome == ELIGIBLE
