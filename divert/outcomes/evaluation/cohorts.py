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
    from divert.records.models_events import JusticeEvent

    events = _frame(JusticeEvent.objects.filter(kind__in=EVENT_KINDS, occurred_on__lte=cutoff,
                                                person__merged_into__isnull=True)
                    .values_list("person_id", "kind", "occurred_on", "severity", "released_on"), EVENT_COLUMNS)
    return events


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

def _overlap_days(start: pd.Series, end: pd.Series, lo: pd.Series, hi: pd.Series) -> pd.Series:
    """Days of [start, end) inside [lo, hi), elementwise (datetime Series)."""
    s = np.maximum(start.to_numpy("datetime64[ns]"), lo.to_numpy("datetime64[ns]"))
    e = np.minimum(end.to_numpy("datetime64[ns]"), hi.to_numpy("datetime64[ns]"))
    return pd.Series(np.clip((e - s) / np.timedelta64(1, "D"), 0, None), index=start.index)


def periods(cohort: Cohort, months: int, *, full_only: bool = True) -> pd.DataFrame:
    """Two rows per person (before, after the index date) of the counts in a window of `months`, with the days at
    risk (days observed minus days in custody). With `full_only`, only people whose whole window on both sides is
    observed (the data start no later than the window, the cutoff no earlier); otherwise the after-window is cut at
    the cutoff and people with fewer than 30 days observed after are left out."""
    days = WINDOW_DAYS[months]
    people = cohort.people[["pid", "treated", "index_date", "birth_year", "sex", "race"]].copy()
    cutoff = pd.Timestamp(cohort.cutoff)
    data_from = pd.Timestamp(cohort.data_from) if cohort.data_from else None
    # Window edges as day offsets from the index: before is [index-days, index), after is (index, index+days].
    people["pre_lo"] = people["index_date"] - pd.Timedelta(days=days)
    people["post_hi"] = people["index_date"] + pd.Timedelta(days=days + 1)
    limit = cutoff + pd.Timedelta(days=1)
    if full_only:
        keep = people["post_hi"] <= limit
        if data_from is not None:
            keep &= people["pre_lo"] >= data_from
        people = people[keep]
    else:
        people["post_hi"] = people["post_hi"].where(people["post_hi"] <= limit, limit)
        if data_from is not None:
            people["pre_lo"] = people["pre_lo"].where(people["pre_lo"] >= data_from, data_from)
        people = people[(people["post_hi"] - people["index_date"]).dt.days > 30]
    people["post_lo"] = people["index_date"] + pd.Timedelta(days=1)

    ev = cohort.events.merge(people[["pid", "index_date", "pre_lo", "post_lo", "post_hi"]], on="pid", how="inner")
    pre = (ev["day"] >= ev["pre_lo"]) & (ev["day"] < ev["index_date"])
    post = (ev["day"] >= ev["post_lo"]) & (ev["day"] < ev["post_hi"])
    ev = ev.assign(period=np.where(pre, "pre", np.where(post, "post", "")))
    kind, sev = ev["kind"], ev["severity"].fillna("")
    ev = ev.assign(arrests=(kind == "arrest").astype(int), bookings=(kind == "booking").astype(int),
                   felonies=((kind == "charge") & (sev == "felony")).astype(int),
                   misdemeanors=((kind == "charge") & (sev == "misdemeanor")).astype(int))
    counted = ev[ev["period"] != ""]
    counts = counted.groupby(["pid", "period"])[["arrests", "bookings", "felonies", "misdemeanors"]].sum()

    # Jail days: every stay clipped to each side (a stay across the index counts partly before, partly after).
    stays = ev[kind == "booking"]
    released = stays["released_on"].fillna(cutoff + pd.Timedelta(days=1))
    end = released.where(released > stays["day"], stays["day"] + pd.Timedelta(days=1))
    jail_pre = _overlap_days(stays["day"], end, stays["pre_lo"], stays["index_date"])
    jail_post = _overlap_days(stays["day"], end, stays["post_lo"], stays["post_hi"])
    jail = pd.DataFrame({"pid": stays["pid"], "pre": jail_pre, "post": jail_post}).groupby("pid").sum()

    rows = []
    for period, lo, hi in (("pre", "pre_lo", "index_date"), ("post", "post_lo", "post_hi")):
        part = people[["pid", "treated", "birth_year", "sex", "race", "index_date"]].copy()
        part["period"] = period
        observed = (people[hi] - people[lo]).dt.days.clip(lower=0)
        part["jail_days"] = part["pid"].map(jail[period]).fillna(0).to_numpy() if len(jail) else 0.0
        part["jail_days"] = np.minimum(part["jail_days"], observed)
        part["days_at_risk"] = (observed - part["jail_days"]).clip(lower=0)
        rows.append(part)
    frame = pd.concat(rows, ignore_index=True)
    frame = frame.merge(counts, left_on=["pid", "period"], right_index=True, how="left")
    for column in ("arrests", "bookings", "felonies", "misdemeanors"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["jail_days"] = frame["jail_days"].round().astype(int)
    return frame


def time_to_rearrest(cohort: Cohort, *, follow_days: int = 365) -> pd.DataFrame:
    """One row per person: days from the index date to the first arrest after it (``event`` 1), or to the end of
    follow-up or the cutoff (``event`` 0); people with no day observed after the index are left out."""
    people = cohort.people[["pid", "treated", "index_date"]]
    arrests = cohort.events[cohort.events["kind"] == "arrest"].merge(people[["pid", "index_date"]], on="pid")
    after = arrests[arrests["day"] > arrests["index_date"]]
    first = after.groupby("pid")["day"].min()
    frame = people.assign(first=people["pid"].map(first))
    end = np.minimum((pd.Timestamp(cohort.cutoff) - frame["index_date"]).dt.days, follow_days)
    to_first = (frame["first"] - frame["index_date"]).dt.days
    event = to_first.notna() & (to_first <= end)
    frame = frame.assign(duration=np.where(event, to_first, end), event=event.astype(int))
    return frame[frame["duration"] > 0][["pid", "treated", "duration", "event"]]


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
