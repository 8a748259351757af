"""The cohort table: one row per enrollment with what the metrics filter on, rebuilt when its sources change.

Race and ethnicity and gender are the participant's own answers at their first intake assessment (categories of
the federal standard); age is banded at referral. A filter on them is a column comparison, whatever the database.
"""

import hashlib
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Max

from divert.outcomes.models import CohortMember

AGE_BANDS = [("18-24", 18, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45-54", 45, 54), ("55+", 55, 200)]
AGE_BAND_LABELS = {"18-24": "18 to 24", "25-34": "25 to 34", "35-44": "35 to 44", "45-54": "45 to 54",
                   "55+": "55 and older", "unknown": "Age not known"}
UNKNOWN = "unknown"
BATCH = 5000


def age_band(age: int | None) -> str:
    if age is None:
        return UNKNOWN
    for band, low, high in AGE_BANDS:
        if low <= age <= high:
            return band
    return UNKNOWN


def _age_on(day: date, born: date | None, approximate: int | None, created: date | None) -> int | None:
    if born is not None:
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if approximate is not None:
        return approximate + ((day - created).days // 365 if created else 0)
    return None


def _race(value) -> str:
    chosen = [v for v in (value or []) if v != "prefer_not_to_say"] if isinstance(value, list) else []
    if not chosen:
        return UNKNOWN
    return chosen[0] if len(chosen) == 1 else "multiple"


def _gender(value) -> str:
    return value if isinstance(value, str) and value and value != "prefer_not_to_say" else UNKNOWN


def source_signature() -> str:
    """Changes whenever an enrollment, referral, person or assessment is added or changed."""
    from divert.casework.models import Assessment
    from divert.participants.models import Enrollment, Person
    from divert.referrals.models import Referral

    parts = []
    for model in (Enrollment, Referral, Person, Assessment):
        row = model.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
        parts.append(f"{row['n']}@{row['last'].isoformat() if row['last'] else '-'}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def ensure_cohort(progress=None) -> str:
    """Rebuild the cohort table if its sources changed since the last build (the signature is kept beside the
    rows, so every process agrees). Returns the signature."""
    from divert.outcomes.models import FigureSnapshot

    signature = source_signature()
    kept = FigureSnapshot.objects.filter(key="cohort").values_list("version", flat=True).first()
    if kept != signature:
        rebuild_cohort(progress)
        FigureSnapshot.objects.update_or_create(key="cohort", defaults={"version": signature, "payload": {}})
    return signature


def rebuild_cohort(progress=None) -> int:
    from divert.casework.models import Answer
    from divert.participants.models import Enrollment
    from divert.referrals.models import Referral

    # The first intake answers to the two demographic questions, per person.
    demographics: dict[int, dict[str, object]] = {}
    answers = (Answer.objects.filter(question__key__in=["race_ethnicity", "gender"])
               .order_by("assessment__assessed_on", "assessment_id")
               .values_list("assessment__person_id", "question__key", "value"))
    for person_id, key, value in answers.iterator(chunk_size=BATCH):
        demographics.setdefault(person_id, {}).setdefault(key, value)
    areas = dict(Referral.objects.filter(enrollment__isnull=False).values_list("enrollment_id", "area"))
    rows = (Enrollment.objects.order_by("person_id", "referred_on", "id")
            .values_list("id", "person_id", "door", "provider_id", "referred_on", "enrolled_on", "exited_on",
                         "person__date_of_birth", "person__approximate_age", "person__created_at"))
    total = Enrollment.objects.count()
    with transaction.atomic():
        CohortMember.objects.all().delete()
        batch, seen, done = [], set(), 0
        for (pk, person_id, door, provider_id, referred_on, enrolled_on, exited_on, born, approximate,
             created) in rows.iterator(chunk_size=BATCH):
            answers_of = demographics.get(person_id, {})
            batch.append(CohortMember(
                enrollment_id=pk, person_id=person_id, door=door, area=areas.get(pk) or "", provider_id=provider_id,
                referred_on=referred_on, enrolled_on=enrolled_on, exited_on=exited_on,
                before_from=referred_on - timedelta(days=365), after_until=referred_on + timedelta(days=365),
                first=person_id not in seen, race=_race(answers_of.get("race_ethnicity")),
                gender=_gender(answers_of.get("gender")),
                age_band=age_band(_age_on(referred_on, born, approximate, created.date() if created else None))))
            seen.add(person_id)
            if len(batch) >= BATCH:
                CohortMember.objects.bulk_create(batch)
                done += len(batch)
                batch = []
                if progress:
                    progress(done, total)
        CohortMember.objects.bulk_create(batch)
        done += len(batch)
        if progress:
            progress(done, total)
    return done


# --- Justice events before and after each person's first referral ---------------------------------------------

def justice_signature(as_of: date) -> str:
    """Changes with the cohort, the day the windows are cut at, and any new justice event or finished feed import
    (feeds are how events change: a release fills in a booking's jail days)."""
    from divert.records.models import FeedImport
    from divert.records.models_events import JusticeEvent

    feeds = FeedImport.objects.aggregate(n=Count("pk"), last=Max("finished_at"))
    parts = [ensure_cohort(), str(as_of), str(JusticeEvent.objects.aggregate(last=Max("pk"))["last"]),
             f"{feeds['n']}@{feeds['last']}"]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def ensure_justice(as_of: date) -> str:
    """Recount the cohort's justice events if the cohort or the events changed (or the cut-off day moved).
    Concurrent readers wait on one row lock, so one of them counts and the rest read its rows."""
    from divert.outcomes.models import FigureSnapshot

    signature = justice_signature(as_of)
    if FigureSnapshot.objects.filter(key="cohort-justice", version=signature).exists():
        return signature
    with transaction.atomic():
        row, _ = FigureSnapshot.objects.select_for_update().get_or_create(
            key="cohort-justice", defaults={"version": "", "payload": {}})
        if row.version != signature:
            rebuild_justice(as_of)
            row.version, row.payload = signature, {"as_of": str(as_of)}
            row.save(update_fields=["version", "payload"])
    return signature


def rebuild_justice(as_of: date) -> int:
    """One grouped pass over the events joined to first enrollments (INSERT ... SELECT: nothing comes back to
    Python but the few open bookings, whose days run to `as_of`). Returns the rows written."""
    from django.db import connection

    from divert.outcomes.models import CohortJustice
    from divert.records.models import Kind, Severity
    from divert.records.models_events import JusticeEvent, custody_days

    q = connection.ops.quote_name
    member, event, target = (q(m._meta.db_table) for m in (CohortMember, JusticeEvent, CohortJustice))
    sides = {"before": "e.occurred_on < m.referred_on", "after": "e.occurred_on >= m.referred_on"}
    kinds = {"arrests": ("e.kind = %s", [Kind.ARREST]),
             "felony": ("e.kind = %s AND e.severity = %s", [Kind.CHARGE, Severity.FELONY]),
             "misdemeanor": ("e.kind = %s AND e.severity = %s", [Kind.CHARGE, Severity.MISDEMEANOR]),
             "bookings": ("e.kind = %s", [Kind.BOOKING])}
    columns, sums, params = ["member_id", "as_of"], ["m.id", "%s"], [as_of]
    for side, where in sides.items():
        for name, (kind, values) in kinds.items():
            columns.append(f"{side}_{name}")
            sums.append(f"SUM(CASE WHEN {where} AND {kind} THEN 1 ELSE 0 END)")
            params += values
        columns.append(f"{side}_jail")
        sums.append(f"SUM(CASE WHEN {where} AND e.kind = %s AND e.released_on IS NOT NULL THEN e.jail_days "
                    "ELSE 0 END)")
        params.append(Kind.BOOKING)
    sql = (f"INSERT INTO {target} ({', '.join(columns)}) SELECT {', '.join(sums)} "  # noqa: S608
           f"FROM {member} m JOIN {event} e ON e.person_id = m.person_id "
           "WHERE m.first = %s AND e.occurred_on >= m.before_from AND e.occurred_on < m.after_until "
           "AND e.occurred_on <= %s GROUP BY m.id")
    params += [True, as_of]
    with transaction.atomic():
        CohortJustice.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        # Bookings with no release yet count their days up to `as_of` (few rows).
        open_days: dict[tuple[int, str], int] = {}
        stays = (JusticeEvent.objects.filter(kind=Kind.BOOKING, released_on__isnull=True, occurred_on__lte=as_of,
                                             person__outcome_cohort__first=True)
                 .values_list("person__outcome_cohort__id", "occurred_on", "person__outcome_cohort__before_from",
                              "person__outcome_cohort__referred_on", "person__outcome_cohort__after_until"))
        for member_id, day, before_from, referred_on, after_until in stays:
            if before_from <= day < after_until:
                side = "before" if day < referred_on else "after"
                open_days[(member_id, side)] = open_days.get((member_id, side), 0) + custody_days(day, as_of)
        rows = CohortJustice.objects.in_bulk({member_id for member_id, _ in open_days})
        for (member_id, side), days in open_days.items():
            setattr(rows[member_id], f"{side}_jail", getattr(rows[member_id], f"{side}_jail") + days)
        CohortJustice.objects.bulk_update(rows.values(), ["before_jail", "after_jail"], batch_size=1000)
    return CohortJustice.objects.count()
