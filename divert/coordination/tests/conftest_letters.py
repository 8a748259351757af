"""Fixtures for letters to courts and probation: a plan with goals of every category, the partner summary, a monthly
status, contacts carrying the SUD canary, and releases naming the court."""

import struct
import zlib
from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import SUD_CANARY
from divert.accounts.models import Agency
from divert.accounts.roles import AgencyKind
from divert.casework.models import (
    Contact,
    Goal,
    GoalDomain,
    GoalStatus,
    InterventionPlan,
    MonthlyStatus,
    NoteCategory,
    PartnerSummary,
)
from divert.coordination import actions_letters as actions
from divert.privacy.actions import RecipientChoice, do_record_release
from divert.privacy.categories import Category
from divert.privacy.models import Purpose, ReleaseKind

HEALTH_GOAL_CANARY = "CANARY-HEALTHGOAL-0c41d7"
TREATMENT_GOAL_CANARY = "CANARY-TREATGOAL-a9e2f0"
LEGAL_GOAL_CANARY = "CANARY-LEGALGOAL-3b7d15"
SUMMARY_TEXT = "Alex meets with the case manager most weeks and is working on housing and an ID."
# A phrase of the 42 CFR 2.32 notice.
REDISCLOSURE_PHRASE = "testimony describing what it contains"
TEAM = ["case_manager_cam", "supervisor_sue", "outreach_omar"]
# Seats with no business knowing a letter exists.
STRANGERS = ["case_manager_casey", "outsider_oscar", "officer_olivia", "sergeant_sam", "prosecutor_pat",
             "defender_dana", "evaluator_eve", "admin_ada"]


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00" + b"\x00\x00\x00\xff" * 2
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def probation(agencies):
    return Agency.objects.create(name="Test County Probation", kind=AgencyKind.PROBATION)


@pytest.fixture
def court(agencies):
    return agencies.court


@pytest.fixture
def plan(participant, case_manager_cam):
    enrollment = participant.enrollments.get()
    plan = InterventionPlan.objects.create(person=participant, enrollment=enrollment)

    def goal(domain, text, status):
        return Goal.objects.create(plan=plan, domain=domain, text=text, chosen_by_participant=True, status=status,
                                   created_by=case_manager_cam)

    return {
        "housing": goal(GoalDomain.HOUSING, "Get on the housing list", GoalStatus.IN_PROGRESS),
        "documents": goal(GoalDomain.DOCUMENTS, "Get a state ID", GoalStatus.ACHIEVED),
        "jobs": goal(GoalDomain.JOBS, "Start a job-training course", GoalStatus.OPEN),
        "set_aside": goal(GoalDomain.EDUCATION, "Finish the GED this spring", GoalStatus.SET_ASIDE),
        "health": goal(GoalDomain.MENTAL_HEALTH, f"See a counsellor {HEALTH_GOAL_CANARY}", GoalStatus.OPEN),
        "treatment": goal(GoalDomain.TREATMENT, f"Stay on medication treatment {TREATMENT_GOAL_CANARY}",
                          GoalStatus.IN_PROGRESS),
        "court": goal(GoalDomain.COURT, f"Go to every hearing {LEGAL_GOAL_CANARY}", GoalStatus.OPEN),
    }


@pytest.fixture
def casefile(participant, case_manager_cam, plan):
    """Everything a letter could be built from, with the SUD canary in a substance-use note and a health note."""
    enrollment = participant.enrollments.get()
    PartnerSummary.objects.create(person=participant, text=SUMMARY_TEXT, written_by=case_manager_cam)
    MonthlyStatus.objects.create(person=participant, enrollment=enrollment, month=date(2026, 1, 1),
                                 housing="shelter", income_sources=["none"], employment="not_working",
                                 recorded_by=case_manager_cam)
    for category, note in ((NoteCategory.SUD, f"Started methadone {SUD_CANARY}"),
                           (NoteCategory.HEALTH, f"Foot wound dressed {SUD_CANARY}")):
        Contact.objects.create(person=participant, enrollment=enrollment, recorded_by=case_manager_cam, note=note,
                               note_category=category, place=f"Clinic {SUD_CANARY}")
    return plan


@pytest.fixture
def release(participant, case_manager_cam):
    """Record a release naming an agency for the given categories (a Part 2 consent when SUD is among them)."""

    def _release(agency, categories=(Category.STATUS, Category.PARTNER_SUMMARY), *, kind=None):
        today = timezone.localdate()
        kind = kind or (ReleaseKind.PART2 if Category.SUD in categories else ReleaseKind.GENERAL)
        return do_record_release(
            participant, actor=case_manager_cam, recipients=[RecipientChoice(agency, "")], kind=kind,
            purposes=[Purpose.COURT_REPORTING], categories=list(categories), starts_on=today,
            expires_on=today + timedelta(days=365), discloser="Test Harm Reduction Services",
            information_description="Enrollment in medication treatment" if kind != ReleaseKind.GENERAL else "",
            signed_name="Alex Zyxcanary", signed_on=today, signature_png=png())

    return _release


@pytest.fixture
def court_release(release, court):
    return release(court)


@pytest.fixture
def draft(participant, case_manager_cam, court, court_release, casefile):
    return actions.do_draft_letter(participant, actor=case_manager_cam, recipient=court, addressee="Judge Ramos",
                                   goals=[casefile["housing"], casefile["documents"], casefile["jobs"]])


@pytest.fixture
def sent_letter(draft, case_manager_cam, require_pdf):
    return actions.do_send_letter(draft, actor=case_manager_cam, sent_on=timezone.localdate(), method="mailed",
                                  version=draft.version)
