"""What the officer is asked for each door, and what never appears there: informants and sources."""

import pytest

from divert.participants.models import Door
from divert.protocol.eligibility import VERIFICATION_BASES, questions_for, review_checks

from .factories import variant

EXAMPLE_KEYS = ["seattle", "santa_fe", "three_door"]


@pytest.mark.parametrize("door", Door.values)
@pytest.mark.parametrize("example", EXAMPLE_KEYS, indirect=True)
def test_no_question_mentions_informants_or_sources(example, door):
    for question in questions_for(example, door):
        text = " ".join([question.key, str(question.label), str(question.help)]).lower()
        assert "informant" not in text and "source" not in text, question


def test_the_verification_choices_do_not_mention_sources():
    for key, label in VERIFICATION_BASES:
        assert "source" not in f"{key} {label}".lower()
        assert "informant" not in f"{key} {label}".lower()


@pytest.mark.parametrize("example", EXAMPLE_KEYS, indirect=True)
def test_the_informant_check_belongs_to_the_approver(example):
    assert "not_informant" in [check.key for check in review_checks(example)]


def test_santa_fe_arrest_questions_start_with_the_quantity_and_the_pills(santa_fe):
    keys = [q.key for q in questions_for(santa_fe, Door.ARREST_DIVERSION)]
    assert keys == ["drug_grams", "prescription_pills", "dealing_for_profit", "exploits_minors",
                    "promotes_prostitution"]


def test_seattle_has_no_pill_question(seattle):
    keys = [q.key for q in questions_for(seattle, Door.ARREST_DIVERSION)]
    assert keys == ["drug_grams", "dealing_for_profit", "exploits_minors", "promotes_prostitution",
                    "violent_conviction"]


def test_three_door_social_contact_asks_recency_and_basis(three_door):
    keys = [q.key for q in questions_for(three_door, Door.SOCIAL_CONTACT)]
    assert keys == ["exploits_minors", "promotes_prostitution", "violent_conviction", "treatment_court",
                    "no_contact_order", "conduct_last_seen", "verification_basis"]


def test_the_community_form_asks_no_screening_questions(three_door):
    assert questions_for(three_door, Door.COMMUNITY) == []


def test_no_drug_questions_without_drug_offenses(db):
    protocol = variant("seattle")
    protocol.offenses.filter(category__in=["drug", "drug_delivery"]).delete()
    keys = [q.key for q in questions_for(protocol, Door.ARREST_DIVERSION)]
    assert "drug_grams" not in keys and "dealing_for_profit" not in keys


def test_the_victim_question_only_on_the_arrest_door(db):
    protocol = variant("three_door", require_victim_agreement=True)
    assert "victim_disagrees" in [q.key for q in questions_for(protocol, Door.ARREST_DIVERSION)]
    assert "victim_disagrees" not in [q.key for q in questions_for(protocol, Door.SOCIAL_CONTACT)]


def test_no_contact_order_is_checked_against_the_roster_at_review(three_door, seattle):
    assert "no_contact_checked" in [c.key for c in review_checks(three_door)]
    assert "no_contact_checked" not in [c.key for c in review_checks(seattle)]
