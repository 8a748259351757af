"""Fixtures for legal matters and charge coordination: a matter of the test prosecutor's office defended by the test
defender, a matter of another office, a plan with goals, releases naming the prosecutor, and a casefile carrying the
SUD canary in a substance-use note, a health note and a treatment goal."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import SUD_CANARY, make_user
from divert.accounts.models import Agency
from divert.accounts.roles import AgencyKind, Role
from divert.casework.models import Contact, Goal, GoalDomain, GoalStatus, InterventionPlan, NoteCategory
from divert.coordination import actions_legal as actions
from divert.coordination.models import MatterKind, Severity
from divert.privacy.actions import RecipientChoice, do_record_release
from divert.privacy.categories import Category
from divert.privacy.models import Purpose, ReleaseKind
from divert.privacy.tests.conftest import tiny_png

CASE_NUMBER = "CR-26-00117"
OTHER_CASE_NUMBER = "OT-26-99001"
RECOMMENDATION = "Alex comes to the office most weeks and is two steps from a housing voucher."
HOUSING_GOAL = "Get on the housing list"
TREATMENT_GOAL = f"Stay on medication treatment {SUD_CANARY}"
# Seats that may not see substance-use or health information, whatever happens in coordination.
PARTNERS = ["prosecutor_pat", "defender_dana", "officer_olivia"]
NOT_TEAM = ["case_manager_casey", "officer_olivia", "sergeant_sam", "prosecutor_pat", "defender_dana", "manager_mo",
            "evaluator_eve", "admin_ada", "outsider_oscar"]


@pytest.fixture
def other_office(agencies):
    return Agency.objects.create(name="Other County Prosecutor", kind=AgencyKind.PROSECUTOR)


@pytest.fixture
def prosecutor_pete(other_office):
    """A liaison prosecutor at another office."""
    return make_user("prosecutor_pete", Role.PROSECUTOR, other_office)


@pytest.fixture
def matter(participant, prosecutor_pat, agencies):
    matter, _ = actions.do_record_legal_matter(
        prosecutor_pat, participant, kind=MatterKind.NEW_CHARGE, case_number=CASE_NUMBER, court="Test Municipal Court",
        prosecuting_agency=agencies.prosecutor, defending_agency=agencies.defender,
        incident_on=date(2025, 11, 2), filed_on=timezone.localdate() - timedelta(days=3),
        charges=[{"offense": "Theft in the third degree", "severity": Severity.MISDEMEANOR}])
    return matter


@pytest.fixture
def other_matter(participant, other_office):
    matter, _ = actions.do_record_legal_matter(
        None, participant, kind=MatterKind.WARRANT, case_number=OTHER_CASE_NUMBER, prosecuting_agency=other_office,
        warrant_issued_on=date(2025, 6, 1), source="feed", source_key="other-county:w:1")
    return matter


@pytest.fixture
def plan(participant, case_manager_cam):
    plan = InterventionPlan.objects.create(person=participant, enrollment=participant.enrollments.get())

    def goal(domain, text, status=GoalStatus.IN_PROGRESS):
        return Goal.objects.create(plan=plan, domain=domain, text=text, chosen_by_participant=True, status=status,
                                   created_by=case_manager_cam)

    return {"housing": goal(GoalDomain.HOUSING, HOUSING_GOAL), "treatment": goal(GoalDomain.TREATMENT, TREATMENT_GOAL)}


@pytest.fixture
def casefile(participant, case_manager_cam, plan):
    enrollment = participant.enrollments.get()
    for category, note in ((NoteCategory.SUD, f"Started methadone {SUD_CANARY}"),
                           (NoteCategory.HEALTH, f"Foot wound dressed {SUD_CANARY}")):
        Contact.objects.create(person=participant, enrollment=enrollment, recorded_by=case_manager_cam, note=note,
                               note_category=category, place=f"Clinic {SUD_CANARY}")
    return plan


@pytest.fixture
def release_to(participant, case_manager_cam):
    """Record a general release naming an agency (or an (agency, role) pair) for the given categories."""

    def _release(recipient, categories=(Category.STATUS, Category.PARTNER_SUMMARY)):
        today = timezone.localdate()
        choice = RecipientChoice(*recipient) if isinstance(recipient, tuple) else RecipientChoice(recipient, "")
        return do_record_release(
            participant, actor=case_manager_cam, recipients=[choice], kind=ReleaseKind.GENERAL,
            purposes=[Purpose.CARE_COORDINATION], categories=list(categories), starts_on=today,
            expires_on=today + timedelta(days=365), discloser="Test Harm Reduction Services",
            information_description="", signed_name="Alex Zyxcanary", signed_on=today, signature_png=tiny_png())

    return _release


@pytest.fixture
def prosecutor_release(release_to, agencies):
    return release_to(agencies.prosecutor)


@pytest.fixture
def coordination_request(matter, prosecutor_pat):
    req, _ = actions.do_open_coordination_request(prosecutor_pat, matter, note="Filing decision due next week.")
    return req


@pytest.fixture
def answered(coordination_request, case_manager_cam, prosecutor_release, casefile):
    return actions.do_answer_coordination_request(
        coordination_request, actor=case_manager_cam, answer_kind="recommendation", engagement="Weekly contact.",
        goals=[casefile["housing"], casefile["treatment"]], goals_text=RECOMMENDATION, helps="Time to finish intake.",
        setbacks="A jail stay would cost the housing place.")
