"""The world the page matrix reads: Alex Zyxcanary with one canary-carrying item in every data category, and a
release of information in one of the consent states. Also the oracle the pages are checked against.

Nothing here asks the privacy policy: the oracle is a table written from architecture.md §4.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import IDENTITY_CANARY, SUD_CANARY
from divert.casework.actions_assessment import do_add_goal, do_record_assessment, install_default_instrument
from divert.casework.actions_services import (
    do_change_referral_status,
    do_record_expense,
    do_save_provider,
    do_send_service_referral,
)
from divert.casework.models import (
    Contact,
    FundingSource,
    GoalDomain,
    NoteCategory,
    PartnerSummary,
    ServiceCategory,
    ServiceReferralStatus,
)
from divert.participants.actions import do_change_status
from divert.participants.models import Door
from divert.privacy.actions import do_revoke_release
from divert.privacy.models import ReleaseKind, ReleaseOfInformation, Revocation
from divert.protocol.actions import load_example
from divert.referrals.actions import PersonDescription, do_refer
from divert.referrals.models import Referral, ReferralStatus
from divert.referrals.tests.factories import ELIGIBLE_ANSWERS

# --- Canaries: one per category; each item appends its own suffix, so the bare string finds them all -------------

CANARY = {
    "identity": IDENTITY_CANARY,
    "referral": "CANARY-REFERRAL-c81d",
    "status": "CANARY-STATUS-3e07",
    "partner_summary": "CANARY-SUMMARY-a5f2",
    "casework": "CANARY-CASEWORK-0b9e",
    "health": "CANARY-HEALTH-6d14",
    "sud": SUD_CANARY,
    "legal": "CANARY-LEGAL-92c3",
}
CATEGORIES = list(CANARY)
SENSITIVE = {"casework", "health", "sud", "legal"}


def item_canary(category: str, item: str) -> str:
    return f"{CANARY[category]}-{item}"


# --- The oracle -------------------------------------------------------------------------------------------------

SEATS = ["officer_olivia", "sergeant_sam", "outreach_omar", "case_manager_cam", "case_manager_casey", "supervisor_sue",
         "prosecutor_pat", "defender_dana", "manager_mo", "evaluator_eve", "admin_ada", "outsider_oscar"]
STATES = ["none", "active", "expired", "revoked_full", "revoked_partial", "part2_named", "part2_unnamed",
          "general_with_sud_refused", "part2_casework_withdrawn"]

EVERYTHING = set(CATEGORIES)
TEAM = {"case_manager_cam", "supervisor_sue", "outreach_omar"}  # the participant's case-management team
BY_SEAT = {
    **{seat: EVERYTHING for seat in TEAM},
    "case_manager_casey": {"identity", "status"},  # same provider, not assigned: who to call
    "manager_mo": {"identity", "referral", "status", "legal"},
}
# The releases name every partner agency (police, prosecutor, defender, project office, evaluator, the other
# provider), except "part2_unnamed", which names only the court. Evaluators and the site administrator never
# receive identified data under a release.
NAMED_SEATS = {"officer_olivia", "sergeant_sam", "prosecutor_pat", "defender_dana", "manager_mo", "outsider_oscar"}
GENERAL = {"referral", "status", "partner_summary", "casework", "health", "legal"}
PART2 = GENERAL | {"sud"}
RELEASED = {
    "active": GENERAL,
    "revoked_partial": PART2 - {"sud"},  # a Part 2 consent whose SUD was withdrawn
    "part2_named": PART2,
    "part2_casework_withdrawn": PART2 - {"casework"},
}
PART2_STATES = {"revoked_partial", "part2_named", "part2_unnamed", "part2_casework_withdrawn"}
# Referral pages follow the referral's own readers, not consents: the referring officer, their sergeant, the
# case-management team of the provider it went to, the liaison prosecutor (an arrest diversion), the project manager.
REFERRAL_READERS = {"officer_olivia", "sergeant_sam", "case_manager_cam", "case_manager_casey", "supervisor_sue",
                    "outreach_omar", "prosecutor_pat", "manager_mo"}


def allowed(seat: str, state: str) -> set[str]:
    """The categories of Alex's data this seat may see in this consent state."""
    categories = set(BY_SEAT.get(seat, set()))
    if seat in NAMED_SEATS:
        categories |= RELEASED.get(state, set())
    if categories:
        categories.add("identity")
    return categories


def under_consent(seat: str, state: str, category: str) -> bool:
    """Whether the seat sees `category` only because of the release (a disclosure, logged against it)."""
    return category in allowed(seat, state) and category not in BY_SEAT.get(seat, set())


def release_readable(seat: str, state: str) -> bool:
    """Release page: the team manages it; a named partner reads a release in effect that still gives them
    something (a Part 2 consent only while it still gives them SUD)."""
    if seat in TEAM:
        return True
    released = RELEASED.get(state, set()) if seat in NAMED_SEATS else set()
    return bool(released) and (state not in PART2_STATES or "sud" in released)


# --- Building the world -----------------------------------------------------------------------------------------

@dataclass
class World:
    person: object
    enrollment: object
    release: ReleaseOfInformation | None
    contacts: dict = field(default_factory=dict)
    assessment: object = None
    goals: dict = field(default_factory=dict)
    service_referrals: dict = field(default_factory=dict)
    expense: object = None
    summary: object = None
    referral: Referral | None = None
    protocol: object = None


def build_world(personas, agencies, participant, make_release, state: str) -> World:
    cam, sue = personas.case_manager_cam, personas.supervisor_sue
    participant.date_of_birth = date(1988, 5, 17)
    participant.save(update_fields=["date_of_birth"])
    enrollment = participant.enrollments.get()
    world = World(person=participant, enrollment=enrollment, release=None)

    # status: a status change whose reason carries the canary (shown on the timeline)
    do_change_status(enrollment, "inactive", actor=cam, reason=f"Left town for a week {item_canary('status', 'x')}")
    do_change_status(enrollment, "active", actor=cam, reason="Back in touch")

    # casework, health, sud: one contact each
    now = timezone.now()
    for offset, category in enumerate(("casework", "health", "sud")):
        world.contacts[category] = Contact.objects.create(
            person=participant, enrollment=enrollment, recorded_by=cam, note_category=NoteCategory(category),
            note=f"Talked it through {item_canary(category, 'contact')}", occurred_at=now - timedelta(days=offset))

    # an assessment whose free-text answers carry casework, health, sud and legal canaries
    instrument = install_default_instrument()
    questions = {q.key: q for q in instrument.questions()}
    world.assessment = do_record_assessment(
        participant, enrollment=enrollment, instrument=instrument, kind="intake",
        assessed_on=timezone.localdate() - timedelta(days=3), actor=cam, submission_key=uuid.uuid4(), answers={
            questions["race_ethnicity"]: ["prefer_not_to_say"], questions["housing"]: "shelter",
            questions["income_sources"]: ["snap"], questions["employment"]: "not_working",
            questions["immediate_notes"]: f"Needs boots {item_canary('casework', 'answer')}",
            questions["health_notes"]: f"Foot wound {item_canary('health', 'answer')}",
            questions["sud_notes"]: f"On buprenorphine {item_canary('sud', 'answer')}",
            questions["legal_notes"]: f"Court in March {item_canary('legal', 'answer')}",
        })

    # the plan: one goal per category its domain carries
    for category, domain in (("casework", GoalDomain.HOUSING), ("health", GoalDomain.PHYSICAL_HEALTH),
                             ("sud", GoalDomain.TREATMENT), ("legal", GoalDomain.COURT)):
        world.goals[category] = do_add_goal(participant, enrollment, domain=domain, chosen_by_participant=True,
                                            text=f"My goal {item_canary(category, 'goal')}", steps=[], actor=cam)

    # service referrals: housing (casework), medical (health), MAT (sud), each with an outcome canary
    for category, service, name in (("casework", ServiceCategory.HOUSING, "Riverside Housing Navigation"),
                                    ("health", ServiceCategory.MEDICAL, "Eastside Community Clinic"),
                                    ("sud", ServiceCategory.MAT, "Riverside Opioid Treatment Program")):
        provider = do_save_provider(None, actor=sue, categories=[service], name=name)
        sent = do_send_service_referral(participant, actor=cam, provider=provider, category=service,
                                        note=f"Sent {item_canary(category, 'service-note')}")
        world.service_referrals[category] = do_change_referral_status(
            sent, ServiceReferralStatus.ACCEPTED, actor=cam,
            outcome=f"Intake booked {item_canary(category, 'outcome')}")

    # an expense above the approval threshold: pending, so it shows on the ledger and pages the supervisor
    today = timezone.localdate()
    source = FundingSource.objects.create(name="City flex fund", budget_amount=Decimal("5000.00"),
                                          period_start=today - timedelta(days=90),
                                          period_end=today + timedelta(days=90))
    world.expense = do_record_expense(participant, actor=cam, funding_source=source, category="motel",
                                      amount=Decimal("400.00"), spent_on=today,
                                      description=f"Two nights {item_canary('casework', 'expense')}")

    world.summary = PartnerSummary.objects.create(person=participant, written_by=cam,
                                                  text=f"Coming to most meetings {item_canary('partner_summary', 'x')}")

    # the referral that brought Alex in: an arrest diversion by Officer Olivia, linked at intake. The officer
    # wrote only "Alex Z.", so the identity canary measures what Divert reveals, not what the officer typed.
    world.protocol = load_example("three_door", approved_on=date(2026, 1, 1))
    world.referral = make_referral(world.protocol, personas.officer_olivia, item_canary("referral", "description"))
    Referral.objects.filter(pk=world.referral.pk).update(person=participant, enrollment=enrollment,
                                                         provider=agencies.provider, status=ReferralStatus.ENROLLED)
    world.referral.refresh_from_db()

    world.release = build_release(state, make_release, agencies, cam)
    return world


def make_referral(protocol, officer, description: str, *, door=Door.ARREST_DIVERSION) -> Referral:
    offense = "DRUG-POSS" if door == Door.ARREST_DIVERSION else "TRESPASS"
    answers = dict(ELIGIBLE_ANSWERS)
    if door == Door.SOCIAL_CONTACT:
        answers.update(conduct_last_seen=str(timezone.localdate()), verification_basis="observed")
    return do_refer(door=door, protocol=protocol, actor=officer, submission_key=uuid.uuid4(),
                    person=PersonDescription(first_name="Alex", last_name="Z.", date_of_birth=date(1988, 5, 17),
                                             description=description),
                    offenses=[protocol.offenses.get(code=offense)], answers=answers,
                    extra={"incident_number": "2026-77", "area": "Downtown"})


def build_release(state: str, make_release, agencies, actor) -> ReleaseOfInformation | None:
    partners = [agencies.police, agencies.prosecutor, agencies.defender, agencies.project, agencies.evaluator,
                agencies.other_provider]
    today = timezone.localdate()
    part2 = {"kind": ReleaseKind.PART2, "information_description": f"Treatment {item_canary('sud', 'consent')}"}
    if state == "none":
        return None
    if state == "general_with_sud_refused":
        # A general release may not name SUD: the recording is refused and nothing is in effect.
        try:
            make_release(partners, kind=ReleaseKind.GENERAL, categories=sorted(PART2))
        except ValidationError as refused:
            assert "categories" in refused.message_dict
        else:
            raise AssertionError("a general release naming SUD was recorded")
        assert not ReleaseOfInformation.objects.exists()
        return None
    if state == "active":
        return make_release(partners)
    if state == "expired":
        return make_release(partners, starts_on=today - timedelta(days=60), expires_in_days=59)
    if state == "revoked_full":
        release = make_release(partners)
        do_revoke_release(release, actor=actor, scope=Revocation.Scope.FULL, effective_on=today)
        return release
    if state in ("revoked_partial", "part2_casework_withdrawn"):
        release = make_release(partners, **part2)
        withdrawn = "sud" if state == "revoked_partial" else "casework"
        do_revoke_release(release, actor=actor, scope=Revocation.Scope.PARTIAL, effective_on=today,
                          categories=[withdrawn])
        return release
    if state == "part2_named":
        return make_release(partners, **part2)
    if state == "part2_unnamed":
        return make_release([agencies.court], **part2)
    raise AssertionError(state)
