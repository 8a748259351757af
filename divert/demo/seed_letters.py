"""Synthetic letters to courts and probation for the demo, and the releases that let them go.

The demo's other releases name the police, the prosecutor and the defender; none names a court or probation. Here
about a fifth of the enrolled people also sign a release for court or probation reporting (status and the partner
summary), and some of those a Part 2 consent naming the court for treatment information (a treatment-court
alternative). Then a few of them get letters: sent ones (with their PDF, kept as sent, and their disclosures in the
accounting) and a couple of drafts, the demo case manager's caseload first so the demo shows them.

Releases are written in bulk; letters are few (each sent one is a real PDF), so this stays fast at 100,000 people.
"""

import hashlib
import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from divert.accounts.models import Agency
from divert.accounts.roles import AgencyKind
from divert.casework.models import Goal
from divert.coordination.actions_letters import LETTER_GOAL_STATUSES, pdf_context, prefill, release_plan
from divert.coordination.models import LETTER_RECIPIENT_KINDS, Letter, SendMethod
from divert.demo.seed_releases import SIGNATURE
from divert.lib.pdf import pdf_available, render_pdf
from divert.participants.models import Enrollment, EnrollmentStatus
from divert.privacy.categories import Category
from divert.privacy.models import Disclosure, Purpose, ReleaseKind, ReleaseOfInformation, ReleaseRecipient

BATCH = 2000
COURT_RELEASE_SHARE = 0.2
PART2_SHARE = 0.25  # of those with a court release
SENT_LETTERS = 12
DRAFT_LETTERS = 3
DEMO_CASE_MANAGER = "casemanager"
ADDRESSEES = {AgencyKind.COURT: ["Judge Alvarez", "Judge Brennan", "Judge Okoye", "Clerk of the Drug Court"],
              AgencyKind.PROBATION: ["Probation Officer Lindqvist", "Probation Officer Tran", "Intake unit"]}
TREATMENT_LINES = ["Enrolled in medication treatment (buprenorphine) and attending.",
                   "Started methadone treatment and attends the clinic's groups."]


def seed_letters(rng: random.Random, fake, today: date) -> int:
    """Court and probation releases, then letters; returns how many rows of either were written."""
    court = Agency.objects.filter(kind=AgencyKind.COURT, active=True).order_by("id").first()
    probation = Agency.objects.filter(kind=AgencyKind.PROBATION, active=True).order_by("id").first()
    if court is None and probation is None:
        return 0
    releases = _seed_court_releases(rng, today, court, probation)
    return releases + _seed_letter_rows(rng, today)


def _seed_court_releases(rng: random.Random, today: date, court, probation) -> int:
    enrollments = (Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE, enrolled_on__isnull=False)
                   .select_related("person", "provider", "case_manager").order_by("id"))
    recorder = get_user_model().objects.filter(memberships__role="case_manager").order_by("id").first()
    made, last_id = 0, 0
    while True:
        batch = list(enrollments.filter(id__gt=last_id)[:BATCH])
        if not batch:
            return made
        last_id = batch[-1].id
        rows, recipients = [], []
        for enrollment in batch:
            if rng.random() >= COURT_RELEASE_SHARE:
                continue
            signed = max(enrollment.enrolled_on, today - timedelta(days=rng.randint(20, 300)))
            named = [a for a in (court, probation) if a is not None and rng.random() < 0.7] or [court or probation]
            common = {"person": enrollment.person, "recorded_by": enrollment.case_manager or recorder,
                      "signature_png": SIGNATURE, "signed_name": enrollment.person.full_name,
                      "discloser": enrollment.provider.name, "starts_on": signed, "signed_on": signed,
                      "purposes": [Purpose.COURT_REPORTING]}
            rows.append((ReleaseOfInformation(
                kind=ReleaseKind.GENERAL, categories=[Category.STATUS, Category.PARTNER_SUMMARY],
                expires_on=signed + timedelta(days=365),
                information_description="Confirmation of participation, progress, barriers and interim goals, for "
                                        "the court or probation officer on the participant's case.", **common),
                named))
            if court is not None and rng.random() < PART2_SHARE:
                rows.append((ReleaseOfInformation(
                    kind=ReleaseKind.PART2, categories=[Category.SUD], expires_on=signed + timedelta(days=180),
                    information_description="Enrollment in substance-use treatment and medication for addiction "
                                            "treatment, for the court considering a treatment alternative.",
                    **common), [court]))
        ReleaseOfInformation.objects.bulk_create([release for release, _named in rows])
        recipients = [ReleaseRecipient(release=release, agency=agency, role="")
                      for release, named in rows for agency in named]
        ReleaseRecipient.objects.bulk_create(recipients)
        made += len(rows) + len(recipients)


def _candidates(rng: random.Random) -> list[tuple[Enrollment, Agency]]:
    """Enrollments with a court or probation release, the demo case manager's first, each with one recipient."""
    named = (ReleaseRecipient.objects.filter(agency__kind__in=LETTER_RECIPIENT_KINDS, release__kind=ReleaseKind.GENERAL,
                                             release__person__enrollments__status=EnrollmentStatus.ACTIVE)
             .values_list("release__person_id", "agency_id").order_by("release__person_id", "agency_id"))
    by_person: dict[int, list[int]] = {}
    for person_id, agency_id in named[:5000]:
        by_person.setdefault(person_id, []).append(agency_id)
    enrollments = list(Enrollment.objects.filter(person_id__in=list(by_person), status=EnrollmentStatus.ACTIVE,
                                                 enrolled_on__isnull=False, case_manager__isnull=False)
                       .select_related("person", "provider", "case_manager").order_by("id"))
    rng.shuffle(enrollments)
    enrollments.sort(key=lambda e: e.case_manager.username != DEMO_CASE_MANAGER)
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in={a for ids in by_person.values() for a in ids})}
    return [(e, agencies[rng.choice(by_person[e.person_id])]) for e in enrollments]


def _seed_letter_rows(rng: random.Random, today: date) -> int:
    can_send = pdf_available()
    wanted_sent = SENT_LETTERS if can_send else 0
    made = 0
    for enrollment, agency in _candidates(rng)[:wanted_sent + DRAFT_LETTERS]:
        person, writer = enrollment.person, enrollment.case_manager
        include_sud = agency.kind == AgencyKind.COURT and release_plan(person, agency, True) is not None \
            and rng.random() < 0.5
        plan = release_plan(person, agency, include_sud)
        if plan is None:  # expired or revoked in the demo's history
            continue
        goals = list(Goal.objects.filter(plan__enrollment=enrollment, status__in=LETTER_GOAL_STATUSES,
                                         category=Category.CASEWORK))
        sections = prefill(person, enrollment, goals, include_sud)
        if include_sud:
            sections["treatment"] = rng.choice(TREATMENT_LINES)
        letter = Letter(person=person, enrollment=enrollment, recipient=agency, written_by=writer,
                        addressee=rng.choice(ADDRESSEES[agency.kind]), include_sud=include_sud,
                        goal_ids=[g.pk for g in goals], **sections)
        with transaction.atomic():
            letter.save()
            made += 1
            if made > wanted_sent:
                continue  # a draft, still being written
            sent_on = today - timedelta(days=rng.randint(1, 60))
            sent_on = max(sent_on, *(r.starts_on for r, _c in plan.parts()))
            content = render_pdf("coordination/letters/pdf.html", pdf_context(letter, plan, sent_on))
            at = timezone.make_aware(datetime.combine(sent_on, time(10, rng.randint(0, 59))))
            Letter.objects.filter(pk=letter.pk).update(
                pdf=content, pdf_sha256=hashlib.sha256(content).hexdigest(), sent_at=at, sent_on=sent_on,
                sent_by=writer, method=rng.choice(SendMethod.values), release=plan.release,
                part2_release=plan.part2_release)
            purpose = f"Letter to {agency.name} (court or probation reporting)"
            Disclosure.objects.bulk_create([
                Disclosure(release=release, person=person, recipient=None, recipient_agency=agency,
                           categories=categories, purpose=purpose, part2=Category.SUD in categories, at=at)
                for release, categories in plan.parts()])
    return made
