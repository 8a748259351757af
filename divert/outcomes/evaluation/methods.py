"""The evaluation's statistics: pure functions over pandas DataFrames, so each can be checked on reference data.

Every function returns a `Result`: what was estimated, on how many people (and events), over which window, by
which method (in words), with 95% confidence intervals and the warnings that apply. Nothing here reads the
database; `divert.outcomes.evaluation.cohorts` builds the frames and `runner` calls these.

Frames:

- people: one row per person: ``pid``, ``treated`` (1 program participant, 0 comparison), covariates.
- periods: one row per person and period (``period`` "pre"/"post" of a window): counts of ``arrests``,
  ``felonies``, ``misdemeanors``, ``bookings``, ``jail_days``, and ``days_at_risk`` (days observed minus days in
  custody).

Thresholds (stated on the evaluation page and in docs/evaluation.md) are the constants below.
"""

from __future__ import annotations

import math
import warnings as pywarnings
from dataclasses import asdict, dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from scipy import stats

# --- Thresholds: below these a result is shown with a warning that it cannot carry much weight. -------------
EVENTS_PER_COVARIATE = 10  # Cox and logistic models: fewer events (or non-events) per covariate than this
MIN_PAIRED = 30  # within-person pre/post: fewer people with a full window than this
MIN_GROUP = 20  # between-group methods (KM, negative binomial, cost): fewer people in a group than this
MIN_AT_RISK = 10  # a Kaplan-Meier point with fewer people still at risk than this is flagged
SMD_BALANCED = 0.1  # a covariate with |standardised mean difference| above this after balancing is flagged
MIN_MATCHED_SHARE = 0.8  # matching that keeps fewer of the participants than this is flagged
CALIPER_SD = 0.2  # nearest-neighbour caliper: 0.2 standard deviations of the logit of the propensity score
Z95 = stats.norm.ppf(0.975)


@dataclass
class Result:
    key: str
    title: str
    method: str
    window: str
    n: int
    effect: str = ""  # what `estimates` hold: "hazard ratio", "odds ratio", "mean change", ...
    groups: dict = field(default_factory=dict)  # {"program": n, "comparison": n}
    events: int | None = None
    estimates: list[dict] = field(default_factory=list)  # term, label, estimate, low, high, p
    table: dict | None = None  # {"columns": [...], "rows": [[...], ...]}: the table behind the chart
    curves: dict | None = None  # Kaplan-Meier: {group: [[t, s, low, high, at_risk], ...]}
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return _jsonable(asdict(self))

    def estimate(self, term: str) -> dict:
        return next(row for row in self.estimates if row["term"] == term)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        value = float(value)
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(term: str, label: str, estimate, low=None, high=None, p=None) -> dict:
    return {"term": term, "label": label, "estimate": _f(estimate), "low": _f(low), "high": _f(high), "p": _f(p)}


def _f(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


DIVERGED = ("The model did not settle on finite estimates (too few events, or a group with none at all): no "
            "estimate is shown.")


def _diverged(params, ci) -> bool:
    """True when a fit ran off to infinity (separation, a cell with no events): estimates beyond e^±15."""
    values = np.concatenate([np.asarray(params, dtype=float).ravel(), np.asarray(ci, dtype=float).ravel()])
    return bool(not np.all(np.isfinite(values)) or np.any(np.abs(values) > 15))


def _epv_warning(events: int, non_events: int, k: int, what: str) -> list[str]:
    fewest = min(events, non_events)
    if k and fewest < EVENTS_PER_COVARIATE * k:
        return [f"Only {fewest} {what} for {k} covariate{'s' if k != 1 else ''}: fewer than "
                f"{EVENTS_PER_COVARIATE} per covariate, so the model's estimates and intervals are unstable."]
    return []


# --- Within-person pre/post -------------------------------------------------------------------------------

def pre_post(periods: pd.DataFrame, outcome: str, months: int, *, label: str = "") -> Result:
    """Mean change per person (post minus pre) in `outcome` over `months` either side of the index date, among
    program participants whose whole window is observed; a paired t interval, and the share with any event."""
    program = periods[periods["treated"] == 1]
    wide = program.pivot_table(index="pid", columns="period", values=outcome, aggfunc="sum")
    wide = wide.dropna(subset=[c for c in ("pre", "post") if c in wide.columns])
    n = len(wide)
    title = f"{label or outcome} in the {months} months before and after referral"
    result = Result(key=f"prepost_{outcome}_{months}", title=title, n=n, effect="mean change per person",
                    window=f"{months} months before and {months} months after each participant's index date",
                    groups={"program": n},
                    method=("Within-person pre/post: for each participant, events in the window after the index "
                            "date minus events in the same length of time before it; the mean of those changes "
                            "with a paired t 95% confidence interval. No comparison group: a change here can be "
                            "an enforcement trend as much as a program effect."))
    if n == 0 or "pre" not in wide.columns or "post" not in wide.columns:
        result.warnings.append("No participant has a whole window observed yet.")
        return result
    pre, post = wide["pre"].to_numpy(float), wide["post"].to_numpy(float)
    diff = post - pre
    mean = diff.mean()
    if n > 1:
        se = diff.std(ddof=1) / math.sqrt(n)
        t = stats.t.ppf(0.975, n - 1)
        low, high = mean - t * se, mean + t * se
        p = float(stats.ttest_rel(post, pre).pvalue) if se > 0 else float("nan")
    else:
        low = high = p = float("nan")
    result.events = int(pre.sum() + post.sum())
    result.estimates = [
        _row("pre", "Mean before", pre.mean()),
        _row("post", "Mean after", post.mean()),
        _row("change", "Mean change (after − before)", mean, low, high, p),
    ]
    any_pre, any_post = (pre > 0).mean(), (post > 0).mean()
    result.table = {"columns": ["Period", "People", "Mean per person", "Share with any"],
                    "rows": [["Before", n, round(pre.mean(), 3), round(any_pre, 3)],
                             ["After", n, round(post.mean(), 3), round(any_post, 3)]]}
    if n < MIN_PAIRED:
        result.warnings.append(f"Only {n} participants have the whole window observed (fewer than {MIN_PAIRED}): "
                               "the interval is wide and the change may be chance.")
    return result


# --- Propensity scores, matching, weighting, balance ------------------------------------------------------

def propensity_scores(people: pd.DataFrame, covariates: list[str]) -> pd.Series:
    """The estimated probability of being a participant given `covariates` (logistic regression)."""
    import statsmodels.api as sm

    x = sm.add_constant(people[covariates].astype(float), has_constant="add")
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore")
        model = sm.Logit(people["treated"].astype(float), x)
        try:
            fit = model.fit(disp=0, maxiter=100)
        except Exception:  # separation or a singular step: a slower optimiser that never raises on them
            fit = model.fit(disp=0, maxiter=300, method="bfgs")
    scores = pd.Series(fit.predict(x), index=people.index, name="ps")
    return scores.clip(1e-6, 1 - 1e-6)


def match_nearest(people: pd.DataFrame, scores: pd.Series, *, caliper_sd: float = CALIPER_SD) -> pd.DataFrame:
    """1:1 nearest-neighbour matching on the logit of the propensity score, without replacement, within a caliper
    of `caliper_sd` standard deviations of that logit. Participants are taken hardest-to-match first (highest
    score), each with the closest comparison subject still free. Returns the matched rows with a ``pair`` column."""
    logit = np.log(scores / (1 - scores))
    caliper = caliper_sd * float(logit.std(ddof=1)) if len(logit) > 1 else 0.0
    treated = logit[people["treated"] == 1].sort_values(ascending=False, kind="stable")
    controls = logit[people["treated"] == 0].sort_values(kind="stable")
    c_index = controls.index.to_numpy()
    c_values = controls.to_numpy()
    m = len(c_values)
    # The nearest free control on each side, found through "next free" pointers with path halving: each taken
    # control is skipped in near-constant time, so matching n people costs about n log n, not n².
    right = np.arange(m + 1)  # right[i]: the first free position >= i (m: none)
    left = np.arange(-1, m)  # left[i + 1]: the last free position <= i (-1: none), shifted by one

    def free_right(i: int) -> int:
        while right[i] != i:
            right[i] = right[right[i]]
            i = right[i]
        return i

    def free_left(i: int) -> int:
        j = i + 1
        while left[j] != j - 1:
            left[j] = left[left[j] + 1]
            j = left[j] + 1
        return j - 1

    insert = np.searchsorted(c_values, treated.to_numpy())
    pairs: list[tuple] = []
    for (t_index, t_value), pos in zip(treated.items(), insert, strict=True):
        best, best_gap = -1, math.inf
        for cand in (free_left(int(pos) - 1) if pos > 0 else -1, free_right(int(pos))):
            if 0 <= cand < m:
                gap = abs(c_values[cand] - t_value)
                if gap < best_gap:
                    best, best_gap = cand, gap
        if best >= 0 and best_gap <= caliper:
            right[best] = best + 1
            left[best + 1] = best - 1
            pairs.append((t_index, c_index[best]))
    rows = []
    for pair, (t_index, c) in enumerate(pairs):
        rows.append((t_index, pair))
        rows.append((c, pair))
    if not rows:
        return people.iloc[0:0].assign(pair=pd.Series(dtype=int))
    index, pair_ids = zip(*rows, strict=True)
    return people.loc[list(index)].assign(pair=list(pair_ids))


def ipw_weights(people: pd.DataFrame, scores: pd.Series, estimand: str = "ATT") -> pd.Series:
    """Inverse-probability weights: ATT gives participants 1 and comparison subjects e/(1−e); ATE gives 1/e and
    1/(1−e)."""
    t = people["treated"] == 1
    w = np.where(t, 1 / scores, 1 / (1 - scores)) if estimand == "ATE" else np.where(t, 1.0, scores / (1 - scores))
    return pd.Series(w, index=people.index, name="weight")


def _weighted_mean_var(x: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    mean = float(np.average(x, weights=w))
    var = float(np.average((x - mean) ** 2, weights=w))
    return mean, var


def standardised_difference(x: np.ndarray, treated: np.ndarray, weights: np.ndarray | None = None) -> float:
    """(mean in participants − mean in comparison) / sqrt((variance in participants + variance in comparison)/2).
    Before balancing the variances are the ordinary (n−1) ones; with weights, weighted means and variances."""
    t, c = treated == 1, treated == 0
    if weights is None:
        mt, mc = x[t].mean(), x[c].mean()
        vt, vc = x[t].var(ddof=1), x[c].var(ddof=1)
    else:
        mt, vt = _weighted_mean_var(x[t], weights[t])
        mc, vc = _weighted_mean_var(x[c], weights[c])
    pooled = math.sqrt((vt + vc) / 2)
    return 0.0 if pooled == 0 else float((mt - mc) / pooled)


def balance(people: pd.DataFrame, covariates: list[str], *, method: str = "match", labels: dict | None = None,
            caliper_sd: float = CALIPER_SD) -> tuple[Result, pd.DataFrame]:
    """Propensity scores on `covariates`, then matching (`method="match"`) or ATT weighting (`"weight"`); the
    balance table of standardised mean differences before and after. Returns the result and the balanced sample
    (with a ``weight`` column: 1 for matched rows)."""
    labels = labels or {}
    n_t, n_c = int((people["treated"] == 1).sum()), int((people["treated"] == 0).sum())
    words = ("1:1 nearest-neighbour matching on the logit of the score without replacement, caliper "
             f"{caliper_sd} standard deviations" if method == "match"
             else "inverse-probability weights for the effect on participants (ATT: participants 1, comparison "
                  "subjects e/(1−e))")
    result = Result(key="balance", title="Balance of the comparison group", n=n_t + n_c, effect="standardised "
                    "mean difference", groups={"program": n_t, "comparison": n_c},
                    window="At each person's index date",
                    method=("Propensity score: the probability of being a participant given "
                            + ", ".join(labels.get(c, c) for c in covariates)
                            + ", by logistic regression; then " + words + ". Balance is the standardised mean "
                            f"difference of each covariate; above {SMD_BALANCED} in absolute value counts as "
                            "imbalanced."))
    if n_t == 0 or n_c == 0:
        result.warnings.append("No comparison group: between-group results cannot be computed.")
        return result, people.iloc[0:0].assign(weight=pd.Series(dtype=float))
    scores = propensity_scores(people, covariates)
    if method == "match":
        sample = match_nearest(people, scores, caliper_sd=caliper_sd).assign(weight=1.0)
    else:
        sample = people.assign(weight=ipw_weights(people, scores))
    rows = []
    tr_all = people["treated"].to_numpy()
    tr_s = sample["treated"].to_numpy()
    for c in covariates:
        before = standardised_difference(people[c].to_numpy(float), tr_all)
        after = (standardised_difference(sample[c].to_numpy(float), tr_s, sample["weight"].to_numpy(float))
                 if len(sample) and (tr_s == 1).any() and (tr_s == 0).any() else float("nan"))
        rows.append([labels.get(c, c), round(before, 3), None if math.isnan(after) else round(after, 3)])
        result.estimates.append(_row(c, labels.get(c, c), after))
        result.estimates[-1]["before"] = before
        if not math.isnan(after) and abs(after) > SMD_BALANCED:
            result.warnings.append(f"{labels.get(c, c)} is still imbalanced after balancing (standardised "
                                   f"difference {after:.2f}).")
    result.table = {"columns": ["Covariate", "Before", "After"], "rows": rows}
    matched_t = int((sample["treated"] == 1).sum())
    result.groups = {"program": n_t, "comparison": n_c, "program_in_sample": matched_t,
                     "comparison_in_sample": int((sample["treated"] == 0).sum())}
    if method == "match" and n_t and matched_t / n_t < MIN_MATCHED_SHARE:
        result.warnings.append(f"Only {matched_t} of {n_t} participants found a comparison subject within the "
                               "caliper: the result describes those matched, not every participant.")
    if min(n_t, n_c) < MIN_GROUP:
        result.warnings.append(f"Fewer than {MIN_GROUP} people in a group: the propensity model is unstable.")
    return result, sample


# --- Time to re-arrest --------------------------------------------------------------------------------------

def kaplan_meier(frame: pd.DataFrame, duration: str, event: str, *, group: str | None = None,
                 times: tuple = (), group_labels: dict | None = None, unit: str = "days",
                 window: str = "", key: str = "km", title: str = "Time to re-arrest") -> Result:
    """Kaplan-Meier survival (product limit) with Greenwood (exponential) 95% intervals, per group, the survival at
    `times`, and the log-rank test between two groups."""
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import logrank_test

    group_labels = group_labels or {}
    result = Result(key=key, title=title, n=len(frame), events=int(frame[event].sum()), effect="share not "
                    "re-arrested", window=window,
                    method=("Kaplan-Meier product-limit estimate of the share not yet re-arrested, people censored "
                            "at the end of follow-up or the data cutoff, 95% intervals by Greenwood's formula "
                            "(exponential); groups compared by the log-rank test."))
    groups = [(None, frame)] if group is None else list(frame.groupby(group, sort=True))
    result.curves, rows = {}, []
    for value, part in sorted(groups, key=lambda g: -1 if g[0] is None else -g[0]):
        name = group_labels.get(value, "All" if value is None else str(value))
        result.groups[name] = len(part)
        if len(part) == 0:
            continue
        kmf = KaplanMeierFitter().fit(part[duration], part[event])
        sf = kmf.survival_function_.iloc[:, 0]
        ci = kmf.confidence_interval_survival_function_
        at_risk = kmf.event_table["at_risk"]
        result.curves[name] = [[float(t), float(s), float(ci.iloc[i, 0]), float(ci.iloc[i, 1]), int(at_risk.loc[t])]
                               for i, (t, s) in enumerate(sf.items())]
        for t in times:
            s = float(kmf.survival_function_at_times(t).iloc[0])
            idx = ci.index[ci.index <= t]
            low, high = (float(ci.loc[idx[-1]].iloc[0]), float(ci.loc[idx[-1]].iloc[1])) if len(idx) else (1, 1)
            still = int((part[duration] >= t).sum())
            rows.append([name, t, round(s, 4), round(low, 4), round(high, 4), still])
            result.estimates.append(_row(f"{name}@{t}", f"{name}, {t} {unit}", s, low, high))
            if still < MIN_AT_RISK:
                result.warnings.append(f"{name}: only {still} people still followed at {t} {unit}; the estimate "
                                       "there is fragile.")
        if len(part) < MIN_GROUP:
            result.warnings.append(f"{name}: only {len(part)} people (fewer than {MIN_GROUP}).")
    result.table = {"columns": ["Group", f"Time ({unit})", "Not re-arrested", "95% low", "95% high",
                                "Still followed"], "rows": rows}
    if group is not None and frame[group].nunique() == 2:
        a, b = (frame[frame[group] == v] for v in sorted(frame[group].unique()))
        test = logrank_test(a[duration], b[duration], a[event], b[event])
        result.estimates.append(_row("logrank", "Log-rank test (chi-squared, 1 df)", test.test_statistic,
                                     p=test.p_value))
    return result


def cox(frame: pd.DataFrame, duration: str, event: str, covariates: list[str], *, labels: dict | None = None,
        weights: str | None = None, window: str = "", key: str = "cox",
        title: str = "Hazard of re-arrest (Cox model)") -> Result:
    """Cox proportional-hazards model with Efron's method for tied times (lifelines `CoxPHFitter`, as R's
    `coxph`); hazard ratios with 95% Wald intervals. With `weights`, robust (sandwich) standard errors."""
    from lifelines import CoxPHFitter

    labels = labels or {}
    events = int(frame[event].sum())
    result = Result(key=key, title=title, n=len(frame), events=events, effect="hazard ratio", window=window,
                    method=("Cox proportional-hazards regression of the time to first re-arrest on "
                            + ", ".join(labels.get(c, c) for c in covariates)
                            + "; tied times by Efron's method (as R's coxph); hazard ratios exp(β) with 95% Wald "
                            "intervals" + ("; weighted, with robust standard errors." if weights else ".")))
    result.warnings += _epv_warning(events, len(frame) - events, len(covariates), "re-arrests")
    cols = [duration, event, *covariates] + ([weights] if weights else [])
    fitter = CoxPHFitter()
    try:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore")
            # Many people over few distinct times: lifelines' batch mode (same estimates, much faster there).
            fitter.fit(frame[cols], duration_col=duration, event_col=event, weights_col=weights,
                       robust=bool(weights), batch_mode=True if len(frame) > 5000 else None)
    except Exception as exc:  # convergence failures and singular designs are reported, not raised
        result.warnings.append(f"The model could not be fitted on these data ({type(exc).__name__}).")
        return result
    s = fitter.summary
    if _diverged(s["coef"], pd.concat([s["coef"] - Z95 * s["se(coef)"], s["coef"] + Z95 * s["se(coef)"]])):
        result.warnings.append(DIVERGED)
        return result
    for c in covariates:
        beta, se = float(s.loc[c, "coef"]), float(s.loc[c, "se(coef)"])
        row = _row(c, labels.get(c, c), math.exp(beta), math.exp(beta - Z95 * se), math.exp(beta + Z95 * se),
                   float(s.loc[c, "p"]))
        row.update(coef=beta, se=se)
        result.estimates.append(row)
    result.table = {"columns": ["Covariate", "Hazard ratio", "95% low", "95% high", "p"],
                    "rows": [[r["label"], round(r["estimate"], 3), round(r["low"], 3), round(r["high"], 3),
                              round(r["p"], 4)] for r in result.estimates]}
    result.groups["log_partial_likelihood"] = float(fitter.log_likelihood_)
    result.groups["concordance"] = float(fitter.concordance_index_)
    return result


# --- Odds of arrest: logistic GEE over person-periods --------------------------------------------------------

def gee_logistic(periods: pd.DataFrame, outcome: str, *, covariates: list[str] = (), labels: dict | None = None,
                 window: str = "", key: str = "gee", title: str = "Odds of arrest", what: str = "an arrest") -> Result:
    """Logistic regression by GEE (exchangeable working correlation, clustered on person, robust standard errors)
    of having any `outcome` in a person-period, on group, period and group × period: the odds ratio of the
    interaction is the difference-in-differences on the odds scale (the Seattle design)."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    labels = labels or {}
    data = periods.assign(any=(periods[outcome] > 0).astype(int), post=(periods["period"] == "post").astype(int))
    n = int(data["pid"].nunique())
    positives = int(data["any"].sum())
    result = Result(key=key, title=title, n=n, events=positives, effect="odds ratio", window=window,
                    groups={"program": int(data.loc[data["treated"] == 1, "pid"].nunique()),
                            "comparison": int(data.loc[data["treated"] == 0, "pid"].nunique())},
                    method=("Logistic regression fitted by generalised estimating equations over person-periods "
                            "(before and after the index date), exchangeable working correlation within person, "
                            "robust standard errors; the odds ratio for participants after referral (group × "
                            "period) is the change in odds relative to the comparison group's change"
                            + (", adjusted for " + ", ".join(labels.get(c, c) for c in covariates) if covariates
                               else "") + "."))
    k = 3 + len(covariates)
    result.warnings += _epv_warning(positives, len(data) - positives, k, f"person-periods with {what}")
    if result.groups["comparison"] == 0 or result.groups["program"] == 0:
        result.warnings.append("No comparison group: the group × period odds ratio needs one.")
        return result
    formula = "any ~ treated * post" + "".join(f" + {c}" for c in covariates)
    balanced = not covariates and bool((data.groupby("pid")["post"].agg(["size", "sum"]) == (2, 1)).all().all())
    try:
        if balanced and n > GEE_ITERATIVE_MAX:
            fit = _SaturatedLogit(data)
        else:
            with pywarnings.catch_warnings():
                pywarnings.simplefilter("ignore")
                fit = smf.gee(formula, "pid", data, family=sm.families.Binomial(),
                              cov_struct=sm.cov_struct.Exchangeable()).fit()
    except Exception as exc:
        result.warnings.append(f"The model could not be fitted on these data ({type(exc).__name__}).")
        return result
    ci = fit.conf_int()
    if _diverged(fit.params, ci):
        result.warnings.append(DIVERGED)
        result.table = _cells_table(data, "any", f"Share with {what}")
        return result
    names = {"treated:post": "Participants after referral (difference in differences)", "post": "After the index "
             "date (comparison group)", "treated": "Participants before referral"}
    for term in ["treated:post", "post", "treated", *covariates]:
        result.estimates.append(_row(term, names.get(term, labels.get(term, term)), math.exp(fit.params[term]),
                                     math.exp(ci.loc[term, 0]), math.exp(ci.loc[term, 1]), fit.pvalues[term]))
    result.table = _cells_table(data, "any", f"Share with {what}")
    return result


# Above this many people, the saturated GEE (group, period, group × period; one before and one after per person) is
# computed from its closed form, which gives the same estimates and robust standard errors (tested against
# statsmodels' GEE) without statsmodels' per-person loop.
GEE_ITERATIVE_MAX = 5000


class _SaturatedLogit:
    """The logistic GEE of ``any ~ treated * post`` with one row before and one after per person, in closed form.

    The model is saturated, so whatever the working correlation its estimates are the log odds of the four cells
    (intercept: comparison before; treated, post and treated:post the differences), and its robust (sandwich)
    variance is the delta-method variance of those log odds with the within-person covariance of before and after:
    Var(logit p̂) = 1 / (n p (1 − p)), Cov(logit p̂₀, logit p̂₁) = (p₁₁ − p₀ p₁) / (n p₀(1 − p₀) p₁(1 − p₁))."""

    def __init__(self, data: pd.DataFrame):
        cells = {}
        for group in (0, 1):
            part = data[data["treated"] == group]
            wide = part.pivot(index="pid", columns="post", values="any")
            n = len(wide)
            p0, p1 = wide[0].mean(), wide[1].mean()
            both = (wide[0] * wide[1]).mean()
            with np.errstate(divide="ignore", invalid="ignore"):
                l0, l1 = np.log(p0 / (1 - p0)), np.log(p1 / (1 - p1))
                a0, a1 = 1 / (p0 * (1 - p0)), 1 / (p1 * (1 - p1))
            cells[group] = (l0, l1, p0 * (1 - p0) / n * a0 * a0, p1 * (1 - p1) / n * a1 * a1,
                            (both - p0 * p1) / n * a0 * a1)
        l00, l01, v00, v01, c0 = cells[0]
        l10, l11, v10, v11, c1 = cells[1]
        names = ["Intercept", "treated", "post", "treated:post"]
        self.params = pd.Series([l00, l10 - l00, l01 - l00, (l11 - l10) - (l01 - l00)], index=names)
        with np.errstate(invalid="ignore"):
            self.bse = pd.Series(np.sqrt([v00, v00 + v10, v00 + v01 - 2 * c0, v10 + v11 - 2 * c1 + v00 + v01 - 2 * c0]),
                                 index=names)
        z = self.params / self.bse
        self.pvalues = pd.Series(2 * stats.norm.sf(np.abs(z)), index=names)

    def conf_int(self) -> pd.DataFrame:
        return pd.DataFrame({0: self.params - Z95 * self.bse, 1: self.params + Z95 * self.bse})


def _cells_table(data: pd.DataFrame, column: str, heading: str) -> dict:
    rows = []
    for treated, name in ((1, "Participants"), (0, "Comparison")):
        for period, when in (("pre", "Before"), ("post", "After")):
            cell = data[(data["treated"] == treated) & (data["period"] == period)]
            rows.append([name, when, len(cell), round(float(cell[column].mean()), 3) if len(cell) else None])
    return {"columns": ["Group", "Period", "People", heading], "rows": rows}


# --- Counts: negative binomial with time at risk ------------------------------------------------------------

def negative_binomial(periods: pd.DataFrame, outcome: str, *, label: str = "", window: str = "",
                      key: str = "", covariates: list[str] = ()) -> Result:
    """Negative binomial (NB2) regression of the count `outcome` per person-period on group, period and
    group × period, with log(days at risk) as the offset and standard errors clustered on person: the rate ratio
    of the interaction is the change in the participants' rate relative to the comparison group's."""
    import statsmodels.formula.api as smf

    label = label or outcome
    data = periods[periods["days_at_risk"] > 0].assign(post=lambda d: (d["period"] == "post").astype(int))
    n = int(data["pid"].nunique())
    result = Result(key=key or f"nb_{outcome}", title=f"{label}: rate after referral", n=n,
                    events=int(data[outcome].sum()), effect="rate ratio", window=window,
                    groups={"program": int(data.loc[data["treated"] == 1, "pid"].nunique()),
                            "comparison": int(data.loc[data["treated"] == 0, "pid"].nunique())},
                    method=(f"Negative binomial regression (NB2, dispersion estimated) of {label.lower()} per "
                            "person-period on group, period and group × period, with the logarithm of days at risk "
                            "(days observed minus days in custody) as the offset, standard errors clustered on "
                            "person; the rate ratio for participants after referral is relative to the comparison "
                            "group's change."))
    if min(result.groups.values()) < MIN_GROUP:
        result.warnings.append(f"Fewer than {MIN_GROUP} people in a group: the rate ratio is imprecise.")
    if result.groups["comparison"] == 0 or result.groups["program"] == 0:
        result.warnings.append("No comparison group: the group × period rate ratio needs one.")
        return result
    formula = f"{outcome} ~ treated * post" + "".join(f" + {c}" for c in covariates)
    try:
        fit = _fit_negative_binomial(smf.negativebinomial(formula, data,
                                                          exposure=data["days_at_risk"].astype(float)),
                                     pd.factorize(data["pid"])[0])
    except Exception as exc:
        result.warnings.append(f"The model could not be fitted on these data ({type(exc).__name__}).")
        return result
    if fit is None:
        result.warnings.append(DIVERGED)
        return result
    ci = fit.conf_int()
    names = {"treated:post": "Participants after referral (ratio of rate ratios)",
             "post": "After the index date (comparison group)", "treated": "Participants before referral"}
    for term in ["treated:post", "post", "treated"]:
        result.estimates.append(_row(term, names[term], math.exp(fit.params[term]), math.exp(ci.loc[term, 0]),
                                     math.exp(ci.loc[term, 1]), fit.pvalues[term]))
    result.groups["alpha"] = float(fit.params.get("alpha", float("nan")))
    rows = []
    for treated, name in ((1, "Participants"), (0, "Comparison")):
        for period, when in (("pre", "Before"), ("post", "After")):
            cell = data[(data["treated"] == treated) & (data["period"] == period)]
            years = cell["days_at_risk"].sum() / 365.25
            rows.append([name, when, len(cell), int(cell[outcome].sum()), round(years, 1),
                         round(cell[outcome].sum() / years, 3) if years else None])
    result.table = {"columns": ["Group", "Period", "People", label, "Years at risk", "Per year at risk"],
                    "rows": rows}
    return result


def _fit_negative_binomial(model, groups):
    """The maximum-likelihood fit with person-clustered errors, or None when it does not settle. BFGS from
    statsmodels' Poisson start values is quick and usually right; with heavy dispersion and offsets it can run
    off (the dispersion to zero, the coefficients to infinity), and then Nelder–Mead, slower but not misled by
    the gradient, finds the start from which Newton's method converges."""

    def settled(fit) -> bool:
        return bool(fit.mle_retvals.get("converged")) and not _diverged(
            fit.params.drop("alpha", errors="ignore"), fit.conf_int().drop("alpha", errors="ignore"))

    cluster = {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore")
        fit = model.fit(disp=0, maxiter=300, **cluster)
        if settled(fit):
            return fit
        start = model.fit(method="nm", disp=0, maxiter=5000)
        fit = model.fit(start_params=start.params, method="newton", disp=0, maxiter=100, **cluster)
    return fit if settled(fit) else None


# --- Annualised change and cost ----------------------------------------------------------------------------

def annual_change(periods: pd.DataFrame, outcome: str) -> tuple[float, float, float, int, int]:
    """Difference in differences of the per-person annual rate of `outcome`: the participants' mean change
    (after − before, per year observed) minus the comparison group's, with a Welch 95% interval. Returns
    (estimate, low, high, n participants, n comparison)."""
    data = periods.assign(years=periods["days_at_risk"].clip(lower=1) / 365.25)
    data = data.assign(rate=data[outcome] / data["years"])
    wide = data.pivot_table(index=["pid", "treated"], columns="period", values="rate").dropna().reset_index()
    wide["change"] = wide["post"] - wide["pre"]
    t = wide.loc[wide["treated"] == 1, "change"].to_numpy(float)
    c = wide.loc[wide["treated"] == 0, "change"].to_numpy(float)
    if len(t) < 2 or len(c) < 2:
        mean = (t.mean() if len(t) else float("nan")) - (c.mean() if len(c) else float("nan"))
        return mean, float("nan"), float("nan"), len(t), len(c)
    mean = t.mean() - c.mean()
    se = math.sqrt(t.var(ddof=1) / len(t) + c.var(ddof=1) / len(c))
    return mean, mean - Z95 * se, mean + Z95 * se, len(t), len(c)


def cost_savings(periods: pd.DataFrame, costs, *, window: str = "") -> Result:
    """Justice costs avoided per participant per year: the difference-in-differences in bookings and jail days per
    year (participants' change minus the comparison group's), times the declared unit costs, jail days at both
    the average and the marginal bed-day cost. Costs not declared are said to be missing, never assumed."""
    d_book = annual_change(periods, "bookings")
    d_jail = annual_change(periods, "jail_days")
    result = Result(key="costs", title="Jail and booking costs avoided per participant per year", n=d_jail[3] +
                    d_jail[4], effect="money per participant-year (negative: costs avoided)", window=window,
                    groups={"program": d_jail[3], "comparison": d_jail[4]},
                    method=("Difference in differences of each person's bookings and jail days per year at risk "
                            "(after minus before, participants minus comparison), Welch 95% intervals, multiplied "
                            "by the unit costs the program declared. The average bed-day cost includes fixed costs "
                            "a jail keeps paying; the marginal bed-day cost is what one fewer day actually saves, "
                            "so claims of budget savings use the marginal figure."))
    source = getattr(costs, "source", "") if costs is not None else ""
    result.table = {"columns": ["Item", "Change per participant-year", "Unit cost", "Cost change", "95% low",
                                "95% high"], "rows": []}
    lines = [("bookings", "Bookings", d_book, getattr(costs, "booking", None)),
             ("jail_days_average", "Jail days at the average bed-day cost", d_jail,
              getattr(costs, "bed_day_average", None)),
             ("jail_days_marginal", "Jail days at the marginal bed-day cost", d_jail,
              getattr(costs, "bed_day_marginal", None))]
    for term, label, (est, low, high, _n1, _n0), unit in lines:
        unit_f = float(unit) if unit is not None else None
        if unit_f is None:
            result.estimates.append(_row(term, label, None))
            result.estimates[-1]["units"] = est
            result.table["rows"].append([label, _round(est), "not declared", "—", "—", "—"])
            continue
        result.estimates.append(_row(term, label, est * unit_f, low * unit_f, high * unit_f))
        result.estimates[-1]["units"] = est
        result.table["rows"].append([label, _round(est), unit_f, _round(est * unit_f), _round(low * unit_f),
                                     _round(high * unit_f)])
    missing = [label for _t, label, _d, unit in lines if unit is None]
    if missing:
        result.warnings.append("Unit costs not declared for: " + "; ".join(missing) + ". The project manager "
                               "declares them; until then these costs are not computed.")
    if source:
        result.method += f" Unit costs: {source}."
    if min(d_jail[3], d_jail[4]) < MIN_GROUP:
        result.warnings.append(f"Fewer than {MIN_GROUP} people in a group: the cost estimate is imprecise.")
    return result


def _round(x, places: int = 2):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), places)
