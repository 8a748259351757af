"""Synthetic assessments, monthly status and intervention plans for the open enrollments.

Each enrolled participant gets an intake on the default instrument (substance-use answers included, so the demo
shows Part 2 protections), some get a reassessment, 6-12 months of monthly status that drift the way LEAD
evaluations describe (slow, uneven steps toward housing and income, with setbacks), and a plan of one to four
goals they chose, with steps, notes and status history. Everything is written in bulk, batch by batch.
"""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from divert.accounts.models import Membership
from divert.accounts.roles import Role
from divert.casework.actions_assessment import install_default_instrument
from divert.casework.models import (
    DOMAIN_CATEGORY,
    Answer,
    Assessment,
    Employment,
    Goal,
    GoalDomain,
    GoalNote,
    GoalStatus,
    GoalStatusChange,
    GoalStep,
    Housing,
    InterventionPlan,
    MonthlyStatus,
)
from divert.participants.models import Enrollment, EnrollmentStatus
from divert.privacy.policy import Category

BATCH = 2000
LADDER = [Housing.UNSHELTERED, Housing.SHELTER, Housing.FAMILY_FRIENDS, Housing.TRANSITIONAL, Housing.PERMANENT]
WORK = [Employment.NOT_WORKING, Employment.INFORMAL, Employment.TRAINING, Employment.PART_TIME, Employment.FULL_TIME]
RACES = ["american_indian_alaska_native", "asian", "black", "hispanic_latino", "middle_eastern_north_african",
         "native_hawaiian_pacific_islander", "white", "other", "prefer_not_to_say"]
RACE_WEIGHTS = [4, 3, 30, 15, 1, 1, 38, 3, 5]
SUBSTANCES = ["alcohol", "opioids", "pills", "stimulants", "cannabis"]
GOALS = {
    GoalDomain.HOUSING: ("Get a place of my own", ["Fill in the coordinated entry assessment", "Tour the apartment",
                                                   "Sign the lease"]),
    GoalDomain.TREATMENT: ("Start methadone again", ["Intake at the clinic", "Daily dosing for two weeks"]),
    GoalDomain.PHYSICAL_HEALTH: ("Get my foot looked at", ["Walk-in clinic visit", "Follow-up appointment"]),
    GoalDomain.MENTAL_HEALTH: ("Talk to someone about my anxiety", ["First counselling appointment"]),
    GoalDomain.DOCUMENTS: ("Get my ID back", ["Order birth certificate", "DMV appointment"]),
    GoalDomain.BENEFITS: ("Get SSI", ["Gather medical records", "Submit the application", "Appeal if denied"]),
    GoalDomain.COURT: ("Take care of my warrant from last year", ["Talk to the defender", "Go to walk-in court"]),
    GoalDomain.EDUCATION: ("Finish my GED", ["Sign up for classes", "Take the first test"]),
    GoalDomain.JOBS: ("Get a job in a kitchen", ["Food handler's card", "Apply at three places"]),
    GoalDomain.FOOD: ("Eat every day", ["Sign up for SNAP", "Find the meal programs"]),
    GoalDomain.LEGAL_ADVOCACY: ("Get my license back", ["Civil legal aid appointment"]),
    GoalDomain.FAMILY: ("See my kids", ["Call the family's social worker", "Supervised visit"]),
    GoalDomain.OTHER: ("Get a phone", ["Lifeline phone application"]),
}
GOAL_WEIGHTS = {GoalDomain.HOUSING: 10, GoalDomain.DOCUMENTS: 8, GoalDomain.BENEFITS: 7, GoalDomain.TREATMENT: 6,
                GoalDomain.PHYSICAL_HEALTH: 5, GoalDomain.MENTAL_HEALTH: 4, GoalDomain.COURT: 5, GoalDomain.JOBS: 4,
                GoalDomain.FOOD: 3, GoalDomain.EDUCATION: 2, GoalDomain.FAMILY: 2, GoalDomain.LEGAL_ADVOCACY: 2,
                GoalDomain.OTHER: 2}
NOTES = ["Met at the day center; still wants this.", "Waiting to hear back.", "Gave a bus pass for the appointment.",
         "Paperwork done together.", "Needs a ride next week.", "Going well, in their words."]
SEEDED_STATUSES = [EnrollmentStatus.ACTIVE, EnrollmentStatus.INACTIVE, EnrollmentStatus.IN_THE_WIND]


def _at(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(9, 17), rng.randint(0, 59))))


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _prev_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def _step(rng: random.Random, ladder: list, value, up: float, down: float):
    i = ladder.index(value) if value in ladder else 0
    roll = rng.random()
    if roll < up:
        i = min(i + 1, len(ladder) - 1)
    elif roll < up + down:
        i = max(i - 1, 0)
    return ladder[i]


def _races(rng: random.Random) -> list[str]:
    race = rng.choices(RACES, weights=RACE_WEIGHTS)[0]
    if race not in ("prefer_not_to_say", "hispanic_latino") and rng.random() < 0.12:
        return [race, "hispanic_latino"]
    return [race]


def _income(rng: random.Random, work: str, months_in: int) -> list[str]:
    sources = []
    if work in (Employment.PART_TIME, Employment.FULL_TIME):
        sources.append("employment")
    elif work == Employment.INFORMAL:
        sources.append("informal")
    if months_in > 2 or rng.random() < 0.4:
        sources.append("snap")
    if months_in > 5 and rng.random() < 0.3:
        sources.append("ssi")
    return sources or ["none"]


def _fallback_staff() -> dict[int, object]:
    """Per provider, someone to have recorded things when an enrollment has no case manager."""
    rows = (Membership.objects.filter(active=True, role__in=[Role.SUPERVISOR, Role.CASE_MANAGER])
            .order_by("agency_id", "role", "id").values_list("agency_id", "user_id"))
    staff: dict[int, int] = {}
    for agency_id, user_id in rows:
        staff.setdefault(agency_id, user_id)
    users = get_user_model().objects.in_bulk(set(staff.values()))
    return {agency_id: users[user_id] for agency_id, user_id in staff.items()}


def seed_assessment(rng: random.Random, fake, today: date) -> int:
    """Fill assessments, monthly status and plans for open enrollments that have none yet. Returns rows created."""
    instrument = install_default_instrument()
    questions = {q.key: q for q in instrument.questions()}
    fallback = _fallback_staff()
    User = get_user_model()
    users = User.objects.in_bulk(set(Enrollment.objects.filter(status__in=SEEDED_STATUSES)
                                     .exclude(case_manager__isnull=True).values_list("case_manager_id", flat=True)))
    done = (set(Assessment.objects.values_list("enrollment_id", flat=True))
            | set(InterventionPlan.objects.values_list("enrollment_id", flat=True)))
    enrollments = (Enrollment.objects.filter(status__in=SEEDED_STATUSES).order_by("id")
                   .values_list("id", "person_id", "provider_id", "case_manager_id", "referred_on", "enrolled_on"))
    created = 0
    batch: list = []
    for row in enrollments.iterator(chunk_size=BATCH):
        if row[0] in done:
            continue
        batch.append(row)
        if len(batch) >= BATCH:
            created += _seed_batch(rng, today, batch, questions, instrument, users, fallback)
            batch = []
    if batch:
        created += _seed_batch(rng, today, batch, questions, instrument, users, fallback)
    return created


def _seed_batch(rng, today, rows, questions, instrument, users, fallback) -> int:
    assessments, answer_specs, statuses, plans, goal_specs = [], [], [], [], []
    for enrollment_id, person_id, provider_id, cm_id, referred_on, enrolled_on in rows:
        actor = users.get(cm_id) or fallback.get(provider_id)
        if actor is None:
            continue
        start = min(today, (enrolled_on or referred_on) + timedelta(days=rng.randint(0, 5)))
        housing = rng.choices(LADDER + [Housing.INSTITUTION], weights=[45, 25, 15, 5, 3, 7])[0]
        work = rng.choices(WORK, weights=[60, 25, 5, 7, 3])[0]
        substances = rng.sample(SUBSTANCES, rng.randint(1, 3)) if rng.random() < 0.85 else ["prefer_not_to_say"]
        intake_answers = {
            "race_ethnicity": _races(rng),
            "housing": housing, "income_sources": _income(rng, work, 0), "employment": work,
            "coverage": rng.choice(["medicaid", "medicaid", "none", "unknown", "medicare"]),
            "substances": sorted(set(substances)) if "prefer_not_to_say" not in substances else substances,
            "treatment_now": rng.choices(["no", "methadone", "buprenorphine", "other_treatment"],
                                         weights=[60, 15, 20, 5])[0],
            "overdose_last_year": rng.choice(["yes", "no", "no"]),
            "naloxone": rng.choice(["yes", "no"]),
            "court_dates": rng.choice(["yes", "no"]),
            "children_under_18": rng.choice([0, 0, 0, 1, 2, 3]),
            "immediate_needs": rng.sample(["food", "shelter_tonight", "medical", "id", "phone", "clothing"], 2),
        }
        visits = [(Assessment.Kind.INTAKE, start, intake_answers)]
        re_day = start + timedelta(days=rng.randint(90, 200))
        if re_day <= today and rng.random() < 0.4:
            later = dict(intake_answers, housing=_step(rng, LADDER, housing, 0.5, 0.1),
                         employment=_step(rng, WORK, work, 0.35, 0.1))
            later["income_sources"] = _income(rng, later["employment"], 6)
            visits.append((Assessment.Kind.REASSESSMENT, re_day, later))
        for kind, day, answers in visits:
            assessments.append(Assessment(person_id=person_id, enrollment_id=enrollment_id, instrument=instrument,
                                          kind=kind, assessed_on=day, recorded_by=actor))
            answer_specs.append(answers)

        # Monthly status: from the intake month (at most 12 back) to this month, drifting slowly.
        month, last, wanted = _month_start(today), _month_start(start), rng.randint(6, 12)
        months = []
        while month >= last and len(months) < wanted:
            months.append(month)
            month = _prev_month(month)
        h, w = (housing if housing in LADDER else Housing.UNSHELTERED), work
        for i, m in enumerate(reversed(months)):
            shown = Housing.INSTITUTION if rng.random() < 0.03 else h
            statuses.append(MonthlyStatus(person_id=person_id, enrollment_id=enrollment_id, month=m, housing=shown,
                                          income_sources=_income(rng, w, i), employment=w, recorded_by=actor))
            h, w = _step(rng, LADDER, h, 0.18, 0.06), _step(rng, WORK, w, 0.1, 0.05)

        plans.append(InterventionPlan(person_id=person_id, enrollment_id=enrollment_id))
        domains = rng.sample(list(GOAL_WEIGHTS), rng.choices([1, 2, 3, 4], weights=[3, 4, 3, 1])[0])
        goal_specs.append((actor, start, domains))

    Assessment.objects.bulk_create(assessments, batch_size=BATCH)
    answers = []
    for assessment, spec in zip(assessments, answer_specs, strict=True):
        answers.extend(Answer(assessment=assessment, question=questions[key], value=value)
                       for key, value in spec.items() if key in questions and value not in (None, "", []))
    Answer.objects.bulk_create(answers, batch_size=BATCH)
    MonthlyStatus.objects.bulk_create(statuses, batch_size=BATCH, ignore_conflicts=True)
    InterventionPlan.objects.bulk_create(plans, batch_size=BATCH)
    return len(assessments) + len(answers) + len(statuses) + len(plans) + _seed_goals(rng, today, plans, goal_specs)


def _seed_goals(rng, today, plans, goal_specs) -> int:
    goals, goal_meta = [], []
    for plan, (actor, start, domains) in zip(plans, goal_specs, strict=True):
        for domain in domains:
            at = _at(min(today, start + timedelta(days=rng.randint(1, 21))), rng)
            age = (today - at.date()).days
            status = GoalStatus.OPEN
            if age > 30:
                status = rng.choices(list(GoalStatus), weights=[25, 40, 25, 10])[0]
            text, steps = GOALS[domain]
            goals.append(Goal(plan=plan, domain=domain, text=text, chosen_by_participant=True, status=status,
                              category=DOMAIN_CATEGORY.get(domain, Category.CASEWORK), created_by=actor,
                              created_at=at))
            goal_meta.append((actor, at, status, steps))
    Goal.objects.bulk_create(goals, batch_size=BATCH)
    changes, step_rows, notes = [], [], []
    for goal, (actor, at, status, steps) in zip(goals, goal_meta, strict=True):
        changes.append(GoalStatusChange(goal=goal, from_status="", to_status=GoalStatus.OPEN, changed_by=actor,
                                        changed_at=at))
        path = {GoalStatus.IN_PROGRESS: [GoalStatus.IN_PROGRESS],
                GoalStatus.ACHIEVED: [GoalStatus.IN_PROGRESS, GoalStatus.ACHIEVED],
                GoalStatus.SET_ASIDE: [GoalStatus.SET_ASIDE]}.get(status, [])
        previous, when = GoalStatus.OPEN, at
        for to in path:
            when = min(timezone.now(), when + timedelta(days=rng.randint(7, 45)))
            changes.append(GoalStatusChange(goal=goal, from_status=previous, to_status=to, changed_by=actor,
                                            changed_at=when, note="Participant's choice" if to == "set_aside" else ""))
            previous = to
        done = len(steps) if status == GoalStatus.ACHIEVED else (rng.randint(0, len(steps) - 1) if steps else 0)
        for i, text in enumerate(steps, start=1):
            finished = i <= done
            step_at = min(timezone.now(), at + timedelta(days=7 * i))
            step_rows.append(GoalStep(goal=goal, text=text, order=i, created_at=at,
                                      done_at=step_at if finished else None, done_by=actor if finished else None))
        if rng.random() < 0.6:
            notes.append(GoalNote(goal=goal, text=rng.choice(NOTES), written_by=actor,
                                  at=min(timezone.now(), at + timedelta(days=rng.randint(1, 30)))))
    GoalStatusChange.objects.bulk_create(changes, batch_size=BATCH)
    GoalStep.objects.bulk_create(step_rows, batch_size=BATCH)
    GoalNote.objects.bulk_create(notes, batch_size=BATCH)
    return len(goals) + len(changes) + len(step_rows) + len(notes)
