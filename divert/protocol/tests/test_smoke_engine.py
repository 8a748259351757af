from datetime import date

import pytest

from divert.protocol.actions import load_example
from divert.protocol.eligibility import Facts, Outcome, judge, questions_for


@pytest.mark.django_db
def test_santa_fe_pill_exception_and_ceiling():
    protocol = load_example("santa_fe", approved_on=date(2026, 1, 1))
    base = {"exploits_minors": "no", "promotes_prostitution": "no"}
    facts = Facts(door="arrest", referred_on=date(2026, 3, 1), offense_codes=["RX-POSS"],
                  date_of_birth=date(1990, 1, 1), answers={**base, "drug_grams": "7", "prescription_pills": "yes"})
    assert judge(protocol, facts).outcome == Outcome.ELIGIBLE
    facts.answers["prescription_pills"] = "no"
    j = judge(protocol, facts)
    assert j.outcome == Outcome.INELIGIBLE and j.reasons == ["7 g is over the 6 g ceiling."]
    assert [q.key for q in questions_for(protocol, "arrest")][:2] == ["drug_grams", "prescription_pills"]
