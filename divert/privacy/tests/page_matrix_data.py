"""The world the page matrix reads: Alex Zyxcanary with one canary-carrying item in every data category, and a
release of information in one of the consent states. Also the oracle the pages are checked against.

Nothing here asks the privacy policy: the oracle is a table written from architecture.md §4.

The coordination world (build_coordination) adds, in every consent state: a legal matter of the test prosecutor's
office defended by the test defender (the legal canary in its case number) and one of another office, a coordination
request on it answered by
case_manager_cam with a recommendation (a partner-summary canary; the goals it concerns are the team's only), a
release naming the court for status and the partner summary with one letter sent under it and one draft (the
letter canary in both), and an Operational Work Group with every seat as a member, whose next meeting has Alex on
its agenda through a flag (the flag canary in its reason), plus a second group with no members and a meeting.
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import IDENTITY_CANARY, SUD_CANARY
from divert.accounts.models import Agency
from divert.accounts.roles import AgencyKind
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
from divert.coordination import actions_legal, actions_letters
from divert.coordination.actions_owg import do_add_member, do_flag_person
from divert.coordination.agenda import build_agenda
from divert.coordination.models import (
    AnswerKind,
    MatterKind,
    OperationalWorkGroup,
    OperationalWorkGroupMeeting,
    Severity,
)
from divert.lib.pdf import pdf_available, render_pdf
from divert.participants.actions import do_change_status
from divert.participants.models import Door
from divert.privacy.actions import do_revoke_release
from divert.privacy.models import Purpose, ReleaseKind, ReleaseOfInformation, Revocation
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


# Canaries of the coordination world that belong to no one category's readers:
# - what a letter to a court says: the person's case-management team only, whatever a release opens (casework);
LETTER_CANARY = "CANARY-LETTER-5e1b"
# - why the team flagged Alex for the Operational Work Group: written for partners at the partner-summary level, and
#   read by the project manager who runs the meeting (not a CANARY-SUMMARY string, which the project manager may
#   not read).
FLAG_CANARY = "CANARY-OWGFLAG-d27c"


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
    # The liaison prosecutor and the defender see the legal matter of their office / client, and so who Alex is:
    # that matter only, not the rest of the legal category (the assessment's court answer, the court goal), which
    # they read only under a release (MATTER_ONLY).
    "prosecutor_pat": {"identity", "legal"},
    "defender_dana": {"identity", "legal"},
}
MATTER_ONLY = {"prosecutor_pat", "defender_dana"}
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


def under_consent(seat: str, state: str, category: str, *, legal_matter: bool = False) -> bool:
    """Whether the seat sees `category` only because of the release (a disclosure, logged against it). The legal
    category of a prosecutor or defender is theirs by seat only for the matter (`legal_matter=True`): any other legal
    item they read under the release."""
    if category == "legal" and seat in MATTER_ONLY and not legal_matter:
        return category in released_to(seat, state)
    return category in allowed(seat, state) and category not in BY_SEAT.get(seat, set())


def released_to(seat: str, state: str) -> set[str]:
    return RELEASED.get(state, set()) if seat in NAMED_SEATS else set()


def legal_items_allowed(seat: str, state: str) -> bool:
    """Legal items other than the seat's own matter (an assessment answer, a court goal, another office's matter)."""
    if seat in MATTER_ONLY:
        return "legal" in released_to(seat, state)
    return "legal" in allowed(seat, state)


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
    # the coordination world
    matter: object = None  # the test prosecutor's office's, defended by the test defender
    other_matter: object = None  # another office's, no defender: the prosecutor and defender read it only by release
    coordination: object = None
    answer_release: ReleaseOfInformation | None = None  # the release the answer was written under
    court_release: ReleaseOfInformation | None = None
    letter: object = None  # sent
    draft: object = None
    owg_meeting: object = None  # every seat a member
    other_meeting: object = None  # a group without members


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
    build_coordination(world, personas, agencies, make_release)
    return world


def build_coordination(world: World, personas, agencies, make_release) -> None:
    """The coordination world, through the areas' own write functions. Built after the consent state's release, so
    that it is the same in every state (see the module docstring)."""
    cam, pat, mo = personas.case_manager_cam, personas.prosecutor_pat, personas.manager_mo
    person, today = world.person, timezone.localdate()

    # Legal: the prosecutor's office records its matter; it asks the case manager to coordinate, who answers with a
    # recommendation. A recommendation is refused unless a release lets the office read the partner summary: in the
    # states where the consent-state release does not, it is answered under a release recorded for that purpose and
    # then revoked in full today, so the recommendation exists in every state and only who may read it changes.
    world.matter, _created = actions_legal.do_record_legal_matter(
        pat, person, kind=MatterKind.NEW_CHARGE, case_number=item_canary("legal", "matter"),
        court="Test Municipal Court", prosecuting_agency=agencies.prosecutor, defending_agency=agencies.defender,
        incident_on=today - timedelta(days=40), filed_on=today - timedelta(days=3),
        charges=[{"offense": "Theft in the third degree", "severity": Severity.MISDEMEANOR}])
    other_office = Agency.objects.create(name="Other County Prosecutor", kind=AgencyKind.PROSECUTOR)
    world.other_matter, _created = actions_legal.do_record_legal_matter(
        None, person, kind=MatterKind.WARRANT, case_number=item_canary("legal", "other-office"),
        prosecuting_agency=other_office, warrant_issued_on=today - timedelta(days=200), source="feed",
        source_key="other-county:w:1")
    request, _created = actions_legal.do_open_coordination_request(pat, world.matter,
                                                                   note="Filing decision due next week.")
    temporary = None
    if actions_legal.release_for_prosecutor(request) is None:
        temporary = make_release([agencies.prosecutor], categories=["partner_summary"],
                                 purposes=[Purpose.CHARGE_COORDINATION])
    world.coordination = actions_legal.do_answer_coordination_request(
        request, actor=cam, answer_kind=AnswerKind.RECOMMENDATION, engagement="Weekly contact.",
        goals=[world.goals[c] for c in ("casework", "health", "sud")],
        goals_text="Two steps from a housing voucher.",
        helps=f"Time to finish the housing application {item_canary('partner_summary', 'recommendation')}",
        setbacks="A jail stay would cost the housing place.")
    world.answer_release = world.coordination.answer_release
    assert world.answer_release is not None
    if temporary is not None:
        do_revoke_release(temporary, actor=cam, scope=Revocation.Scope.FULL, effective_on=today)

    # Letters: a release naming the court (no seats there) for status and the partner summary, independent of the
    # consent state; one letter sent under it and one draft, both carrying the letter canary.
    world.court_release = make_release([agencies.court], categories=["status", "partner_summary"],
                                       purposes=[Purpose.COURT_REPORTING])
    letters = []
    for addressee in ("Judge Ramos", "Judge Okafor"):
        draft = actions_letters.do_draft_letter(person, actor=cam, recipient=agencies.court, addressee=addressee,
                                                goals=[world.goals["casework"]])
        letters.append(actions_letters.do_edit_letter(
            draft, actor=cam, version=draft.version,
            barriers=f"What would help: a bus pass {LETTER_CANARY}"))
    world.letter, world.draft = letters
    world.letter = send_letter(world.letter, cam)

    # Operational Work Group: every seat a member; Alex flagged by the team, on the next meeting's agenda (with the
    # new referral and the open coordination request). A second group has no members: only the project manager
    # may open its meeting (its agenda is not built: a non-member is refused before anything on it is read).
    group = OperationalWorkGroup.objects.create(first_meeting_on=today - timedelta(days=70),
                                                place="Precinct community room")
    for seat in SEATS:
        do_add_member(group, getattr(personas, seat), actor=mo)
    starts = timezone.make_aware(datetime.combine(today + timedelta(days=1), time(10)))
    world.owg_meeting = OperationalWorkGroupMeeting.objects.create(group=group, starts_at=starts, place=group.place)
    do_flag_person(person, actor=cam, reason=f"Needs a partner to vouch at the shelter desk {FLAG_CANARY}")
    build_agenda(world.owg_meeting, actor=mo)
    other = OperationalWorkGroup.objects.create(name="Eastside working group", first_meeting_on=today,
                                                place="Eastside library")
    world.other_meeting = OperationalWorkGroupMeeting.objects.create(group=other, starts_at=starts,
                                                                     place=other.place)


_rendered_letters: list[bytes] = []


def _render_letter_once(template_name, context, **kwargs) -> bytes:
    if not _rendered_letters:
        _rendered_letters.append(render_pdf(template_name, context, **kwargs))
    return _rendered_letters[0]


def send_letter(letter, actor):
    """Send through the letters area. Rendering a letter takes a tenth of a second and the matrix sends one in each of
    its worlds, so the first PDF rendered in a process is the one every later letter keeps (the pages' access rules do
    not depend on the PDF's content). Where PDFs cannot be made, the letter is marked sent by hand, with a stand-in."""
    if pdf_available():
        with mock.patch.object(actions_letters, "render_pdf", _render_letter_once):
            return actions_letters.do_send_letter(letter, actor=actor, sent_on=timezone.localdate(), method="mailed",
                                                  version=letter.version)
    content = b"%PDF-1.4\n% stand-in: WeasyPrint is not available on this machine\n"
    type(letter).objects.filter(pk=letter.pk).update(
        pdf=content, pdf_sha256=hashlib.sha256(content).hexdigest(), sent_at=timezone.now(),
        sent_on=timezone.localdate(), sent_by=actor, method="mailed")
    letter.refresh_from_db()
    return letter


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
