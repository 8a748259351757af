"""Three example protocols a site can start from, modelled on published LEAD sites (see docs/protocol.md).

They are starting points for a Policy Coordinating Group, not legal advice: every value is meant to be edited.
"""

from decimal import Decimal

from divert.accounts.roles import Role
from divert.participants.models import Door

from .models import OffenseCategory as C

SEATTLE = {
    "name": "Seattle-style pilot (arrest and social contact, one neighbourhood)",
    "summary": "Low-level drug and prostitution offenses in the pilot neighbourhood; 3 g ceiling; "
               "violent history look-back of 10 years.",
    "arrest_door_open": True, "social_door_open": True, "community_door_open": False,
    "social_approver": Role.SERGEANT, "community_approver": Role.PROJECT_MANAGER,
    "drug_quantity_max_grams": Decimal("3"), "pill_exception": False, "minimum_age": 18,
    "exclude_dealing_for_profit": True, "exclude_exploits_minors": True, "exclude_promotes_prostitution": True,
    "violent_lookback_years": 10, "exclude_informant": True,
    "catchment_areas": ["Belltown", "Downtown core"], "catchment_doors": [Door.ARREST_DIVERSION, Door.SOCIAL_CONTACT],
    "intake_deadline_days": 30, "handoff_target_minutes": 30, "caseload_warning": 20, "caseload_maximum": 25,
    "offenses": [
        ("VUCSA-POSS", "Drug possession", C.DRUG),
        ("VUCSA-DEL", "Drug delivery, subsistence level", C.DRUG_DELIVERY),
        ("PROST", "Prostitution", C.SEX_WORK),
    ],
}

SANTA_FE = {
    "name": "Santa Fe-style (opiates, 6 g with a prescription-pill exception)",
    "summary": "Opiate possession or subsistence sale; 6 g ceiling that does not apply to prescription pills; "
               "social referrals only from inside the catchment area; intake within 7 days.",
    "arrest_door_open": True, "social_door_open": True, "community_door_open": False,
    "social_approver": Role.PROJECT_MANAGER, "community_approver": Role.PROJECT_MANAGER,
    "drug_quantity_max_grams": Decimal("6"), "pill_exception": True, "minimum_age": 18,
    "exclude_dealing_for_profit": True, "exclude_exploits_minors": True, "exclude_promotes_prostitution": True,
    "violent_lookback_years": None, "exclude_informant": True,
    "catchment_areas": ["City of Santa Fe"], "catchment_doors": [Door.SOCIAL_CONTACT],
    "intake_deadline_days": 7, "handoff_target_minutes": 30, "caseload_warning": 20, "caseload_maximum": 25,
    "offenses": [
        ("OPI-POSS", "Opiate possession", C.DRUG),
        ("OPI-PWID", "Opiate possession with intent, subsistence", C.DRUG_DELIVERY),
        ("RX-POSS", "Possession of prescription opiate pills", C.DRUG),
        ("PARA", "Drug paraphernalia", C.DRUG),
    ],
}

THREE_DOOR = {
    "name": "Three-door site (arrest, social contact, community)",
    "summary": "All three doors; 4 g ceiling; California-style social contact rules (conduct within 24 months, "
               "no treatment-court case, no no-contact order); social and community referrals only while "
               "capacity remains; intake within 14 days.",
    "arrest_door_open": True, "social_door_open": True, "community_door_open": True,
    "social_approver": Role.SERGEANT, "community_approver": Role.PROJECT_MANAGER, "capacity_gate": True,
    "drug_quantity_max_grams": Decimal("4"), "pill_exception": False, "minimum_age": 18,
    "exclude_dealing_for_profit": True, "exclude_exploits_minors": True, "exclude_promotes_prostitution": True,
    "violent_lookback_years": 10, "exclude_pending_treatment_court": True, "exclude_no_contact_order": True,
    "exclude_informant": True, "social_recency_months": 24,
    "catchment_areas": ["Northside", "Downtown", "Riverside", "Eastgate"],
    "catchment_doors": [Door.SOCIAL_CONTACT, Door.COMMUNITY],
    "intake_deadline_days": 14, "handoff_target_minutes": 30, "caseload_warning": 20, "caseload_maximum": 25,
    "offenses": [
        ("DRUG-POSS", "Drug possession", C.DRUG),
        ("DRUG-PARA", "Drug paraphernalia", C.DRUG),
        ("DRUG-DEL", "Drug delivery, subsistence level", C.DRUG_DELIVERY),
        ("SEX-WORK", "Sex work", C.SEX_WORK),
        ("THEFT-3", "Theft under $750", C.THEFT),
        ("TRESPASS", "Criminal trespass", C.PUBLIC_ORDER),
        ("TRANSIT", "Transit misconduct", C.PUBLIC_ORDER),
        ("PARK", "Park rule violation", C.PUBLIC_ORDER),
    ],
}

EXAMPLES = {"seattle": SEATTLE, "santa_fe": SANTA_FE, "three_door": THREE_DOOR}
