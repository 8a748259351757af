"""Fixtures for assessments, monthly status and the plan: the default instrument, an assessment carrying the
SUD canary, a goal, and a partner who may read casework under a release."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import SUD_CANARY
from divert.casework.actions_assessment import do_add_goal, do_record_assessment, install_default_instrument
from divert.casework.models import Assessment, GoalDomain
from divert.privacy.models import ReleaseKind, ReleaseOfInformation, ReleaseRecipient
from divert.privacy.policy import Category

HEALTH_CANARY = "CANARY-HEALTH-41b2"
CASEWORK_CANARY = "CANARY-CASEWORK-9d0e"
LEGAL_CANARY = "CANARY-LEGAL-55aa"


@pytest.fixture
def instrument(db):
    return install_default_instrument()


@pytest.fixture
def enrollment(participant):
    return participant.enrollments.get()


@pytest.fixture
def assessment(instrument, participant, enrollment, case_manager_cam) -> Assessment:
    """An intake whose free-text answers carry one canary per category."""
    questions = {q.key: q for q in instrument.questions()}
    answers = {
        questions["race_ethnicity"]: ["prefer_not_to_say"],
        questions["housing"]: "shelter",
        questions["income_sources"]: ["snap"],
        questions["employment"]: "not_working",
        questions["immediate_notes"]: f"Needs boots {CASEWORK_CANARY}",
        questions["health_notes"]: f"Foot wound {HEALTH_CANARY}",
        questions["sud_notes"]: f"On buprenorphine {SUD_CANARY}",
        questions["legal_notes"]: f"Court in March {LEGAL_CANARY}",
    }
    return do_record_assessment(participant, enrollment=enrollment, instrument=instrument, kind="intake",
                                assessed_on=timezone.localdate() - timedelta(days=3), answers=answers,
                                actor=case_manager_cam, submission_key="5f0c8a3e-6f1d-4c1e-9a43-2b7f1f7c0001")


@pytest.fixture
def goal(participant, enrollment, case_manager_cam):
    return do_add_goal(participant, enrollment, domain=GoalDomain.HOUSING, text="Get my own place",
                       chosen_by_participant=True, steps=["Apply for housing voucher", "Get ID"],
                       actor=case_manager_cam)


@pytest.fixture
def sud_goal(participant, enrollment, case_manager_cam):
    return do_add_goal(participant, enrollment, domain=GoalDomain.TREATMENT, text=f"Start methadone {SUD_CANARY}",
                       chosen_by_participant=True, steps=[], actor=case_manager_cam)


@pytest.fixture
def casework_release(participant, agencies, case_manager_cam):
    """A general release letting the public defender's office see casework (not health, not SUD)."""

    def _release(categories=(Category.CASEWORK,), agency=None, kind=ReleaseKind.GENERAL):
        signed = timezone.localdate() - timedelta(days=30)
        release = ReleaseOfInformation.objects.create(
            person=participant, kind=kind, purposes=["care_coordination"], categories=list(categories),
            starts_on=signed, discloser="Test Harm Reduction Services", signed_name="Alex Zyxcanary",
            signed_on=signed, recorded_by=case_manager_cam)
        ReleaseRecipient.objects.create(release=release, agency=agency or agencies.defender)
        return release

    return _release
