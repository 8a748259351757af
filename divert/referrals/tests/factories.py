"""Referrals made through the write layer, for tests that start after the officer's form."""

import uuid

from divert.participants.models import Door
from divert.referrals.actions import PersonDescription, do_refer

ELIGIBLE_ANSWERS = {"exploits_minors": "no", "promotes_prostitution": "no", "violent_conviction": "no",
                    "treatment_court": "no", "no_contact_order": "no", "drug_grams": "1", "dealing_for_profit": "no"}


def arrest_referral(protocol, officer, *, first_name="Robin", last_name="Quillfeather", **answers):
    return do_refer(door=Door.ARREST_DIVERSION, protocol=protocol, actor=officer, submission_key=uuid.uuid4(),
                    person=PersonDescription(first_name=first_name, last_name=last_name,
                                             date_of_birth=__import__("datetime").date(1990, 4, 2)),
                    offenses=[protocol.offenses.get(code="DRUG-POSS")],
                    answers={**ELIGIBLE_ANSWERS, **answers}, extra={"incident_number": "2026-1", "area": "Downtown"})


def social_referral(protocol, officer, **answers):
    return do_refer(door=Door.SOCIAL_CONTACT, protocol=protocol, actor=officer, submission_key=uuid.uuid4(),
                    person=PersonDescription(first_name="Sky", last_name="Marrowby", approximate_age=40),
                    offenses=[protocol.offenses.get(code="TRESPASS")],
                    answers={**ELIGIBLE_ANSWERS, "conduct_last_seen": "2026-01-02", "verification_basis": "observed",
                             **answers}, extra={"area": "Northside"})


def community_referral(protocol, **extra):
    return do_refer(door=Door.COMMUNITY, protocol=protocol, submission_key=uuid.uuid4(),
                    person=PersonDescription(first_name="Jo", last_name="Fernhollow", approximate_age=35),
                    extra={"referrer_name": "Pat Neighbor", "referrer_relationship": "neighbor",
                           "referrer_phone": "555-0100", "how_to_reach": "At the library most mornings",
                           "probation_status": "none", **extra})
