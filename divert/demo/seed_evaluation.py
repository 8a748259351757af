"""Demo data for the evaluation: a comparison group in the feeds' pseudonymised form (booked on divertible offenses
in the same period, not diverted, no change), a data-use agreement with the evaluator, and a first run of the
evaluation. The participants' own history is `seed_outcomes.seed_justice_history`'s; comparison subjects are
arrested at the rate participants were in the year before referral, and keep that rate after (no program).

Synthetic, seeded, and only believable in shape: the demo's "effect" is what seed_outcomes puts in."""

import random
from datetime import date, timedelta

from django.utils import timezone

from divert.demo.seed_outcomes import first_referrals

BEFORE_RATE = 2.2  # arrests a year, when the site has no participants' history to take the rate from
COMPARISON_PER_PARTICIPANT = 1.5
MAX_COMPARISON = 50_000


def _events_for(rng: random.Random, index: date, today: date, rate_before: float, rate_after: float):
    """(kind, day, severity, released_on) for one person: arrests in the year before and after `index`, each
    with a charge and usually a booking."""
    out = []
    for side, rate in ((-1, rate_before), (1, rate_after)):
        count = sum(1 for _ in range(12) if rng.random() < rate / 12)
        for _ in range(count):
            day = index + timedelta(days=side * rng.randint(2, 364))
            if day >= today or day <= index - timedelta(days=730):
                continue
            severity = "felony" if rng.random() < 0.22 else "misdemeanor"
            out.append(("arrest", day, "", None))
            out.append(("charge", day, severity, None))
            if rng.random() < 0.75:
                stay = rng.choice([1, 1, 2, 3, 5, 8, 14, 30]) if severity == "misdemeanor" else rng.randint(3, 60)
                out.append(("booking", day, severity, min(day + timedelta(days=stay), today)))
    return out


def _participants_arrest_rate(firsts: dict) -> float:
    """Arrests a person in the year before their first referral, on average over participants."""
    from divert.records.models_events import JusticeEvent

    arrests = 0
    for person_id, day in JusticeEvent.objects.filter(kind="arrest").values_list("person_id", "occurred_on") \
            .iterator(chunk_size=20_000):
        referred = firsts.get(person_id)
        if referred and referred - timedelta(days=365) <= day < referred:
            arrests += 1
    return arrests / len(firsts) if firsts else 0.0


def seed_evaluation(rng: random.Random, today: date) -> int:
    """Returns the comparison events written. The participants' own history is `seed_justice_history`'s."""
    from divert.accounts.models import Agency, Membership
    from divert.accounts.roles import AgencyKind, Role
    from divert.outcomes.evaluation.models import EXTRACT_FIELDS, DataUseAgreement
    from divert.outcomes.evaluation.runner import run_evaluation
    from divert.protocol.models import DivertibleOffense
    from divert.records.models_events import ComparisonEvent, ComparisonSubject

    firsts = dict(first_referrals())
    rate = _participants_arrest_rate(firsts) or BEFORE_RATE
    codes = list(DivertibleOffense.objects.values_list("code", flat=True).distinct()) or [""]
    indexes = sorted(firsts.values())
    comparison = []
    subjects = min(MAX_COMPARISON, int(len(firsts) * COMPARISON_PER_PARTICIPANT))
    made = ComparisonSubject.objects.bulk_create([
        ComparisonSubject(pseudonym=f"demo-evaluation-{i:06d}", birth_year=today.year - rng.randint(19, 64),
                          sex="M" if rng.random() < 0.62 else "F",
                          race=rng.choices("WBHAIO", weights=[45, 30, 15, 4, 3, 3])[0]) for i in range(subjects)],
        batch_size=5000)
    for subject in made:
        if not indexes:
            break
        index = rng.choice(indexes) + timedelta(days=rng.randint(-20, 20))
        index = min(index, today - timedelta(days=1))
        release = min(index + timedelta(days=rng.choice([1, 2, 3, 5])), today)
        comparison.append(ComparisonEvent(subject=subject, kind="booking", occurred_on=index,
                                          charge_code=rng.choice(codes), severity="misdemeanor",
                                          released_on=release, jail_days=max(1, (release - index).days),
                                          source_hash=f"demo-evaluation-{subject.pk}-index"))
        personal = rng.gammavariate(2.0, rate / 2)
        for k, (kind, day, severity, released) in enumerate(_events_for(rng, index, today, personal, personal)):
            comparison.append(ComparisonEvent(subject=subject, kind=kind, occurred_on=day, severity=severity,
                                              released_on=released,
                                              jail_days=max(1, (released - day).days) if released else None,
                                              source_hash=f"demo-evaluation-{subject.pk}-{k}"))
    ComparisonEvent.objects.bulk_create(comparison, batch_size=5000)
    last: dict = {}
    for event in comparison:
        last[event.subject_id] = max(last.get(event.subject_id, event.occurred_on), event.occurred_on)
    for subject in made:
        subject.last_event_on = last.get(subject.pk)
    ComparisonSubject.objects.bulk_update(made, ["last_event_on"], batch_size=5000)

    evaluator = Agency.objects.filter(kind=AgencyKind.EVALUATOR).first()
    manager = Membership.objects.filter(role=Role.PROJECT_MANAGER).select_related("user").first()
    if evaluator and manager:
        DataUseAgreement.objects.create(
            recipient_agency=evaluator, parties=f"The LEAD program (project office) and {evaluator.name}",
            purpose="Outcome evaluation for the Policy Coordinating Group: re-arrest, jail use and cost.",
            starts_on=today - timedelta(days=60), expires_on=today + timedelta(days=305),
            signed_on=today - timedelta(days=60), fields=list(EXTRACT_FIELDS), date_detail="month",
            recorded_by=manager.user)
    run_evaluation(timezone.now(), trigger="command")
    return len(comparison)
