"""The evaluator's de-identified dataset: one row per person of the evaluation cohort (participants and comparison
subjects), with no name, no identifier, no exact date of birth and no raw id.

- ``id``: HMAC-SHA256 of the person's internal id under a salt derived from the site's secret and the data-use
  agreement, so ids are stable across extracts under one agreement and unlinkable across agreements; the salt is
  never stored or shown.
- Dates: the index date as its month (``2025-03``) or, when the agreement says so, shifted by a per-person offset
  of −30..+30 days derived from the same salt. Counts by period are computed from the true dates before that.
- Age in bands at the index date; area coarsened (areas with fewer than `MIN_AREA` people become "Other").
- Counts of arrests, felony and misdemeanor charges, bookings and jail days, and days at risk, in the 6 and 12
  months before and after; days to the first re-arrest (or censoring).
"""

from __future__ import annotations

import hashlib
import hmac
import io
from datetime import date

import numpy as np
import pandas as pd
from django.conf import settings

from divert.lib.spreadsheet import neutralise
from divert.outcomes.evaluation import cohorts

MIN_AREA = 11
AGE_BANDS = [(0, 18, "under 18"), (18, 25, "18-24"), (25, 35, "25-34"), (35, 45, "35-44"), (45, 55, "45-54"),
             (55, 65, "55-64"), (65, 200, "65 and over")]
COUNTS = ["arrests", "felonies", "misdemeanors", "bookings", "jail_days", "days_at_risk"]


def _salt(agreement) -> bytes:
    key = getattr(settings, "DIVERT_EXTRACT_KEY", None) or settings.SECRET_KEY
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"divert.evaluation.extract:{agreement.pk}".encode(), hashlib.sha256).digest()


def _hash(salt: bytes, text: str) -> str:
    return hmac.new(salt, text.encode(), hashlib.sha256).hexdigest()[:24]


def age_band(age: float | None) -> str:
    if age is None or (isinstance(age, float) and np.isnan(age)):
        return "unknown"
    return next((label for lo, hi, label in AGE_BANDS if lo <= age < hi), "unknown")


def dataset(agreement, cutoff: date) -> pd.DataFrame:
    """The extract's rows, with only the columns the agreement allows (``id`` always)."""
    from divert.participants.models import Enrollment

    cohort = cohorts.build(cutoff)
    people = cohort.people.copy()
    salt = _salt(agreement)
    keys = np.where(people["treated"] == 1, "p:", "c:") + people["pid"].abs().astype(str)
    out = pd.DataFrame({"id": [_hash(salt, k) for k in keys]})
    allowed = set(agreement.fields)
    if "group" in allowed:
        out["group"] = np.where(people["treated"] == 1, "participant", "comparison")
    if "door" in allowed:
        out["door"] = people["door"].fillna("").to_numpy()
    if "index_month" in allowed:
        if agreement.date_detail == "shifted":
            shifts = [int(_hash(salt, "shift:" + k)[:8], 16) % 61 - 30 for k in keys]
            out["index_date_shifted"] = (people["index_date"] + pd.to_timedelta(shifts, unit="D")).dt.strftime(
                "%Y-%m-%d").to_numpy()
        else:
            out["index_month"] = people["index_date"].dt.strftime("%Y-%m").to_numpy()
    if "age_band" in allowed:
        age = people["index_date"].dt.year - pd.to_numeric(people["birth_year"], errors="coerce")
        out["age_band"] = [age_band(a) for a in age]
    if "sex" in allowed:
        out["sex"] = people["sex"].fillna("").to_numpy()
    if "race" in allowed:
        out["race"] = people["race"].fillna("").to_numpy()
    if "area" in allowed:
        area = people["area"].fillna("").replace("", "Unknown")
        sizes = area.map(area.value_counts())
        out["area"] = area.where(sizes >= MIN_AREA, "Other").to_numpy()
    if "status" in allowed:
        latest = dict(Enrollment.objects.order_by("person_id", "referred_on", "id").values_list("person_id",
                                                                                               "status"))
        out["status"] = [latest.get(int(pid), "") if treated == 1 else "" for pid, treated in
                         zip(people["pid"], people["treated"], strict=True)]
    if "counts" in allowed:
        for months in (6, 12):
            frame = cohorts.periods(cohort, months, full_only=False)
            for period in ("pre", "post"):
                part = frame[frame["period"] == period].set_index("pid")
                for column in COUNTS:
                    values = people["pid"].map(part[column])
                    out[f"{column}_{period}_{months}m"] = values.round().astype("Int64").to_numpy()
    if "first_rearrest" in allowed:
        survival = cohorts.time_to_rearrest(cohort).set_index("pid")
        out["days_to_rearrest_or_censoring"] = people["pid"].map(survival["duration"]).astype("Int64").to_numpy()
        out["rearrested"] = people["pid"].map(survival["event"]).astype("Int64").to_numpy()
    # Rows in a random order (seeded by the salt), so the order says nothing about when anyone was added.
    order = np.random.default_rng(int.from_bytes(salt[:8], "big")).permutation(len(out))
    return out.iloc[order].reset_index(drop=True)


def to_csv(frame: pd.DataFrame) -> bytes:
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = safe[column].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return safe.to_csv(index=False).encode("utf-8")


def to_parquet(frame: pd.DataFrame) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
