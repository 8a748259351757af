"""THE page matrix: every seat × every consent state × every participant-facing page, checked against an oracle.

12 seats × 9 consent states = 108 worlds; in each, one seat requests 34 participant-facing pages (plus the release
page when a release exists, and the officer lookup for police seats): 3,774 requests and about 20,850 checks.
Two further tests pin what the matrix found: the Part 2 notice on a service referral read under a consent, and
the decision that a referral's outcome belongs to the referral. A last test triggers every notification Divert
sends about the participant and reads them in the inbox, the mail outbox and the SMS outbox.

The world (page_matrix_data.py): Alex Zyxcanary, enrolled and assigned to case_manager_cam, with one item in
every data category, each carrying that category's canary plus an item suffix: casework (a contact note, an
assessment answer, a housing goal, a housing service referral's outcome, a pending expense's description), health
(a contact note, an answer, a goal, a medical service referral), sud (a contact note, an answer, a treatment
goal, a MAT service referral, the Part 2 consent's description), legal (an answer, a court goal),
partner_summary (the summary), status (the reason on a status change, shown on the timeline), referral (the
description on the arrest diversion Officer Olivia made, linked to Alex at intake) and identity (the surname).

The oracle (page_matrix_data.allowed), written from architecture.md §4 and never asking the policy:

- the team (case_manager_cam, supervisor_sue, outreach_omar) sees everything; case_manager_casey (same
  provider, not assigned) identity and status; manager_mo identity, referral, status and legal;
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

from divert.audit.models import AuditEvent
from divert.notify import sms
from divert.notify.models import Notification
from divert.participants.models import Door
from divert.privacy.tests import page_matrix_data as data
from divert.privacy.tests.page_matrix_data import CANARY, SEATS, STATES, TEAM, allowed, item_canary, under_consent
from divert.referrals.actions import do_acknowledge_handoff, do_request_handoff, record_lapses, send_intake_reminders

# A phrase of the 42 CFR 2.32 notice that must go with every disclosure of Part 2 information under a consent.
REDISCLOSURE_PHRASE = "testimony describing what it contains"
# Seats by what their role may open at all (403 otherwise): lists, not participant data.
CASE_MANAGEMENT = {"case_manager_cam", "case_manager_casey", "supervisor_sue", "outreach_omar", "outsider_oscar"}
POLICE = {"officer_olivia", "sergeant_sam"}
REFERRAL_LIST = CASE_MANAGEMENT | POLICE | {"prosecutor_pat", "manager_mo"}
LEDGER = {"supervisor_sue", "manager_mo"}
ACCESS_LOG = {"supervisor_sue", "manager_mo"}


@dataclass
class Page:
    name: str
    url: str
    status: int
    shows: tuple[str, ...] = ()  # strings that must appear when the page answers 200
    audit: tuple[str, ...] = ()  # categories whose read must be audited when the page answers 200
    post: dict | None = None
    part2_notice: bool = True  # SUD shown under a consent must carry the redisclosure notice


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
    result = [
        Page("person page and timeline", f"/people/{pk}/", person_status,
             shown(("identity", ""), ("status", "x"), ("casework", "contact"), ("health", "contact"),
                   ("sud", "contact")), audit=("casework", "health", "sud")),
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


def forbidden_canaries(seat: str, state: str) -> list[str]:
    may = allowed(seat, state) - {"referral"}
    if seat in data.REFERRAL_READERS:
        may.add("referral")
    return [CANARY[c] for c in data.CATEGORIES if c not in may]


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
        response = client.post(page.url, page.post) if page.post is not None else client.get(page.url)
        body = response.content.decode()
        where = f"{page.name} {page.url}"
        checks += 1
        if response.status_code != page.status:
            failures.append(f"{where}: status {response.status_code}, expected {page.status}")
        for canary in forbidden:
            checks += 1
            if canary in body:
                failures.append(f"{where}: LEAK of {canary!r}")
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
            if under_consent(seat, state, category):
                checks += 1
                if not events.filter(category=category, consent_id=world.release.pk).exists():
                    failures.append(f"{where}: the {category} read under release #{world.release.pk} "
                                    "is not logged against it")
                if category == "sud" and page.part2_notice:
                    checks += 1
                    if REDISCLOSURE_PHRASE not in body:
                        failures.append(f"{where}: SUD shown under a Part 2 consent without the redisclosure notice")
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

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"expense_pending", "divert.referral.review_requested", "divert.referral.approval_requested",
            "divert.handoff.requested", "divert.handoff.acknowledged", "divert.intake.reminder",
            "divert.intake.lapsed"} <= kinds, kinds
    assert mail.outbox and sms.outbox
    texts = [f"{n.title}\n{n.body}" for n in Notification.objects.all()]
    texts += [f"{m.subject}\n{m.body}" for m in mail.outbox]
    texts += [m.text for m in sms.outbox]
    for text in texts:
        for canary in CANARY.values():
            assert canary not in text, text
    # And the inbox page of everyone notified.
    for user in User.objects.filter(notifications__isnull=False).distinct():
        body = login(user).get("/inbox/").content.decode()
        for canary in CANARY.values():
            assert canary not in body, (user.username, canary)
