"""Fixtures for the directory, service referrals and funds: a small Riverside directory, a MAT referral
carrying the SUD canary, a funding source with a budget, and a partner who may read casework under a release."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import SUD_CANARY
from divert.casework.actions_services import do_change_referral_status, do_save_provider, do_send_service_referral
from divert.casework.models import FundingSource, ServiceCategory, ServiceReferralStatus
from divert.privacy.models import ReleaseKind, ReleaseOfInformation, ReleaseRecipient
from divert.privacy.policy import Category

HEALTH_CANARY = "CANARY-HEALTH-41b2"


@pytest.fixture
def directory(personas):
    sue = personas.supervisor_sue

    def add(name, categories, **extra):
        return do_save_provider(None, actor=sue, categories=categories, name=name, **extra)

    return {
        "mat": add("Riverside Opioid Treatment Program", [ServiceCategory.MAT, ServiceCategory.OUTPATIENT],
                   phone="555-0100", accepts_walk_ins=True),
        "food": add("Harbor Food Bank", [ServiceCategory.FOOD]),
        "housing": add("Riverside Housing Navigation", [ServiceCategory.HOUSING, ServiceCategory.SHELTER]),
        "clinic": add("Eastside Community Clinic", [ServiceCategory.MEDICAL, ServiceCategory.MENTAL_HEALTH]),
        "closed": add("Old Mission Shelter", [ServiceCategory.SHELTER], active=False),
    }


@pytest.fixture
def sud_referral(participant, directory, case_manager_cam):
    """A MAT referral whose note and outcome carry the SUD canary."""
    referral = do_send_service_referral(participant, actor=case_manager_cam, provider=directory["mat"],
                                        category=ServiceCategory.MAT, note=f"Asked about methadone {SUD_CANARY}")
    return do_change_referral_status(referral, ServiceReferralStatus.ACCEPTED, actor=case_manager_cam,
                                     outcome=f"Intake booked {SUD_CANARY}", note=f"Accepted {SUD_CANARY}")


@pytest.fixture
def health_referral(participant, directory, case_manager_cam):
    return do_send_service_referral(participant, actor=case_manager_cam, provider=directory["clinic"],
                                    category=ServiceCategory.MEDICAL, note=f"Foot wound {HEALTH_CANARY}")


@pytest.fixture
def housing_referral(participant, directory, case_manager_cam):
    return do_send_service_referral(participant, actor=case_manager_cam, provider=directory["housing"],
                                    category=ServiceCategory.HOUSING, note="Housing voucher application")


@pytest.fixture
def funding(db):
    today = timezone.localdate()
    return FundingSource.objects.create(name="City flex fund", budget_amount=Decimal("1000.00"),
                                        period_start=today - timedelta(days=90), period_end=today + timedelta(days=90))


@pytest.fixture
def services_release(participant, agencies, case_manager_cam):
    """A general release letting the public defender's office see casework (not health, not SUD)."""

    def _release(categories=(Category.CASEWORK,), agency=None):
        signed = timezone.localdate() - timedelta(days=30)
        release = ReleaseOfInformation.objects.create(
            person=participant, kind=ReleaseKind.GENERAL, purposes=["care_coordination"],
            categories=list(categories), starts_on=signed, discloser="Test Harm Reduction Services",
            signed_name="Alex Zyxcanary", signed_on=signed, recorded_by=case_manager_cam)
        ReleaseRecipient.objects.create(release=release, agency=agency or agencies.defender)
        return release

    return _release
