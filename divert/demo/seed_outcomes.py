"""The demo's outcome data: declared unit costs, and a synthetic history of justice events before and after each
participant's first referral, so the dashboard, the public page and the evaluation have something believable.

Deterministic for a seed, and fast at volume (`divert seed --events 5000000`): plain tuples, bulk inserts in
batches, progress shown. Fewer events after referral than before, as the published LEAD evaluations found.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone

BATCH = 20_000
# `divert seed` without --events: about four arrests a participant over the three years around referral.
EVENTS_PER_PARTICIPANT = 12
# Arrest episodes a year after referral, against the year before: about 40% fewer, as the published LEAD
# evaluations found (each person keeps their own rate, so the within-person change is what this sets).
AFTER_FACTOR = 0.6
BEFORE_DAYS = 730  # two years of history before referral
FELONY_SHARE = 0.25
BOOKED_SHARE = 0.7
DISPOSED_SHARE = 0.15


def seed_unit_costs(today: date) -> None:
    from divert.outcomes.models import UnitCostDeclaration

    UnitCostDeclaration.objects.get_or_create(effective_on=date(today.year - 3, 1, 1), defaults={
        "bed_day_average": Decimal("168.00"), "bed_day_marginal": Decimal("42.00"), "booking": Decimal("610.00"),
        "program_per_participant_month": Decimal("1150.00"),
        "source": "Synthetic demo figures: county jail budget (average and marginal bed-day), sheriff's booking "
                  "cost study, and the provider contract divided by the average caseload."})


def first_referrals() -> list[tuple[int, date]]:
    from divert.participants.models import Enrollment

    firsts: dict[int, date] = {}
    for person_id, referred_on in Enrollment.objects.order_by("referred_on", "id").values_list("person_id",
                                                                                              "referred_on"):
        firsts.setdefault(person_id, referred_on)
    return sorted(firsts.items())


def _episode(rng: random.Random, referred: date, after_days: int, today: date):
    """One arrest: its day (before or after referral, by each side's share of the person's expected arrests), a
    charge the same day, usually a booking, and sometimes a disposition weeks later. Yields event tuples
    (kind, day, severity, released_on, jail_days)."""
    after_weight = AFTER_FACTOR * after_days / 365
    if after_days > 0 and rng.random() < after_weight / (BEFORE_DAYS / 365 + after_weight):
        day = referred + timedelta(days=rng.randrange(after_days))
    else:
        day = referred - timedelta(days=1 + rng.randrange(BEFORE_DAYS))
    severity = "felony" if rng.random() < FELONY_SHARE else "misdemeanor"
    yield "arrest", day, "", None, None
    yield "charge", day, severity, None, None
    if rng.random() < BOOKED_SHARE:
        stay = 1 + int(rng.expovariate(1 / (10 if severity == "felony" else 4)))
        released = day + timedelta(days=stay)
        yield ("booking", day, severity, released, stay) if released <= today else ("booking", day, severity,
                                                                                      None, None)
    if rng.random() < DISPOSED_SHARE:
        disposed = day + timedelta(days=14 + rng.randrange(90))
        if disposed < today:
            yield "disposition", disposed, severity, None, None


def seed_justice_history(rng: random.Random, events: int, today: date, progress=None) -> int:
    """About `events` justice events (whole arrests: arrest, charge, booking, disposition) over participants'
    first enrollments, in the two years before referral and the year after. The site's one justice history: the
    dashboard, the public page and the evaluation all read it."""
    from divert.records.models import ImportProfile
    from divert.records.models_events import JusticeEvent

    people = first_referrals()
    if events <= 0 or not people:
        return 0
    profile, _ = ImportProfile.objects.get_or_create(
        slug="synthetic-history", defaults={"name": "Synthetic justice history (demo)", "active": False,
                                            "spec": {"synthetic": True}})
    # Some people are arrested often, most rarely, and about a quarter never appear in the feeds around their
    # referral: rates from a skewed distribution, a quarter of them zero, weighted by the time observed.
    after = [max(0, min((today - referred).days, 365)) for _, referred in people]
    weights = [(rng.paretovariate(1.6) if rng.random() < 0.75 else 0.0) * (BEFORE_DAYS / 365 + AFTER_FACTOR * a / 365)
               for a in after]
    start_key = JusticeEvent.objects.filter(source_profile=profile).count()
    tz = timezone.get_current_timezone()
    ops = connection.ops
    columns = ["person_id", "kind", "occurred_at", "occurred_on", "severity", "released_at", "released_on",
               "jail_days", "source_profile_id", "source_key", "source_revision", "unmatched_release",
               "booking_number", "case_number", "agency", "charge_code", "charge_description", "offense_category",
               "release_reason", "disposition", "created_at", "updated_at"]
    # Plain rows and executemany: at millions of events, building model objects is most of the time.
    table = ops.quote_name(JusticeEvent._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    stamp = ops.adapt_datetimefield_value(timezone.now())
    made, batch = 0, []
    with connection.cursor() as cursor:
        while made + len(batch) < events:
            # Episodes drawn in blocks: one weighted choice per episode is most of the seeder's time otherwise.
            for index in rng.choices(range(len(people)), weights=weights, k=min(BATCH, events)):
                person_id, referred = people[index]
                for kind, day, severity, released_on, jail_days in _episode(rng, referred, after[index], today):
                    at = datetime.combine(day, time(rng.randrange(24), 0), tz)
                    released_at = datetime.combine(released_on, time(10), tz) if released_on else None
                    batch.append((person_id, kind, ops.adapt_datetimefield_value(at), ops.adapt_datefield_value(day),
                                  severity, ops.adapt_datetimefield_value(released_at),
                                  ops.adapt_datefield_value(released_on), jail_days, profile.pk,
                                  f"S{start_key + made + len(batch) + 1}", 1, False,
                                  f"B{start_key + made + len(batch) + 1}" if kind == "booking" else "", "",
                                  "Demo County Jail" if kind == "booking" else "", "", "", "", "",
                                  "dismissed" if kind == "disposition" else "", stamp, stamp))
                if made + len(batch) >= events:
                    break
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    made += len(batch)
                    batch = []
                    if progress:
                        progress(made, events)
        batch = batch[:events - made]  # the last arrest may be cut short: exactly `events` rows
        if batch:
            cursor.executemany(sql, batch)
            made += len(batch)
    if progress:
        progress(made, events)
    return made
