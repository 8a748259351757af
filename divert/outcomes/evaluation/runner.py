"""`run_evaluation(now=None) -> EvaluationResult`: the whole evaluation on the site's data, stored as the last run.

Reads the cohort in bulk (`cohorts.build`), runs every method, and stores the results (aggregates only) in an
`EvaluationRun` with when, the data cutoff and a fingerprint of the data. `rerun_if_new_data(now)` is the `divert
tick` job: it runs again only when the fingerprint changed since the last run.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from divert.audit.log import log_event
from divert.outcomes.costs import declared_unit_costs
from divert.outcomes.evaluation import cohorts, methods
from divert.outcomes.evaluation.models import EvaluationRun, ImportedCohort

# The order results appear on the page.
SECTIONS = [
    ("prepost", "Within-person change before and after referral"),
    ("balance", "The comparison group and its balance"),
    ("survival", "Time to re-arrest"),
    ("odds", "Odds of arrest"),
    ("counts", "Bookings and jail days"),
    ("costs", "Costs"),
]


@dataclass
class EvaluationResult:
    run: EvaluationRun | None
    results: dict = field(default_factory=dict)  # section -> [Result.as_dict()]
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)


def _fingerprint(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def compute(cohort: cohorts.Cohort, *, method: str = "match") -> dict:
    """Every result on `cohort`: {section: [result dicts]} plus "notes"."""
    out: dict = {key: [] for key, _ in SECTIONS}
    out["notes"] = list(cohort.notes)
    program = cohort.people[cohort.people["treated"] == 1]
    has_comparison = bool((cohort.people["treated"] == 0).any())
    labels = {"arrests": "Arrests", "felonies": "Felony charges", "misdemeanors": "Misdemeanor charges",
              "bookings": "Bookings", "jail_days": "Jail days"}

    full = {m: cohorts.periods(cohort, m, full_only=True) for m in (6, 12)}
    for months in (6, 12):
        for outcome in ("arrests", "felonies", "misdemeanors", "bookings", "jail_days"):
            out["prepost"].append(methods.pre_post(full[months], outcome, months, label=labels[outcome])
                                  .as_dict())

    # Balance on the people with 12 months observed before (so prior counts mean the same for everyone).
    prior = cohorts.periods(cohort, 12, full_only=False)
    people, names, covariate_labels = cohorts.covariates(cohort, prior)
    out["notes"] += people.attrs.get("notes", [])
    if not has_comparison:
        out["notes"].append("No comparison group: only the within-person results can be computed. Import a "
                            "cohort, or wait for the justice feeds to supply one.")
        out["survival"].append(methods.kaplan_meier(
            cohorts.time_to_rearrest(cohort).assign(treated=1), "duration", "event", times=(91, 182, 365),
            window="Up to 365 days after the index date", title="Share not re-arrested (Kaplan–Meier), participants")
            .as_dict())
        return out
    result, sample = methods.balance(people, names, method=method, labels=covariate_labels)
    out["balance"].append(result.as_dict())
    chosen = set(sample["pid"])
    weights = sample.set_index("pid")["weight"]

    survival = cohorts.time_to_rearrest(cohort)
    survival = survival[survival["pid"].isin(chosen)].merge(people[["pid", *names]], on="pid")
    survival["weight"] = survival["pid"].map(weights)
    window = "Up to 365 days after the index date, censored at the data cutoff"
    out["survival"].append(methods.kaplan_meier(
        survival, "duration", "event", group="treated", group_labels={1: "Participants", 0: "Comparison"},
        times=(91, 182, 365), window=window, title="Share not re-arrested (Kaplan–Meier)").as_dict())
    cox_covariates = ["treated", *names]
    covariate_labels = {**covariate_labels, "treated": "Participant (vs comparison)"}
    out["survival"].append(methods.cox(survival, "duration", "event", cox_covariates, labels=covariate_labels,
                                       weights="weight" if method == "weight" else None, window=window).as_dict())

    for months in (6, 12):
        p = full[months][full[months]["pid"].isin(chosen)]
        out["odds"].append(methods.gee_logistic(
            p, "arrests", window=f"{months} months before and after the index date", key=f"gee_arrests_{months}",
            title=f"Odds of any arrest, {months} months").as_dict())
        out["odds"].append(methods.gee_logistic(
            p, "felonies", window=f"{months} months before and after the index date", key=f"gee_felonies_{months}",
            title=f"Odds of any felony charge, {months} months", what="a felony charge").as_dict())

    counts = prior[prior["pid"].isin(chosen)]
    window = "12 months before and after the index date (after: cut at the data cutoff), days in custody removed"
    for outcome in ("bookings", "jail_days", "arrests"):
        out["counts"].append(methods.negative_binomial(counts, outcome, label=labels[outcome], window=window)
                             .as_dict())
    out["costs"].append(methods.cost_savings(counts, declared_unit_costs(cohort.cutoff), window=window).as_dict())
    out["notes"].append(f"{len(program)} participants; {int((cohort.people['treated'] == 0).sum())} comparison "
                        "subjects.")
    return out


def run_evaluation(now: datetime | None = None, *, user=None, trigger: str = EvaluationRun.Trigger.COMMAND,
                   cohort: ImportedCohort | None = None, method: str = "match", request=None,
                   store: bool = True) -> EvaluationResult:
    """Run the whole evaluation on the site's data as of `now`, store it as the last run and return it."""
    started = time.perf_counter()
    now = now or timezone.now()
    cutoff = timezone.localdate(now)
    data = cohorts.fingerprint_counts()
    cohort_frames = cohorts.build(cutoff, cohort=cohort)
    results = compute(cohort_frames, method=method)
    seconds = time.perf_counter() - started
    counts = {"participants": int((cohort_frames.people["treated"] == 1).sum()),
              "comparison": int((cohort_frames.people["treated"] == 0).sum()),
              "events": len(cohort_frames.events), "data_from": str(cohort_frames.data_from or ""),
              "method": method}
    results["summary"] = counts
    run = None
    if store:
        with transaction.atomic():
            run = EvaluationRun.objects.create(
                ran_at=now, ran_by=user, trigger=trigger, comparison=cohort_frames.comparison or "none",
                cohort=cohort, cutoff=cutoff, fingerprint=_fingerprint(data), data=data, seconds=seconds,
                results=results)
            log_event("divert.evaluation.run", request=request, actor=user, target=run,
                      details={**counts, "trigger": trigger, "seconds": round(seconds, 2)})
    return EvaluationResult(run=run, results=results, seconds=seconds, counts=counts)


def last_run() -> EvaluationRun | None:
    return EvaluationRun.objects.order_by("-ran_at", "-id").first()


def rerun_if_new_data(now: datetime) -> int:
    """The tick job: run again, with the last run's comparison choice, when the data changed since (1 if it ran)."""
    last = last_run()
    if last is None:
        return 0
    if last.fingerprint == _fingerprint(cohorts.fingerprint_counts()):
        return 0
    method = (last.results.get("summary") or {}).get("method", "match")
    run_evaluation(now, trigger=EvaluationRun.Trigger.TICK, cohort=last.cohort, method=method)
    return 1
