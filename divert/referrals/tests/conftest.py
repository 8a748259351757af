from datetime import date

import pytest

from divert.protocol.actions import load_example


@pytest.fixture
def protocol(db):
    """The three-door example protocol, approved and in effect since the start of 2026."""
    return load_example("three_door", approved_on=date(2026, 1, 1))


@pytest.fixture
def offense(protocol):
    return protocol.offenses.get(code="DRUG-POSS")


ARREST_ANSWERS = {
    "q_exploits_minors": "no", "q_promotes_prostitution": "no", "q_violent_conviction": "no",
    "q_treatment_court": "no", "q_no_contact_order": "no",
}


@pytest.fixture
def arrest_post(offense):
    """A complete, eligible arrest-diversion form post (the officer's two screens)."""

    def _post(**overrides):
        data = {
            "submission_key": "8a1f5a52-0000-4000-8000-000000000001", "incident_number": "2026-000123",
            "offenses": [str(offense.pk)], "place": "5th and Pine", "area": "Downtown",
            "first_name": "Robin", "last_name": "Quillfeather", "aliases": "Birdie", "date_of_birth": "1990-04-02",
            "q_drug_grams": "1.5", "q_dealing_for_profit": "no", **ARREST_ANSWERS, "agreed_to_talk": "on",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return _post
