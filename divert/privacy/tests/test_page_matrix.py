"""THE page matrix: every seat × every consent state × every participant-facing page, checked against an oracle.

12 seats × 9 consent states = 108 worlds; in each, one seat requests 34 participant-facing pages (plus the release
page when a release exists, and the officer lookup for police seats) and the coordination app's pages: 6 in every
state (a legal matter, another office's matter, a coordination request, a sent letter, a draft letter, the OWG
meeting), 14 forms and downloads in three (FORM_STATES), 11 role-only pages and the meeting's PDF in two
(ROLE_PAGE_STATES): 5,214 requests.
Two further tests pin what the matrix found: the Part 2 notice on a service referral read under a consent, and
the decision that a referral's outcome belongs to the referral. A last test triggers every notification Divert
sends about the participant and reads them in the inbox, the mail outbox and the SMS outbox.

The world (page_matrix_data.py): Alex Zyxcanary, enrolled and assigned to case_manager_cam, with one item in
every data category, each carrying that category's canary plus an item suffix: casework (a contact note, an
assessment answer, a housing goal, a housing service referral's outcome, a pending expense's description), health
(a contact note, an answer, a goal, a medical service referral), sud (a contact note, an answer, a treatment
goal, a MAT service referral, the Part 2 consent's description), legal (an answer, a court goal),
partner_summary (the summary), status (the reason on a status change, shown on the timeline), referral (the
description on the arrest diversion Officer Olivia made, linked to Alex at intake) and identity (the surname). The
coordination world adds a legal matter of the test prosecutor's office defended by the test defender (legal, in its
case number), another office's matter, a coordination request answered with a recommendation (partner_summary; the
goals it concerns are the team's alone), a sent letter and a draft to the court (LETTER_CANARY: the team's alone), and
an OWG meeting with Alex flagged on its agenda (FLAG_CANARY: partner-summary readers and the project manager).

The oracle (page_matrix_data.allowed), written from architecture.md §4 and never asking the policy:

- the team (case_manager_cam, supervisor_sue, outreach_omar) sees everything; case_manager_casey (same
  provider, not assigned) identity and status; manager_mo identity, referral, status and legal; prosecutor_pat and
  defender_dana identity and their office's / client's legal matter, and the rest of the legal category (the
  assessment's court answer, the court goal, another office's matter) only under a release, which accounts for it;
- partner agencies (police, prosecutor, defender, project office, the other provider) see what a release in
  effect names: "active" a general release (everything but SUD), "part2_named" a Part 2 consent (everything),
  "revoked_partial" a Part 2 consent with SUD withdrawn, "part2_casework_withdrawn" one with casework withdrawn;
  "expired", "revoked_full", "part2_unnamed" (names only the court) and "general_with_sud_refused" (the
  recording is refused) give them nothing; evaluators and the site administrator never get anything;
- identity comes with any other category; referral pages follow the referral's readers (the referring officer,
  their sergeant, the provider's case-management team, the liaison prosecutor, the project manager).

For each request: the status code is the oracle's (200; 404 when the seat may not see the item's category, never
403, which would reveal that it exists; 403 when the seat may see but the page is for writing, or the page is not
for its seat at all); no canary of a category the seat may not see appears anywhere in the body; on a 200 item
page, the item's canary does appear (the matrix would otherwise pass on pages that show nothing); and each read of
casework, health, SUD or legal data wrote an audit event naming that category and Alex, carrying the release's id
when the seat sees it only under the release.
"""

import itertools
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from divert.audit.models import AuditEvent
from divert.coordination.actions_legal import do_decide_coordination_request, send_hold_reviews
from divert.coordination.actions_owg import (
    do_add_action_item,
    do_approve_minutes,
    do_record_attendance,
    members_of,
    schedule_owg_meetings,
)
from divert.coordination.models import AttendanceStatus, CoordinationDecision
from divert.lib.pdf import pdf_available, pdf_text
from divert.notify import sms
from divert.notify.actions import send_daily_digests
from divert.notify.models import EmailPreference, Notification, NotificationPreference
from divert.participants.models import Door
from divert.privacy.models import Disclosure
from divert.privacy.tests import page_matrix_data as data
from divert.privacy.tests.page_matrix_data import (
    CANARY,
    FLAG_CANARY,
    LETTER_CANARY,
    SEATS,
    STATES,
    TEAM,
    allowed,
    item_canary,
    under_consent,
)
from divert.referrals.actions import do_acknowledge_handoff, do_request_handoff, record_lapses, send_intake_reminders

# A phrase of the 42 CFR 2.32 notice that must go with every disclosure of Part 2 information under a consent.
REDISCLOSURE_PHRASE = "testimony describing what it contains"
# Seats by what their role may open at all (403 otherwise): lists, not participant data.
CASE_MANAGEMENT = {"case_manager_cam", "case_manager_casey", "supervisor_sue", "outreach_omar", "outsider_oscar"}
POLICE = {"officer_olivia", "sergeant_sam"}
REFERRAL_LIST = CASE_MANAGEMENT | POLICE | {"prosecutor_pat", "manager_mo"}
LEDGER = {"supervisor_sue", "manager_mo"}
ACCESS_LOG = {"supervisor_sue", "manager_mo"}
# Charge coordination: the list is for these seats' roles; a request is read by the seats that work on its matter
# (the team, the project manager, the matter's prosecutor and defender), never through a release.
COORDINATION_LIST = CASE_MANAGEMENT | {"prosecutor_pat", "defender_dana", "manager_mo"}
COORDINATION_READERS = TEAM | {"prosecutor_pat", "defender_dana", "manager_mo"}
MATTER_WRITERS = TEAM | {"prosecutor_pat"}
LETTERS_HEADING = "Letters to courts and probation"
# To keep the matrix inside its CI budget, not every coordination page is asked in all nine states:
# - pages whose answer depends on the seat alone (no participant data on them, or nothing a release opens) in the state
#   where a seat sees least and the one where it sees most;
ROLE_PAGE_STATES = ("none", "part2_named")
# - forms and downloads of an item whose page is asked in every state (same access helper), in the states that tell
#   their answers apart: no release, a general release (casework, legal, the partner summary: 403 on a form) and a
#   Part 2 consent (everything a partner may be given).
FORM_STATES = ("none", "active", "part2_named")
# Never on an Operational Work Group meeting, whoever reads it: what is said there is at the partner-summary level.
NOT_AT_THE_OWG = tuple(CANARY[c] for c in ("casework", "health", "sud", "legal", "status"))


@dataclass
class Page:
    name: str
    url: str
    status: int
    shows: tuple[str, ...] = ()  # strings that must appear when the page answers 200
    audit: tuple[str, ...] = ()  # categories whose read must be audited when the page answers 200
    post: dict | None = None
    part2_notice: bool = True  # SUD shown under a consent must carry the redisclosure notice
    hides: tuple[str, ...] = ()  # strings that must not appear, whatever the status
    legal_matter: bool = False  # the legal read is of the matter (the prosecutor's and defender's by seat)
    pdf: bool = False  # the body is a PDF: its text is checked
    disclosure: bool = False  # a read under the release writes a Disclosure naming the categories read under it


def item_status(seat: str, state: str, category: str, *, write: bool = False, writers=TEAM) -> int:
    """404 when the seat may not see the category; on a page for writing, 403 unless the seat writes."""
    if category not in allowed(seat, state):
        return 404
    return 403 if write and seat not in writers else 200


def role_status(seat: str, seats: set[str]) -> int:
    return 200 if seat in seats else 403


def pages(world, seat: str, state: str) -> list[Page]:
    sees = allowed(seat, state)
    pk = world.person.pk
    knows = "identity" in sees

    def shown(*pairs) -> tuple[str, ...]:
        return tuple(CANARY[c] if c == "identity" else item_canary(c, item) for c, item in pairs if c in sees)

    person_status = 200 if knows else 404
    letters = seat in TEAM or seat == "manager_mo"  # the letters section: the team, and the PM that letters went
    result = [
        Page("person page and timeline", f"/people/{pk}/", person_status,
             shown(("identity", ""), ("status", "x"), ("casework", "contact"), ("health", "contact"),
                   ("sud", "contact"), ("legal", "matter")) + ((LETTERS_HEADING,) if letters else ()),
             audit=("casework", "health", "sud", "legal"), hides=() if letters else (LETTERS_HEADING,)),
        Page("who accessed the record", f"/people/{pk}/access/",
             404 if not knows else role_status(seat, ACCESS_LOG)),
        Page("people search", "/people/?q=yxcanar", 200, shown(("identity", ""))),
        Page("assessment", f"/assessments/{world.assessment.pk}/", item_status(seat, state, "casework"),
             shown(*((c, "answer") for c in ("casework", "health", "sud", "legal"))),
             audit=("casework", "health", "sud", "legal")),
        Page("plan", f"/people/{pk}/plan/", item_status(seat, state, "casework"),
             shown(*((c, "goal") for c in ("casework", "health", "sud", "legal"))),
             audit=("casework", "health", "sud", "legal")),
        Page("monthly status", f"/people/{pk}/monthly-status/", item_status(seat, state, "casework"),
             audit=("casework",)),
        Page("partner summary", f"/people/{pk}/partner-summary/", item_status(seat, state, "partner_summary"),
             shown(("partner_summary", "x")), audit=("partner_summary",)),
        Page("expense approval", f"/funds/expenses/{world.expense.pk}/",
             item_status(seat, state, "casework", write=True, writers={"supervisor_sue"}),
             shown(("casework", "expense")), audit=("casework",)),
        # The ledger lists a pending expense by person, category and amount (its description is on its page).
        Page("funds ledger", "/funds/", role_status(seat, LEDGER), audit=("casework",)),
        Page("funds ledger CSV", "/funds.csv", role_status(seat, LEDGER)),
        Page("accounting of disclosures", f"/people/{pk}/disclosures/",
             404 if not knows else role_status(seat, TEAM | {"manager_mo"})),
        Page("accounting of disclosures CSV", f"/people/{pk}/disclosures.csv",
             404 if not knows else role_status(seat, TEAM | {"manager_mo"})),
        Page("referral", f"/referrals/{world.referral.pk}/", 200 if seat in data.REFERRAL_READERS else 404,
             (item_canary("referral", "description"),)),
        Page("referral list", "/referrals/", role_status(seat, REFERRAL_LIST)),
        Page("outreach worklist", "/outreach/", role_status(seat, CASE_MANAGEMENT)),
        Page("tasks", "/tasks/", role_status(seat, CASE_MANAGEMENT)),
        Page("caseloads", "/caseloads/", role_status(seat, {"supervisor_sue"})),
        Page("inbox", "/inbox/", 200),
        Page("home", "/", 200),
        Page("audit log", "/audit/", role_status(seat, {"manager_mo"})),
    ]
    for category, contact in world.contacts.items():
        result += [
            Page(f"{category} contact", f"/contacts/{contact.pk}/", item_status(seat, state, category),
                 shown((category, "contact")), audit=(category,)),
            Page(f"{category} contact, edit", f"/contacts/{contact.pk}/edit/",
                 item_status(seat, state, category, write=True), shown((category, "contact")), audit=(category,)),
        ]
    for category, referral in world.service_referrals.items():
        # The notice on the MAT referral is checked by test_part2_notice_on_a_service_referral.
        result.append(Page(f"{category} service referral", f"/service-referrals/{referral.pk}/",
                           item_status(seat, state, category), shown((category, "outcome")), audit=(category,),
                           part2_notice=False))
    for name, url in (("new contact", f"/people/{pk}/contacts/new/"),
                      ("new assessment", f"/people/{pk}/assessments/new/"),
                      ("new goal", f"/people/{pk}/plan/goals/new/"),
                      ("new service referral", f"/people/{pk}/service-referrals/new/"),
                      ("new expense", f"/people/{pk}/funds/new/")):
        result.append(Page(name, url, item_status(seat, state, "casework", write=True)))
    result += coordination_pages(world, seat, state)
    if world.release is not None:
        part2 = world.release.is_part2
        result.append(Page("release", f"/releases/{world.release.pk}/",
                           200 if data.release_readable(seat, state) else 404,
                           (item_canary("sud", "consent"),) if part2 else ()))
    if seat in POLICE:
        # Typed in lower case: the form echoes what the officer typed, the canary is what Divert reveals.
        result.append(Page("officer lookup", "/lookup/", 200, ("In the program",) if "status" in sees else (),
                           post={"first_name": "alex", "last_name": "zyxcanary", "date_of_birth": "1988-05-17"}))
    return result


def coordination_pages(world, seat: str, state: str) -> list[Page]:
    """The coordination app's pages: legal matters and charge coordination, letters, the Operational Work Group."""
    sees = allowed(seat, state)
    pk, m, r = world.person.pk, world.matter.pk, world.coordination.pk
    knows = "identity" in sees
    matter_canary = item_canary("legal", "matter")
    recommendation = item_canary("partner_summary", "recommendation")
    summary = item_canary("partner_summary", "x")

    def among(seats_200: set[str], seats_403: set[str]) -> int:
        return 200 if seat in seats_200 else 403 if seat in seats_403 else 404

    matter_shown = (matter_canary,) if "legal" in sees else ()
    other_matter = 200 if data.legal_items_allowed(seat, state) else 404
    result = [
        Page("legal matter", f"/legal/{m}/", item_status(seat, state, "legal"), matter_shown, audit=("legal",),
             legal_matter=True),
        # Another office's matter: the prosecutor and the defender read it only under a release, which accounts for it.
        Page("another office's legal matter", f"/legal/{world.other_matter.pk}/", other_matter,
             (item_canary("legal", "other-office"),), audit=("legal",)),
        # The answer's goals (casework, health, SUD) are the team's record: never shown to anyone else, releases
        # notwithstanding; the recommendation to the team and to whom a release gives the partner summary.
        Page("coordination request", f"/coordination/{r}/", 200 if seat in COORDINATION_READERS else 404,
             (recommendation,) if "partner_summary" in sees else (), audit=("legal", "partner_summary"),
             legal_matter=True,
             hides=() if seat in TEAM else tuple(CANARY[c] for c in ("casework", "health", "sud"))),
        # Letters: the team's alone; the project manager may know a sent letter exists (403), nobody else (404).
        Page("sent letter", f"/letters/{world.letter.pk}/", among(TEAM, {"manager_mo"}), (LETTER_CANARY,)),
        Page("draft letter", f"/letters/{world.draft.pk}/", among(TEAM, set()), (LETTER_CANARY,)),
    ]
    if state in FORM_STATES:
        for name, url in (("legal matter, edit", f"/legal/{m}/edit/"), ("new charge", f"/legal/{m}/charges/new/"),
                          ("new court date", f"/legal/{m}/court-dates/new/"),
                          ("disposition", f"/legal/{m}/disposition/")):
            result.append(Page(name, url, item_status(seat, state, "legal", write=True, writers=MATTER_WRITERS),
                               matter_shown, audit=("legal",), legal_matter=True))
        result += [
            Page("new legal matter", f"/people/{pk}/legal/new/",
                 404 if not knows else role_status(seat, MATTER_WRITERS)),
            Page("new letter", f"/people/{pk}/letters/new/", item_status(seat, state, "casework", write=True)),
            Page("flag for the OWG", f"/people/{pk}/owg-flag/",
                 302 if seat in TEAM else item_status(seat, state, "partner_summary", write=True),
                 post={"reason": "Needs a ride to the housing office"}),
            Page("open a coordination request", f"/legal/{m}/coordinate/",
                 item_status(seat, state, "legal", write=True, writers={"prosecutor_pat"}), audit=("legal",),
                 legal_matter=True),
            Page("answer a coordination request", f"/coordination/{r}/answer/",
                 among(TEAM, {"manager_mo", "prosecutor_pat", "defender_dana"}), (recommendation,)),
            Page("decide a coordination request", f"/coordination/{r}/decide/",
                 among({"prosecutor_pat"}, TEAM | {"manager_mo", "defender_dana"})),
            Page("sent letter, PDF", f"/letters/{world.letter.pk}/letter.pdf", among(TEAM, {"manager_mo"})),
            Page("draft letter, edit", f"/letters/{world.draft.pk}/edit/", among(TEAM, set()), (LETTER_CANARY,)),
            Page("draft letter, send", f"/letters/{world.draft.pk}/send/", among(TEAM, set())),
            Page("the letters' release (the court)", f"/releases/{world.court_release.pk}/", among(TEAM, set())),
        ]
    # The Operational Work Group: every seat is a member of the first group, none of the second.
    meeting, other = world.owg_meeting.pk, world.other_meeting.pk
    # What the meeting shows depends on whether the seat reads the partner summary: the HTML page is checked in every
    # state, its PDF (a tenth of a second to render) in a state where partners read it and one where they do not.
    pdf_states = ROLE_PAGE_STATES if pdf_available() else ()
    for suffix in ("", "minutes.pdf"):
        pdf = suffix == "minutes.pdf"
        if pdf and state not in pdf_states:
            continue
        result.append(Page(f"OWG meeting {suffix}".strip(), f"/owg/meetings/{meeting}/{suffix}", 200,
                           shown_on_owg(seat, state), audit=("status", "partner_summary"), pdf=pdf, disclosure=True,
                           hides=NOT_AT_THE_OWG + (() if "partner_summary" in sees else (summary,))))
    if state in ROLE_PAGE_STATES:
        result += [Page("notification settings", "/inbox/settings/", 200), Page("OWG", "/owg/", 200),
                   # Requests are read by seat, releases notwithstanding.
                   Page("coordination requests", "/coordination/", role_status(seat, COORDINATION_LIST),
                        (data.IDENTITY_CANARY, matter_canary) if seat in COORDINATION_READERS else ())]
        for name in ("agenda", "attendance", "minutes"):
            result.append(Page(f"OWG {name}", f"/owg/meetings/{meeting}/{name}/", among({"manager_mo"}, set(SEATS))))
        for suffix in ("", "minutes.pdf", "agenda/", "attendance/", "minutes/"):
            if suffix == "minutes.pdf" and not pdf_states:
                continue
            result.append(Page(f"another group's OWG meeting {suffix}".strip(), f"/owg/meetings/{other}/{suffix}",
                               among({"manager_mo"}, set()), pdf=suffix.endswith(".pdf")))
    return result


def shown_on_owg(seat: str, state: str) -> tuple[str, ...]:
    """On the OWG meeting with Alex on its agenda: who Alex is to whoever may know; the partner summary to its
    readers; why the team flagged Alex to those, and to the project manager who runs the meeting."""
    sees = allowed(seat, state)
    shows = []
    if "identity" in sees:
        shows.append(data.IDENTITY_CANARY)
    if "partner_summary" in sees:
        shows.append(item_canary("partner_summary", "x"))
    if "partner_summary" in sees or seat == "manager_mo":
        shows.append(FLAG_CANARY)
    return tuple(shows)


def forbidden_canaries(seat: str, state: str) -> list[str]:
    may = allowed(seat, state) - {"referral"}
    if seat in data.REFERRAL_READERS:
        may.add("referral")
    forbidden = [CANARY[c] for c in data.CATEGORIES if c not in may]
    if "legal" in may and not data.legal_items_allowed(seat, state):
        # The prosecutor and the defender see their matter, not the rest of the legal category.
        forbidden += [item_canary("legal", item) for item in ("answer", "goal", "other-office")]
    if seat not in TEAM:
        forbidden.append(LETTER_CANARY)
    if "partner_summary" not in may and seat != "manager_mo":
        forbidden.append(FLAG_CANARY)
    return forbidden


@pytest.mark.parametrize(("seat", "state"), list(itertools.product(SEATS, STATES)))
def test_every_page_follows_the_oracle(seat, state, personas, agencies, participant, make_release, login,
                                       record_property):
    world = data.build_world(personas, agencies, participant, make_release, state)
    user = getattr(personas, seat)
    client = login(user)
    forbidden = forbidden_canaries(seat, state)
    failures, checks = [], 0
    for page in pages(world, seat, state):
        before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        disclosed_before = Disclosure.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.post(page.url, page.post) if page.post is not None else client.get(page.url)
        if page.pdf and response.status_code == 200:
            # Words may be broken across lines in a PDF's text: compare without white space.
            body = "".join(pdf_text(response.content).split())
        else:
            body = response.content.decode(errors="replace")
        where = f"{page.name} {page.url}"
        checks += 1
        if response.status_code != page.status:
            failures.append(f"{where}: status {response.status_code}, expected {page.status}")
        for canary in forbidden:
            checks += 1
            if canary in body:
                failures.append(f"{where}: LEAK of {canary!r}")
        for text in page.hides:
            checks += 1
            if text in body:
                failures.append(f"{where}: {text!r} shown")
        if response.status_code != 200 or page.status != 200:
            continue
        for text in page.shows:
            checks += 1
            if text not in body:
                failures.append(f"{where}: {text!r} missing")
        events = AuditEvent.objects.filter(id__gt=before, actor=user, person=world.person)
        for category in page.audit:
            if category not in allowed(seat, state):
                continue
            if category in data.SENSITIVE:
                checks += 1
                if not events.filter(category=category).exists():
                    failures.append(f"{where}: no audit event for the {category} read")
            if under_consent(seat, state, category, legal_matter=page.legal_matter):
                checks += 1
                if not events.filter(category=category, consent_id=world.release.pk).exists():
                    failures.append(f"{where}: the {category} read under release #{world.release.pk} "
                                    "is not logged against it")
                if category == "sud" and page.part2_notice:
                    checks += 1
                    if REDISCLOSURE_PHRASE not in body:
                        failures.append(f"{where}: SUD shown under a Part 2 consent without the redisclosure notice")
        consented = {c for c in page.audit if under_consent(seat, state, c, legal_matter=page.legal_matter)}
        if page.disclosure and consented:
            checks += 1
            disclosures = Disclosure.objects.filter(id__gt=disclosed_before, recipient=user, person=world.person,
                                                    release=world.release)
            if not any(consented <= set(d.categories) for d in disclosures):
                failures.append(f"{where}: no disclosure of {sorted(consented)} under release #{world.release.pk}")
    record_property("checks", checks)
    assert not failures, f"{seat} in state {state}:\n" + "\n".join(failures)


PART2_READERS = [(seat, state) for seat, state in itertools.product(SEATS, STATES) if under_consent(seat, state, "sud")]


@pytest.mark.parametrize(("seat", "state"), PART2_READERS)
def test_part2_notice_on_a_service_referral(seat, state, personas, agencies, participant, make_release, login):
    world = data.build_world(personas, agencies, participant, make_release, state)
    response = login(getattr(personas, seat)).get(f"/service-referrals/{world.service_referrals['sud'].pk}/")
    assert response.status_code == 200
    assert item_canary("sud", "outcome") in response.content.decode()
    assert REDISCLOSURE_PHRASE in response.content.decode()


NO_STATUS_REFERRAL_READERS = [(seat, state) for seat, state in itertools.product(
    ["officer_olivia", "sergeant_sam", "prosecutor_pat"], ["none", "expired", "revoked_full", "part2_unnamed"])]


@pytest.mark.parametrize(("seat", "state"), NO_STATUS_REFERRAL_READERS)
def test_a_referrals_outcome_is_the_referrals_not_the_participants_status(seat, state, personas, agencies, participant,
                                                                          make_release, login):
    """Decided: the outcome of a referral (enrolled or not) belongs to the referral. The officer who made it learns
    pending, enrolled or not enrolled (the referrals issue asks for exactly that), and the liaison prosecutor must
    know whether intake was completed to decide about the held charge. Nothing else of the participant's status
    comes with it: not the case manager, not the provider, not the enrollment's later changes."""
    world = data.build_world(personas, agencies, participant, make_release, state)
    body = login(getattr(personas, seat)).get(f"/referrals/{world.referral.pk}/").content.decode()
    assert "<strong>Enrolled</strong>" in body
    assert "Cam Tester" not in body and agencies.provider.name not in body
    assert "/people/" not in body  # no way from the referral to the person's record


# --- The Policy Coordinating Group --------------------------------------------------------------------------------

def test_no_pcg_page_names_a_participant(personas, agencies, participant, make_release, login):
    """The PCG holds no participant data: whatever a seat may know of Alex (here, under a Part 2 consent naming every
    partner, and the matters), no PCG page says who Alex is."""
    from divert.accounts.models import Agency
    from divert.coordination import actions_pcg

    data.build_world(personas, agencies, participant, make_release, "part2_named")
    mo, today = personas.manager_mo, timezone.localdate()
    members = [actions_pcg.do_add_member(actor=mo, agency=agency, joined_on=today - timedelta(days=400))
               for agency in Agency.objects.order_by("pk")]
    meeting, _created = actions_pcg.do_schedule_meeting(actor=mo, held_on=today + timedelta(days=20),
                                                        place="City Hall, room 2", agenda="Protocol review")
    document = actions_pcg.do_add_document(actor=mo, title="Data-sharing policy", kind="data_sharing")
    agreement, _created = actions_pcg.do_add_agreement(actor=mo, kind="mou", title="Memorandum of understanding",
                                                       effective_on=today - timedelta(days=300))
    urls = ["/pcg/", "/pcg/members/", f"/pcg/members/{members[0].pk}/", "/pcg/meetings/",
            f"/pcg/meetings/{meeting.pk}/", "/pcg/documents/", f"/pcg/documents/{document.pk}/", "/pcg/agreements/",
            f"/pcg/agreements/{agreement.pk}/"]
    for seat in SEATS:
        client = login(getattr(personas, seat))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (seat, url, response.status_code)  # every agency is a member
            assert data.IDENTITY_CANARY not in response.content.decode(), (seat, url)


# --- Notifications ------------------------------------------------------------------------------------------------

def test_no_notification_carries_participant_data(personas, agencies, participant, make_release, login,
                                                  django_capture_on_commit_callbacks, settings):
    """Every notification Divert sends about the participant says only that something needs attention."""
    from divert.accounts.models import User

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for i, user in enumerate(User.objects.order_by("pk")):
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@example.org", phone=f"555-01{i:02d}")
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # Approval requested of the supervisor (the expense), the prosecutor (the arrest diversion).
        world = data.build_world(personas, agencies, participant, make_release, "part2_named")
    canary_referrals = []
    with django_capture_on_commit_callbacks(execute=True):
        # An officer who knows the full name refers Alex again: a social contact (the sergeant approves) and an
        # arrest diversion with a hand-off (supervisors paged, then the officer told by SMS).
        for door in (Door.SOCIAL_CONTACT, Door.ARREST_DIVERSION):
            referral = data.make_referral(world.protocol, personas.officer_olivia,
                                          item_canary("referral", f"notify-{door}"), door=door)
            type(referral).objects.filter(pk=referral.pk).update(last_name=data.IDENTITY_CANARY)
            canary_referrals.append(referral)
        arrest = canary_referrals[-1]
        do_request_handoff(arrest, actor=personas.officer_olivia)
        do_acknowledge_handoff(arrest, actor=personas.case_manager_cam)
    with django_capture_on_commit_callbacks(execute=True):
        # The intake reminder (days before the deadline) and the lapse (the prosecutor told, status only).
        deadline = arrest.intake_deadline
        for days in settings.DIVERT_INTAKE_REMINDER_DAYS:
            send_intake_reminders(now=deadline - timedelta(days=days, hours=1))
        assert record_lapses(now=deadline + timedelta(minutes=1)) >= 1
    with django_capture_on_commit_callbacks(execute=True):
        # Coordination: building the world opened a request (the case manager told); the prosecutor holds the charge
        # for the plan (the case manager told) and is reminded when the review-by date comes. The Operational Work
        # Group: meetings scheduled and the agenda of tomorrow's built (members told), an action item about Alex's
        # flag (its owner told), the minutes approved (members told). Letters notify nobody. The project manager
        # takes a daily digest of what they were told.
        NotificationPreference.objects.create(user=personas.manager_mo, email=EmailPreference.DIGEST)
        review_by = timezone.localdate() + timedelta(days=10)
        do_decide_coordination_request(world.coordination, actor=personas.prosecutor_pat,
                                       decision=CoordinationDecision.HOLD, review_by=review_by)
        assert send_hold_reviews(now=timezone.now() + timedelta(days=10)) == 1
        meeting = world.owg_meeting
        schedule_owg_meetings(timezone.localdate())
        flag_item = meeting.agenda_items.get(flag__isnull=False)
        do_add_action_item(meeting, actor=personas.manager_mo, text="Ask the shelter desk about a voucher",
                           owner=personas.case_manager_cam, due_on=timezone.localdate() + timedelta(days=7),
                           agenda_item=flag_item)
        do_record_attendance(meeting, {u.pk: AttendanceStatus.PRESENT for u in members_of(meeting.group)},
                             actor=personas.manager_mo, revision=None)
        do_approve_minutes(meeting, actor=personas.manager_mo)
        assert send_daily_digests(now=timezone.now().replace(hour=23)) >= 1

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"expense_pending", "divert.referral.review_requested", "divert.referral.approval_requested",
            "divert.handoff.requested", "divert.handoff.acknowledged", "divert.intake.reminder",
            "divert.intake.lapsed", "divert.coordination.requested", "divert.coordination.decided",
            "divert.coordination.hold_review",
            "divert.owg.agenda_ready", "divert.owg.action_item", "divert.owg.minutes_approved"} <= kinds, kinds
    assert mail.outbox and sms.outbox
    texts = [f"{n.title}\n{n.body}" for n in Notification.objects.all()]
    texts += [f"{m.subject}\n{m.body}" for m in mail.outbox]
    texts += [m.text for m in sms.outbox]
    canaries = [*CANARY.values(), LETTER_CANARY, FLAG_CANARY]
    for text in texts:
        for canary in canaries:
            assert canary not in text, text
    # And the inbox page of everyone notified.
    for user in User.objects.filter(notifications__isnull=False).distinct():
        body = login(user).get("/inbox/").content.decode()
        for canary in canaries:
            assert canary not in body, (user.username, canary)
