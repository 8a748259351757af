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
KINDS = [("arrest", 35), ("charge", 35), ("booking", 25), ("disposition", 5)]
# The chance an event falls after referral rather than in the year before (about 40% fewer after).
AFTER_SHARE = 0.38


def seed_unit_costs(today: date) -> None:
    from divert.outcomes.models import UnitCostDeclaration

    UnitCostDeclaration.objects.get_or_create(effective_on=date(today.year - 3, 1, 1), defaults={
        "bed_day_average": Decimal("168.00"), "bed_day_marginal": Decimal("42.00"), "booking": Decimal("610.00"),
        "program_per_participant_month": Decimal("1150.00"),
        "source": "Synthetic demo figures: county jail budget (average and marginal bed-day), sheriff's booking "
                  "cost study, and the provider contract divided by the average caseload."})


def seed_justice_history(rng: random.Random, events: int, today: date, progress=None) -> int:
    """`events` justice events spread over participants' first enrollments, before and after referral."""
    from divert.participants.models import Enrollment
    from divert.records.models import ImportProfile
    from divert.records.models_events import JusticeEvent

    if events <= 0:
        return 0
    profile, _ = ImportProfile.objects.get_or_create(
        slug="synthetic-history", defaults={"name": "Synthetic justice history (demo)", "active": False,
                                            "spec": {"synthetic": True}})
    firsts = {}
    for person_id, referred_on in Enrollment.objects.order_by("referred_on", "id").values_list("person_id",
                                                                                              "referred_on"):
        firsts.setdefault(person_id, referred_on)
    people = sorted(firsts.items())
    if not people:
        return 0
    # Some people are arrested often, most rarely, and about a quarter never appear in the feeds around their
    # referral: weights from a skewed distribution, a quarter of them zero.
    weights = [rng.paretovariate(1.6) if rng.random() < 0.75 else 0.0 for _ in people]
    kinds, kind_weights = zip(*KINDS, strict=True)
    start_key = JusticeEvent.objects.filter(source_profile=profile).count()
    tz = timezone.get_current_timezone()
    now = timezone.now()
    ops = connection.ops
    columns = ["person_id", "kind", "occurred_at", "occurred_on", "severity", "released_at", "released_on",
               "jail_days", "source_profile_id", "source_key", "source_revision", "unmatched_release",
               "booking_number", "case_number", "agency", "charge_code", "charge_description", "offense_category",
               "release_reason", "disposition", "created_at", "updated_at"]
    # Plain rows and executemany: at millions of events, building model objects is most of the time.
    table = connection.ops.quote_name(JusticeEvent._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    stamp = ops.adapt_datetimefield_value(now)
    made, batch = 0, []
    chosen = rng.choices(range(len(people)), weights=weights, k=events)
    with connection.cursor() as cursor:
        for n, index in enumerate(chosen):
            person_id, referred = people[index]
            after = rng.random() < AFTER_SHARE
            span = (today - referred).days
            if after and span > 0:
                day = referred + timedelta(days=rng.randrange(min(span, 365)))
            else:
                day = referred - timedelta(days=1 + rng.randrange(730 if rng.random() < 0.3 else 365))
            kind = rng.choices(kinds, weights=kind_weights)[0]
            severity, released_at, released_on, jail_days = "", None, None, None
            if kind == "charge":
                severity = "felony" if rng.random() < 0.3 else "misdemeanor"
            if kind == "booking":
                stay = 1 + int(rng.expovariate(1 / 6))
                released = day + timedelta(days=stay)
                if released <= today:
                    released_on, jail_days = released, stay
                    released_at = ops.adapt_datetimefield_value(datetime.combine(released, time(10), tz))
            at = ops.adapt_datetimefield_value(datetime.combine(day, time(rng.randrange(24), 0), tz))
            batch.append((person_id, kind, at, ops.adapt_datefield_value(day), severity, released_at,
                          ops.adapt_datefield_value(released_on), jail_days, profile.pk,
                          f"S{start_key + n + 1}", 1, False, "", "", "", "", "", "", "", "", stamp, stamp))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                made += len(batch)
                batch = []
                if progress:
                    progress(made, events)
        if batch:
            cursor.executemany(sql, batch)
    made += len(batch)
    if progress:
        progress(made, events)
    return made
