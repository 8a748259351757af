"""Synthetic legal matters and charge coordination for the demo: a believable year of pre-existing cases, warrants,
new arrests and charges filed after enrollment, with their charges, court dates and dispositions; and coordination
requests in every state (awaiting the case manager's answer, answered, decided each way), spread over the past year.

One pass over the enrollments in id order (each person once), rows written in batches, so it stays linear in the
number of participants. A recommendation is written only where a release in effect lets the prosecutor's office read
the partner summary; elsewhere the case manager answers that there is nothing to share, as the rule requires.
"""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from divert.accounts.models import Agency
from divert.accounts.roles import AgencyKind, Role
from divert.coordination.models import (
    AnswerKind,
    Charge,
    CoordinationDecision,
    CoordinationEvent,
    CoordinationRequest,
    CoordinationStatus,
    CourtDate,
    CourtPurpose,
    Disposition,
    LegalMatter,
    MatterKind,
    MatterSource,
    MatterStatus,
    Severity,
)
from divert.participants.models import OPEN_STATUSES, Enrollment
from divert.privacy.categories import Category
from divert.privacy.models import ReleaseOfInformation, Revocation

BATCH = 2000
OFFENSES = [
    ("Possession of a controlled substance", "RCW 69.50.4013", Severity.FELONY),
    ("Theft in the third degree", "RCW 9A.56.050", Severity.MISDEMEANOR),
    ("Criminal trespass in the second degree", "RCW 9A.52.080", Severity.MISDEMEANOR),
    ("Prostitution", "RCW 9A.88.030", Severity.MISDEMEANOR),
    ("Driving with a suspended license", "RCW 46.20.342", Severity.MISDEMEANOR),
    ("Obstructing a law enforcement officer", "RCW 9A.76.020", Severity.MISDEMEANOR),
    ("Pedestrian interference", "SMC 12A.12.015", Severity.VIOLATION),
    ("Failure to appear", "RCW 9A.76.170", Severity.MISDEMEANOR),
    ("Malicious mischief in the third degree", "RCW 9A.48.090", Severity.MISDEMEANOR),
]
COURTS = ["Riverside Municipal Court", "Riverside County District Court", "Riverside County Superior Court"]
# What a year of a caseload's legal matters looks like: many people arrive with old cases or warrants; some are
# arrested or charged again while enrolled (common, and no reason to stop working with them).
MATTER_ODDS = [(MatterKind.PRE_EXISTING, 0.35), (MatterKind.WARRANT, 0.15), (MatterKind.NEW_ARREST, 0.12),
               (MatterKind.NEW_CHARGE, 0.12)]
ENGAGEMENT = ["Meets the case manager most weeks and keeps appointments.",
              "Engagement comes and goes; we keep reaching out and they come back.",
              "In touch every few days since enrolling; working steadily on the plan."]
GOALS = ["Working toward housing: on the list and gathering documents.",
         "Getting an ID and applying for benefits; halfway there.",
         "Starting a job-training course next month."]
HELPS = ["Time to finish the housing application before any court date.",
         "Holding the case while the plan takes hold; a court date after the move would be easier to keep.",
         "Resolving the old warrant without custody, so the housing place is kept."]
SETBACKS = ["A jail stay would cost the shelter bed and the housing place.",
            "Losing the benefits appointment, which took two months to get.",
            "A custody hold would interrupt the work on documents and income."]
REASONS = {
    CoordinationDecision.DECLINE: ["Low-level offense; the plan is working. Not in the public interest to file.",
                                   "Declined in light of engagement with the program."],
    CoordinationDecision.FILE: ["Filed with a recommendation of a deferred disposition aligned with the plan.",
                                "Filed; recommending no custody and a review hearing after the housing move."],
    CoordinationDecision.DIVERT: ["Diverted to the program on this charge as well.", ""],
    CoordinationDecision.HOLD: ["Holding while the housing plan takes hold.", ""],
}
DECISION_WEIGHTS = [(CoordinationDecision.HOLD, 30), (CoordinationDecision.DECLINE, 25),
                    (CoordinationDecision.DIVERT, 25), (CoordinationDecision.FILE, 20)]
CLOSED_DISPOSITIONS = [(Disposition.DISMISSED, 35), (Disposition.DIVERTED, 20), (Disposition.DEFERRED, 20),
                       (Disposition.CONVICTED, 15), (Disposition.DECLINED, 10)]


def _moment(rng: random.Random, day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 17), rng.choice((0, 15, 30, 45)))))


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _readable_by_prosecutor(prosecutor: Agency, today: date) -> dict[int, int]:
    """Person id -> a release in effect naming the office (or its prosecutor seat) that opens the partner summary.
    Releases with any revocation in effect are left out: the demo errs on the side of "nothing to share"."""
    revoked = Revocation.objects.filter(effective_on__lte=today).values("release_id")
    releases = (ReleaseOfInformation.objects
                .filter(Q(recipients__role="") | Q(recipients__role=Role.PROSECUTOR), recipients__agency=prosecutor,
                        starts_on__lte=today)
                .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=today))
                .filter(Q(ended_by_event_on__isnull=True) | Q(ended_by_event_on__gt=today))
                .exclude(pk__in=revoked)
                .distinct().order_by("id").values_list("person_id", "id", "categories"))
    return {person_id: pk for person_id, pk, categories in releases.iterator(chunk_size=BATCH)
            if Category.PARTNER_SUMMARY in categories}


def _matter(rng, kind, person_id, referred_on: date, today: date, office, defender, staff) -> LegalMatter:
    year_ago = today - timedelta(days=365)
    if kind in (MatterKind.PRE_EXISTING, MatterKind.WARRANT):
        incident = referred_on - timedelta(days=rng.randint(30, 500))
        filed = min(incident + timedelta(days=rng.randint(5, 60)), referred_on)
    else:
        start = max(referred_on, year_ago)
        incident = start + timedelta(days=rng.randint(0, max(0, (today - start).days - 3)))
        # Some new filings are about incidents months before enrollment: kept apart, and visible as such.
        if kind == MatterKind.NEW_CHARGE and rng.random() < 0.3:
            incident = referred_on - timedelta(days=rng.randint(60, 200))
        filed = min(max(incident, start) + timedelta(days=rng.randint(1, 20)), today)
    created = max(min(filed, today), year_ago)
    feed = kind in (MatterKind.NEW_ARREST, MatterKind.NEW_CHARGE) and rng.random() < 0.5
    number = f"{rng.choice(('CR', 'MC', 'DC'))}-{filed:%y}-{rng.randint(1, 99999):05d}"
    matter = LegalMatter(
        person_id=person_id, kind=kind, case_number=number, court=rng.choice(COURTS), prosecuting_agency=office,
        defending_agency=defender if rng.random() < 0.7 else None,
        incident_on=incident, filed_on=filed if kind != MatterKind.NEW_ARREST else None,
        arrested_on=incident if kind == MatterKind.NEW_ARREST else None,
        warrant_issued_on=filed if kind == MatterKind.WARRANT else None,
        source=MatterSource.FEED if feed else MatterSource.MANUAL, created_by_id=None if feed else staff,
        created_at=_moment(rng, created))
    if rng.random() < 0.35 and created < today - timedelta(days=30):
        matter.status = MatterStatus.CLOSED
        matter.disposed_on = created + timedelta(days=rng.randint(14, max(14, (today - created).days)))
        matter.disposed_on = min(matter.disposed_on, today)
        if kind == MatterKind.WARRANT:
            matter.disposition, matter.warrant_quashed_on = Disposition.WARRANT_QUASHED, matter.disposed_on
        else:
            matter.disposition = _weighted(rng, CLOSED_DISPOSITIONS)
    return matter


def _children(rng, matter: LegalMatter, today: date) -> tuple[list[Charge], list[CourtDate]]:
    charges = [Charge(matter=matter, offense=o, statute=s, severity=sev, created_at=matter.created_at)
               for o, s, sev in rng.sample(OFFENSES, rng.choice((1, 1, 1, 2)))]
    court_dates, seen = [], set()
    base = matter.filed_on or matter.arrested_on or matter.incident_on
    for purpose in rng.sample([CourtPurpose.ARRAIGNMENT, CourtPurpose.PRETRIAL, CourtPurpose.REVIEW],
                              rng.randint(0, 3)):
        day = base + timedelta(days=rng.randint(7, 120))
        if matter.disposed_on and day > matter.disposed_on:
            continue
        moment = _moment(rng, day)
        if (moment, purpose) not in seen:
            seen.add((moment, purpose))
            court_dates.append(CourtDate(matter=matter, scheduled_at=moment, purpose=purpose,
                                         courtroom=f"{rng.randint(1, 9)}{rng.choice('ABC')}",
                                         created_at=matter.created_at))
    return charges, court_dates


def _request(rng, matter, cm_id, prosecutor_id, release_id, now, stage=None) -> tuple[CoordinationRequest, list]:
    opened = matter.created_at + timedelta(days=rng.randint(0, 4), hours=rng.randint(1, 6))
    req = CoordinationRequest(person_id=matter.person_id, matter=matter, prosecuting_agency=matter.prosecuting_agency,
                              opened_by_id=None if matter.source == MatterSource.FEED else prosecutor_id,
                              opened_at=min(opened, now), case_manager_id=cm_id,
                              note=rng.choice(("", "Filing decision due in two weeks.",
                                               "What would help with the plan before we decide?")))
    steps = [(CoordinationEvent.Kind.OPENED, req.opened_at, req.opened_by_id, None, ""),
             (CoordinationEvent.Kind.NOTIFIED, req.opened_at, req.opened_by_id, cm_id, "")]
    stage = stage or rng.choices(("awaiting", "answered", "decided"), weights=(20, 25, 55))[0]
    answered_at = req.opened_at + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
    if stage == "awaiting" or answered_at > now:
        return req, steps
    recommend = release_id is not None and rng.random() < 0.85
    req.answer_kind = AnswerKind.RECOMMENDATION if recommend else AnswerKind.NOTHING_TO_SHARE
    if recommend:
        req.engagement, req.goals_text = rng.choice(ENGAGEMENT), rng.choice(GOALS)
        req.helps, req.setbacks, req.answer_release_id = rng.choice(HELPS), rng.choice(SETBACKS), release_id
    req.answered_by_id, req.answered_at, req.status = cm_id, answered_at, CoordinationStatus.ANSWERED
    steps.append((CoordinationEvent.Kind.ANSWERED, answered_at, cm_id, None, req.answer_kind))
    decided_at = answered_at + timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8))
    if stage != "decided" or decided_at > now:
        return req, steps
    req.decision = _weighted(rng, DECISION_WEIGHTS)
    req.decision_reason = rng.choice(REASONS[req.decision])
    if req.decision == CoordinationDecision.HOLD:
        req.review_by = timezone.localdate(decided_at) + timedelta(days=rng.choice((30, 60, 90)))
    req.decided_by_id, req.decided_at, req.status = prosecutor_id, decided_at, CoordinationStatus.DECIDED
    steps.append((CoordinationEvent.Kind.DECIDED, decided_at, prosecutor_id, None, req.decision))
    return req, steps


def seed_legal(rng: random.Random, fake, today: date) -> int:
    """Legal matters, their charges and court dates, and coordination requests; the number of rows written."""
    office = Agency.objects.filter(kind=AgencyKind.PROSECUTOR, active=True).order_by("id").first()
    if office is None:
        return 0
    defender = Agency.objects.filter(kind=AgencyKind.DEFENDER, active=True).order_by("id").first()
    User = get_user_model()
    prosecutor = (User.objects.filter(memberships__role=Role.PROSECUTOR, memberships__agency=office, is_active=True)
                  .order_by("username").values_list("pk", flat=True).first())
    now = min(timezone.now(), timezone.make_aware(datetime.combine(today, time(18))))
    readable = _readable_by_prosecutor(office, today)
    # The demo's own case manager (the `casemanager` login) always has coordination work: every eligible open
    # matter of theirs gets a request, and the first one waits for their answer.
    demo_cm = User.objects.filter(username="casemanager").values_list("pk", flat=True).first()
    demo_awaiting = []
    rows = (Enrollment.objects.order_by("person_id", "-referred_on", "-id")
            .values_list("person_id", "case_manager_id", "status", "referred_on"))
    written, previous = 0, None
    batch: list[tuple] = []

    def flush() -> int:
        matters = [m for m, _ in batch]
        LegalMatter.objects.bulk_create(matters, batch_size=BATCH)
        charges, court_dates, requests, steps = [], [], [], []
        for matter, cm_id in batch:
            more_charges, more_dates = _children(rng, matter, today)
            charges += more_charges
            court_dates += more_dates
            odds = 1.0 if cm_id == demo_cm else 0.7 if matter.kind != MatterKind.PRE_EXISTING else 0.2
            if (cm_id and prosecutor and matter.status == MatterStatus.OPEN
                    and matter.kind in (MatterKind.NEW_ARREST, MatterKind.NEW_CHARGE, MatterKind.PRE_EXISTING)
                    and rng.random() < odds):
                stage = "awaiting" if cm_id == demo_cm and not demo_awaiting else None
                if stage:
                    demo_awaiting.append(matter)
                req, req_steps = _request(rng, matter, cm_id, prosecutor, readable.get(matter.person_id), now, stage)
                requests.append(req)
                steps.append(req_steps)
        Charge.objects.bulk_create(charges, batch_size=BATCH)
        CourtDate.objects.bulk_create(court_dates, batch_size=BATCH)
        CoordinationRequest.objects.bulk_create(requests, batch_size=BATCH)
        events = [CoordinationEvent(request=req, kind=kind, at=at, actor_id=actor, recipient_id=recipient, value=value)
                  for req, req_steps in zip(requests, steps, strict=True)
                  for kind, at, actor, recipient, value in req_steps]
        CoordinationEvent.objects.bulk_create(events, batch_size=BATCH)
        batch.clear()
        return len(matters) + len(charges) + len(court_dates) + len(requests) + len(events)

    for person_id, cm_id, status, referred_on in rows.iterator(chunk_size=BATCH):
        if person_id == previous:
            continue  # the person's latest enrollment only
        previous = person_id
        open_cm = cm_id if status in OPEN_STATUSES else None
        for kind, odds in MATTER_ODDS:
            if rng.random() < odds:
                batch.append((_matter(rng, kind, person_id, referred_on, today, office, defender,
                                      prosecutor if kind == MatterKind.NEW_CHARGE else cm_id), open_cm))
        if len(batch) >= BATCH:
            written += flush()
    return written + (flush() if batch else 0)
