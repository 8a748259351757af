"""Cohorts from the database, as the frames `methods` works on. Bulk reads (one query per table, rows straight into
pandas), vectorised windows: no per-person queries.

- Participants: every person ever referred and enrolled (intent to treat: whatever happened after), index date the
  first enrollment's referral date, door, age (birth year), sex and race as the justice feeds recorded them.
- Comparison group from the justice data: `ComparisonSubject`s (people in the feeds never linked to a participant)
  with a booking, arrest or charge on a divertible offense (a code or category of any protocol version) in the
  period participants were referred; index date the first such event. Or an imported cohort.
- Events: arrests, charges (felony and misdemeanor), bookings with their release (jail days).

Windows are counted in days: 6 months = 182 days, 12 months = 365. The index day itself belongs to neither side
(it is the diverted contact, or the comparison booking that stands in for it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
from django.db import connection

WINDOW_DAYS = {6: 182, 12: 365}
EVENT_KINDS = ("arrest", "charge", "booking")
EVENT_COLUMNS = ["pid", "kind", "day", "severity", "released_on"]
PEOPLE_COLUMNS = ["pid", "treated", "index_date", "birth_year", "sex", "race", "door", "area"]


@dataclass
class Cohort:
    people: pd.DataFrame  # PEOPLE_COLUMNS
    events: pd.DataFrame  # EVENT_COLUMNS
    cutoff: date
    data_from: date | None
    comparison: str  # "feeds", "imported", or "" (none)
    notes: list[str] = field(default_factory=list)


def _frame(queryset, columns: list[str]) -> pd.DataFrame:
    """A values_list queryset read in one go through the database cursor into a DataFrame."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pd.DataFrame.from_records(rows, columns=columns)


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce")


def participants(cutoff: date) -> pd.DataFrame:
    from divert.participants.models import Enrollment, Person
    from divert.records.models import StagedRecord

    enrollments = _frame(Enrollment.objects.filter(person__merged_into__isnull=True, referred_on__lte=cutoff)
                         .order_by("person_id", "referred_on", "id")
                         .values_list("person_id", "referred_on", "door", "referral__area"),
                         ["pid", "index_date", "door", "area"])
    first = enrollments.drop_duplicates("pid", keep="first")
    persons = _frame(Person.objects.filter(merged_into__isnull=True).values_list("id", "date_of_birth",
                                                                                 "approximate_age", "created_at"),
                     ["pid", "dob", "approximate_age", "created_at"])
    people = first.merge(persons, on="pid", how="left")
    people["index_date"] = _dates(people["index_date"])
    dob = _dates(people["dob"])
    approx = pd.to_numeric(people["approximate_age"], errors="coerce")
    created = pd.to_datetime(people["created_at"], errors="coerce", utc=True).dt.year
    people["birth_year"] = dob.dt.year.where(dob.notna(), created - approx)
    # Sex and race as the feeds recorded them (the program's own records do not ask), the latest row that has them.
    demo = _frame(StagedRecord.objects.filter(person__isnull=False).exclude(sex="", race="")
                  .order_by("person_id", "-occurred_at").values_list("person_id", "sex", "race"),
                  ["pid", "sex", "race"]).drop_duplicates("pid", keep="first")
    people = people.merge(demo, on="pid", how="left")
    people["treated"] = 1
    people["area"] = people["area"].fillna("")
    return people[PEOPLE_COLUMNS]


def participant_events(cutoff: date) -> pd.DataFrame:
    """Read with no join and no filter on kind, so the database scans only its covering index of these columns
    (`justice_event_outcomes`); kinds and merged-away people are dropped here."""
    from divert.participants.models import Person
    from divert.records.models_events import JusticeEvent

    events = _frame(JusticeEvent.objects.filter(occurred_on__lte=cutoff)
                    .values_list("person_id", "kind", "occurred_on", "severity", "released_on"), EVENT_COLUMNS)
    merged = Person.objects.filter(merged_into__isnull=False).values_list("pk", flat=True)
    keep = events["kind"].isin(EVENT_KINDS) & ~events["pid"].isin(list(merged))
    return events[keep].reset_index(drop=True)


def _divertible() -> tuple[set[str], set[str]]:
    from divert.protocol.models import DivertibleOffense

    rows = list(DivertibleOffense.objects.values_list("code", "category").distinct())
    return {code for code, _ in rows if code}, {category for _, category in rows if category}


def comparison_from_feeds(period: tuple[date, date], cutoff: date) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Subjects booked (or arrested, or charged) on a divertible offense in `period`, with all their events."""
    from divert.records.models_events import ComparisonEvent, ComparisonSubject

    notes = []
    codes, categories = _divertible()
    events = _frame(ComparisonEvent.objects.filter(kind__in=EVENT_KINDS, occurred_on__lte=cutoff)
                    .values_list("subject_id", "kind", "occurred_on", "severity", "released_on", "charge_code",
                                 "offense_category"), [*EVENT_COLUMNS, "charge_code", "offense_category"])
    day = _dates(events["day"])
    in_period = (day >= pd.Timestamp(period[0])) & (day <= pd.Timestamp(period[1]))
    if codes or categories:
        qualifies = events["charge_code"].isin(codes) | events["offense_category"].isin(categories)
    else:
        qualifies = events["kind"] == "booking"
        notes.append("No divertible offenses are defined in any protocol version: every booking in the period "
                     "counts as a comparison index event.")
    index = (events[in_period & qualifies].assign(day=day[in_period & qualifies]).groupby("pid")["day"].min()
             .rename("index_date").reset_index())
    subjects = _frame(ComparisonSubject.objects.values_list("id", "birth_year", "sex", "race"),
                      ["pid", "birth_year", "sex", "race"])
    people = index.merge(subjects, on="pid", how="left").assign(treated=0, door="", area="")
    # Comparison pids live beside participant pids: keep them apart.
    people["pid"] = -people["pid"]
    events = events[events["pid"].isin(-people["pid"])].assign(pid=lambda e: -e["pid"])
    return people[PEOPLE_COLUMNS], events[EVENT_COLUMNS], notes


def comparison_imported(cohort) -> tuple[pd.DataFrame, pd.DataFrame]:
    from divert.outcomes.evaluation.models import ImportedEvent, ImportedSubject

    people = _frame(ImportedSubject.objects.filter(cohort=cohort).values_list("id", "index_date", "birth_year",
                                                                              "sex", "race"),
                    ["pid", "index_date", "birth_year", "sex", "race"])
    people["index_date"] = _dates(people["index_date"])
    people = people.assign(treated=0, door="", area="", pid=-people["pid"])
    events = _frame(ImportedEvent.objects.filter(subject__cohort=cohort).values_list(
        "subject_id", "kind", "occurred_on", "severity", "released_on"), EVENT_COLUMNS)
    events["pid"] = -events["pid"]
    return people[PEOPLE_COLUMNS], events


def build(cutoff: date, *, cohort=None, use_feeds: bool = True) -> Cohort:
    program = participants(cutoff)
    events = participant_events(cutoff)
    notes: list[str] = []
    comparison = ""
    if cohort is not None:
        cp, ce = comparison_imported(cohort)
        comparison = "imported"
        notes.append(f"Comparison group: the imported cohort “{cohort.name}”.")
    elif use_feeds and len(program):
        period = (program["index_date"].min().date(), program["index_date"].max().date())
        cp, ce, more = comparison_from_feeds(period, cutoff)
        notes += more
        comparison = "feeds" if len(cp) else ""
    else:
        cp, ce = pd.DataFrame(columns=PEOPLE_COLUMNS), pd.DataFrame(columns=EVENT_COLUMNS)
    people = pd.concat([program, cp], ignore_index=True) if len(cp) else program
    all_events = pd.concat([events, ce], ignore_index=True) if len(ce) else events
    all_events = all_events.assign(day=_dates(all_events["day"]), released_on=_dates(all_events["released_on"]))
    data_from = _data_from(all_events)
    people = people.assign(index_date=_dates(people["index_date"]))
    people = people[people["index_date"].notna() & (people["index_date"] <= pd.Timestamp(cutoff))]
    return Cohort(people.reset_index(drop=True), all_events, cutoff, data_from, comparison, notes)


def _data_from(events: pd.DataFrame) -> date | None:
    """Where the justice data start: the earliest event in any feed (not only the cohort's), or in the cohort."""
    from django.db.models import Min

    from divert.records.models_events import ComparisonEvent, JusticeEvent

    days = [JusticeEvent.objects.aggregate(d=Min("occurred_on"))["d"],
            ComparisonEvent.objects.aggregate(d=Min("occurred_on"))["d"]]
    if len(events):
        days.append(events["day"].min().date())
    days = [d for d in days if d is not None]
    return min(days) if days else None


# --- Person-periods, survival, covariates ------------------------------------------------------------------

_KINDS = {"arrest": 0, "charge": 1, "booking": 2}
_EPOCH = np.datetime64("1970-01-01", "D")


def _days(values) -> np.ndarray:
    """Datetimes as whole days since 1970 (int64); missing as a very large number."""
    arr = pd.to_datetime(pd.Series(values), errors="coerce").to_numpy("datetime64[D]")
    out = (arr - _EPOCH).astype("int64")
    out[np.isnat(arr)] = 10**9
    return out


def _arrays(cohort: Cohort) -> dict:
    """The cohort as integer arrays (computed once per cohort): each event's person position, kind, severity, day
    and, for bookings, the day custody ended (release, at least the day after booking; open: the day after the
    cutoff)."""
    cached = getattr(cohort, "_arrays", None)
    if cached is not None:
        return cached
    people, events = cohort.people, cohort.events
    position = pd.Series(np.arange(len(people)), index=people["pid"].to_numpy())
    pos = events["pid"].map(position)
    keep = pos.notna().to_numpy()
    ev = events[keep]
    kind = ev["kind"].map(_KINDS).fillna(-1).astype("int8").to_numpy()
    severity = ev["severity"].fillna("").to_numpy()
    day = _days(ev["day"])
    cutoff_day = int((np.datetime64(cohort.cutoff, "D") - _EPOCH).astype("int64"))
    released = _days(ev["released_on"])
    released = np.where(released >= 10**9, cutoff_day + 1, released)
    arrays = {
        "n": len(people), "pos": pos[keep].astype("int64").to_numpy(), "kind": kind,
        "felony": severity == "felony", "misdemeanor": severity == "misdemeanor", "day": day,
        "end": np.maximum(released, day + 1), "index": _days(people["index_date"]), "cutoff": cutoff_day,
        "data_from": (int((np.datetime64(cohort.data_from, "D") - _EPOCH).astype("int64"))
                      if cohort.data_from else None),
    }
    cohort._arrays = arrays
    return arrays


def periods(cohort: Cohort, months: int, *, full_only: bool = True) -> pd.DataFrame:
    """Two rows per person (before, after the index date) of the counts in a window of `months`, with the days at
    risk (days observed minus days in custody). With `full_only`, only people whose whole window on both sides is
    observed (the data start no later than the window, the cutoff no earlier); otherwise the after-window is cut at
    the cutoff and people with fewer than 30 days observed after are left out. Vectorised on whole days."""
    days = WINDOW_DAYS[months]
    a = _arrays(cohort)
    index = a["index"]
    # Before is [index - days, index); after is [index + 1, index + days + 1): the index day on neither side.
    pre_lo, post_lo, post_hi = index - days, index + 1, index + days + 1
    limit = a["cutoff"] + 1
    if full_only:
        keep = post_hi <= limit
        if a["data_from"] is not None:
            keep &= pre_lo >= a["data_from"]
    else:
        post_hi = np.minimum(post_hi, limit)
        if a["data_from"] is not None:
            pre_lo = np.maximum(pre_lo, a["data_from"])
        keep = (post_hi - index) > 31
    pos, kind, day, n = a["pos"], a["kind"], a["day"], a["n"]
    sides = {"pre": (pre_lo, index), "post": (post_lo, post_hi)}
    columns: dict[str, dict[str, np.ndarray]] = {}
    bookings = kind == 2
    for side, (lo, hi) in sides.items():
        inside = (day >= lo[pos]) & (day < hi[pos])
        count = {}
        for name, mask in (("arrests", kind == 0), ("bookings", bookings),
                           ("felonies", (kind == 1) & a["felony"]), ("misdemeanors", (kind == 1) & a["misdemeanor"])):
            count[name] = np.bincount(pos[inside & mask], minlength=n)
        # Jail days: every stay clipped to this side (a stay across the index counts partly before, partly after).
        b = pos[bookings]
        overlap = np.clip(np.minimum(a["end"][bookings], hi[b]) - np.maximum(day[bookings], lo[b]), 0, None)
        observed = np.clip(hi - lo, 0, None)
        jail = np.minimum(np.bincount(b, weights=overlap, minlength=n), observed)
        count["jail_days"] = np.round(jail).astype("int64")
        count["days_at_risk"] = np.clip(observed - jail, 0, None).astype(float)
        columns[side] = count
    people = cohort.people[["pid", "treated", "birth_year", "sex", "race", "index_date"]]
    frames = []
    for side in ("pre", "post"):
        part = people[keep].copy()
        part["period"] = side
        for name, values in columns[side].items():
            part[name] = values[keep]
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def time_to_rearrest(cohort: Cohort, *, follow_days: int = 365) -> pd.DataFrame:
    """One row per person: days from the index date to the first arrest after it (``event`` 1), or to the end of
    follow-up or the cutoff (``event`` 0); people with no day observed after the index are left out."""
    a = _arrays(cohort)
    pos, day, index = a["pos"], a["day"], a["index"]
    after = (a["kind"] == 0) & (day > index[pos])
    first = np.full(a["n"], 10**9, dtype="int64")
    np.minimum.at(first, pos[after], day[after])
    end = np.minimum(a["cutoff"] - index, follow_days)
    to_first = first - index
    event = to_first <= end
    frame = cohort.people[["pid", "treated"]].assign(duration=np.where(event, to_first, end),
                                                     event=event.astype(int))
    return frame[frame["duration"] > 0].reset_index(drop=True)


def covariates(cohort: Cohort, prior: pd.DataFrame) -> tuple[pd.DataFrame, list[str], dict]:
    """Person-level covariates for the propensity score and the models: age at index (missing: the median, with a
    flag), male, Black, and arrests, bookings and jail days in the 12 months before (`prior`: periods' pre rows)."""
    people = cohort.people[["pid", "treated", "index_date", "birth_year", "sex", "race"]].copy()
    age = people["index_date"].dt.year - pd.to_numeric(people["birth_year"], errors="coerce")
    people["age_missing"] = age.isna().astype(int)
    people["age"] = age.fillna(age.median() if age.notna().any() else 35).astype(float)
    notes = []
    for column, source, value, label in (("male", "sex", "M", "sex"), ("black", "race", "B", "race")):
        known = people[source].fillna("").isin(["M", "F"] if source == "sex" else list("WBAIPHO"))
        share = known.groupby(people["treated"]).mean()
        people[column] = (people[source] == value).astype(float).where(known)
        people[column] = people[column].fillna(people[column].mean() if known.any() else 0.0)
        if len(share) < 2 or share.min() < 0.5:
            people[column] = 0.0  # too little known in one group to balance on: left out (see the note)
            notes.append(f"The feeds record {label} for too few people in one group (under half): it is not used "
                         "to balance the groups.")
    pre = prior[prior["period"] == "pre"].set_index("pid")
    for column in ("arrests", "bookings", "jail_days"):
        people[f"prior_{column}"] = people["pid"].map(pre[column]).fillna(0).astype(float)
    names = ["age", "male", "black", "prior_arrests", "prior_bookings", "prior_jail_days"]
    if people["age_missing"].any():
        names.append("age_missing")
    labels = {"age": "Age at index", "male": "Male", "black": "Black", "prior_arrests": "Arrests in the 12 months "
              "before", "prior_bookings": "Bookings in the 12 months before", "prior_jail_days": "Jail days in "
              "the 12 months before", "age_missing": "Age unknown"}
    # A covariate with no variation cannot enter a model.
    names = [c for c in names if people[c].nunique() > 1]
    # Nor can two that say the same thing (e.g. every arrest a booking): the second is left out.
    kept: list[str] = []
    for c in names:
        if all(abs(float(np.corrcoef(people[c], people[k])[0, 1])) < 0.98 for k in kept):
            kept.append(c)
        else:
            notes.append(f"{labels[c]} moves with another covariate almost exactly here: left out of the models.")
    names = kept
    people.attrs["notes"] = notes
    return people, names, labels


def fingerprint_counts() -> dict:
    """What the data looked like: counts and the highest ids of what the evaluation reads."""
    from django.db.models import Count, Max

    from divert.outcomes.evaluation.models import ImportedCohort
    from divert.participants.models import Enrollment
    from divert.records.models_events import ComparisonEvent, JusticeEvent

    out = {}
    for name, model in (("enrollments", Enrollment), ("justice_events", JusticeEvent),
                        ("comparison_events", ComparisonEvent), ("cohorts", ImportedCohort)):
        agg = model.objects.aggregate(n=Count("id"), top=Max("id"))
        out[name] = [agg["n"], agg["top"]]
    out["justice_updated"] = str(JusticeEvent.objects.aggregate(m=Max("updated_at"))["m"])
    return out


def today_minus(days: int, today: date) -> date:
    return today - timedelta(days=days)
