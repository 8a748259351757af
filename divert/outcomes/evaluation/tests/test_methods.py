"""The evaluation's statistics against reference results: R's Cox model on the Rossi data (shipped in lifelines),
and small data whose answers are worked out by hand here. Pure functions: no database."""

import math

import numpy as np
import pandas as pd
import pytest
from lifelines.datasets import load_rossi

from divert.outcomes.evaluation import methods

# R: coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, data=Rossi), Efron ties (R's default),
# as printed by Fox & Weisberg; race and mar in lifelines' 0/1 coding.
R_COEF = {"fin": -0.37942, "age": -0.05744, "race": 0.31390, "wexp": -0.14980, "mar": -0.43370, "paro": -0.08487,
          "prio": 0.09150}
R_SE = {"fin": 0.19138, "age": 0.02200, "race": 0.30799, "wexp": 0.21222, "mar": 0.38187, "paro": 0.19576,
        "prio": 0.02865}


@pytest.fixture(scope="module")
def rossi():
    return load_rossi()


def test_cox_reproduces_r_efron_on_rossi(rossi):
    result = methods.cox(rossi, "week", "arrest", list(R_COEF))
    assert result.n == 432 and result.events == 114
    for term, coef in R_COEF.items():
        row = result.estimate(term)
        assert round(row["coef"], 4) == round(coef, 4), term
        assert abs(row["coef"] - coef) < 1e-4, term
        assert abs(row["se"] - R_SE[term]) < 1e-4, term
        # The hazard ratio and its interval follow from the coefficient and its standard error.
        assert row["estimate"] == pytest.approx(math.exp(coef), abs=1e-4)
        assert row["low"] == pytest.approx(math.exp(coef - 1.959964 * R_SE[term]), abs=1e-3)
    assert result.groups["log_partial_likelihood"] == pytest.approx(-658.74766, abs=1e-4)
    assert result.groups["concordance"] == pytest.approx(0.640, abs=1e-3)
    assert "Efron" in result.method
    # 114 events, 7 covariates: 16 per covariate, no warning.
    assert result.warnings == []


def test_cox_warns_below_ten_events_per_covariate(rossi):
    few = rossi.iloc[:60]  # 60 men, far fewer than 70 arrests for 7 covariates
    result = methods.cox(few, "week", "arrest", list(R_COEF))
    assert any("fewer than 10 per covariate" in w for w in result.warnings)


def test_kaplan_meier_on_rossi_closed_forms(rossi):
    result = methods.kaplan_meier(rossi, "week", "arrest", group="fin", times=(52,), group_labels={1: "Aid",
                                  0: "No aid"}, unit="weeks")
    # Nobody is censored before week 52, so S(52) is the share not arrested.
    assert result.estimate("Aid@52")["estimate"] == pytest.approx(168 / 216, abs=1e-9)
    assert result.estimate("No aid@52")["estimate"] == pytest.approx(150 / 216, abs=1e-9)
    assert result.estimate("logrank")["estimate"] == pytest.approx(3.8376, abs=0.01)
    whole = methods.kaplan_meier(rossi, "week", "arrest", times=(52,))
    row = whole.estimate("All@52")
    assert row["estimate"] == pytest.approx(318 / 432, abs=1e-9)
    assert (row["low"], row["high"]) == (pytest.approx(0.69186, abs=1e-4), pytest.approx(0.77506, abs=1e-4))
    # The curve is a step function ending at the same value.
    assert whole.curves["All"][-1][1] == pytest.approx(318 / 432)


def _periods(rows):
    """rows: (pid, treated, period, arrests, days_at_risk)."""
    frame = pd.DataFrame(rows, columns=["pid", "treated", "period", "arrests", "days_at_risk"])
    return frame.assign(bookings=frame["arrests"], jail_days=frame["arrests"] * 3, felonies=0, misdemeanors=0)


def test_pre_post_mean_change_and_paired_interval():
    # Three participants: 3→1, 2→2, 4→0; changes −2, 0, −4: mean −2, sd 2, se 2/√3, t(2) = 4.3027.
    rows = [(1, 1, "pre", 3, 182), (1, 1, "post", 1, 182), (2, 1, "pre", 2, 182), (2, 1, "post", 2, 182),
            (3, 1, "pre", 4, 182), (3, 1, "post", 0, 182), (9, 0, "pre", 5, 182), (9, 0, "post", 5, 182)]
    result = methods.pre_post(_periods(rows), "arrests", 6)
    change = result.estimate("change")
    assert result.n == 3  # the comparison subject is not in a within-person result
    assert change["estimate"] == pytest.approx(-2.0)
    half = 4.302653 * 2 / math.sqrt(3)
    assert (change["low"], change["high"]) == (pytest.approx(-2 - half, abs=1e-5), pytest.approx(-2 + half, abs=1e-5))
    assert result.estimate("pre")["estimate"] == pytest.approx(3.0)
    assert any("fewer than 30" in w for w in result.warnings)


def test_gee_saturated_odds_ratio_is_the_ratio_of_odds_ratios():
    # Participants: 6 of 10 with an arrest before, 2 of 10 after; comparison: 5 of 10 before, 5 of 10 after.
    # The model is saturated, so the interaction OR is (2/8 ÷ 6/4) ÷ (5/5 ÷ 5/5) = 1/6 whatever the correlation.
    rows = []
    for pid in range(10):
        rows.append((pid, 1, "pre", int(pid < 6), 182))
        rows.append((pid, 1, "post", int(pid in (0, 7)), 182))
    for pid in range(10, 20):
        rows.append((pid, 0, "pre", int(pid < 15), 182))
        rows.append((pid, 0, "post", int(pid >= 15), 182))
    result = methods.gee_logistic(_periods(rows), "arrests")
    assert result.estimate("treated:post")["estimate"] == pytest.approx(1 / 6, rel=1e-4)
    assert result.estimate("post")["estimate"] == pytest.approx(1.0, rel=1e-4)
    assert result.estimate("treated")["estimate"] == pytest.approx(6 / 4, rel=1e-4)
    low, high = result.estimate("treated:post")["low"], result.estimate("treated:post")["high"]
    assert low < 1 / 6 < high
    assert any("per covariate" in w for w in result.warnings)  # 20 people cannot carry 3 terms


def test_the_closed_form_gee_equals_statsmodels_gee(monkeypatch):
    rng = np.random.default_rng(2)
    rows = []
    for pid in range(400):
        treated = int(pid < 150)
        pre = int(rng.random() < 0.45)
        post = int(rng.random() < (0.3 if treated else 0.5) + 0.2 * pre)
        rows += [(pid, treated, "pre", pre, 182), (pid, treated, "post", post, 182)]
    frame = _periods(rows)
    iterative = methods.gee_logistic(frame, "arrests")
    monkeypatch.setattr(methods, "GEE_ITERATIVE_MAX", 10)
    closed = methods.gee_logistic(frame, "arrests")
    for term in ("treated:post", "post", "treated"):
        for column in ("estimate", "low", "high", "p"):
            assert closed.estimate(term)[column] == pytest.approx(iterative.estimate(term)[column], rel=1e-7)


def test_negative_binomial_saturated_rate_ratio_with_equal_exposure():
    # Equal exposure in every cell: NB2's fitted means are the cell means, so the interaction rate ratio is
    # (mean after ÷ mean before, participants) ÷ (the same, comparison) = (1/3) ÷ (4/2) = 1/6.
    rng = np.random.default_rng(7)
    rows = []
    cells = {(1, "pre"): [2, 4, 3, 1, 5, 3], (1, "post"): [1, 0, 2, 1, 1, 1],
             (0, "pre"): [1, 3, 2, 2, 3, 1], (0, "post"): [4, 5, 3, 4, 6, 2]}
    for (treated, period), counts in cells.items():
        for i, count in enumerate(counts):
            rows.append((treated * 100 + i, treated, period, count, 365))
    frame = _periods(rows).sample(frac=1, random_state=int(rng.integers(1000)))
    result = methods.negative_binomial(frame, "arrests", label="Arrests")
    assert result.estimate("treated:post")["estimate"] == pytest.approx((1 / 3) / (4 / 2), rel=1e-3)
    assert result.estimate("treated")["estimate"] == pytest.approx(3 / 2, rel=1e-3)
    assert any("Fewer than 20" in w for w in result.warnings)


def test_negative_binomial_recovers_where_the_default_optimiser_runs_off():
    # Jail days: heavily over-dispersed (NB2 alpha 3.8), about a year at risk each side. On this draw statsmodels'
    # default BFGS runs the dispersion to zero and the coefficients off to infinity; the fit must still settle, at
    # the maximum likelihood, and find the rate ratio the data were drawn with (0.65 / 2.4).
    import warnings

    import statsmodels.formula.api as smf

    rng = np.random.default_rng(0)
    rows = []
    for pid in range(370):
        treated = int(pid < 185)
        for post in (0, 1):
            mean = 6.6 * (0.65 if treated and post else 1) * (2.4 if post and not treated else 1)
            days = 365 - int(rng.integers(0, 40))
            count = int(rng.negative_binomial(1 / 3.8, 1 / (1 + 3.8 * mean)))
            rows.append((pid, treated, "post" if post else "pre", count, float(max(days - count, 1))))
    frame = _periods(rows).assign(jail_days=lambda d: d["arrests"])
    data = frame.assign(post=(frame["period"] == "post").astype(int))
    model = smf.negativebinomial("jail_days ~ treated * post", data, exposure=data["days_at_risk"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        default = model.fit(disp=0, maxiter=300)
        best = model.fit(start_params=model.fit(method="nm", disp=0, maxiter=5000).params, method="newton", disp=0)
    assert not default.mle_retvals["converged"] or abs(default.params).max() > 15  # the trap is real

    result = methods.negative_binomial(frame, "jail_days", label="Jail days")
    assert methods.DIVERGED not in result.warnings
    ratio = result.estimate("treated:post")
    assert ratio["estimate"] == pytest.approx(math.exp(best.params["treated:post"]), rel=1e-4)
    assert ratio["low"] < 0.65 / 2.4 < ratio["high"]


def test_standardised_difference_by_hand_and_weights():
    x = np.array([1.0, 2.0, 3.0, 3.0, 4.0, 5.0])
    treated = np.array([1, 1, 1, 0, 0, 0])
    # Means 2 and 4, variances 1 and 1: SMD = −2 / 1 = −2.
    assert methods.standardised_difference(x, treated) == pytest.approx(-2.0)
    # Weighting the controls onto the value 3 alone leaves a weighted variance of 0.
    w = np.array([1, 1, 1, 1, 0, 0], dtype=float)
    assert methods.standardised_difference(x, treated, w) == pytest.approx((2 - 3) / math.sqrt((2 / 3 + 0) / 2))


def test_ipw_weights_att_and_ate():
    people = pd.DataFrame({"treated": [1, 0]})
    scores = pd.Series([0.8, 0.25])
    assert list(methods.ipw_weights(people, scores, "ATT")) == pytest.approx([1.0, 0.25 / 0.75])
    assert list(methods.ipw_weights(people, scores, "ATE")) == pytest.approx([1 / 0.8, 1 / 0.75])


def test_matching_takes_the_nearest_free_subject_within_the_caliper():
    people = pd.DataFrame({"treated": [1, 1, 0, 0, 0], "x": [0, 0, 0, 0, 0]}, index=[10, 11, 20, 21, 22])
    scores = pd.Series([0.5, 0.6, 0.51, 0.9, 0.05], index=people.index)
    matched = methods.match_nearest(people, scores, caliper_sd=0.2)
    pairs = matched.groupby("pair").apply(lambda g: tuple(sorted(g.index)), include_groups=False).tolist()
    # 11 (0.6) goes first and takes 20 (0.51); 10 (0.5) finds only 21 (0.9) or 22 (0.05), both outside the caliper.
    assert pairs == [(11, 20)]


def test_matching_agrees_with_the_plain_greedy_algorithm():
    rng = np.random.default_rng(9)
    n = 300
    people = pd.DataFrame({"treated": (rng.random(n) < 0.4).astype(int)}, index=rng.permutation(n) + 1000)
    scores = pd.Series(rng.beta(2, 3, n), index=people.index)
    logit = np.log(scores / (1 - scores))
    caliper = 0.2 * logit.std(ddof=1)
    free = dict(logit[people["treated"] == 0].items())
    expected = set()
    for t, value in logit[people["treated"] == 1].sort_values(ascending=False, kind="stable").items():
        if not free:
            break
        c = min(free, key=lambda k: (abs(free[k] - value), free[k]))
        if abs(free[c] - value) <= caliper:
            expected.add((t, c))
            del free[c]
    matched = methods.match_nearest(people, scores)
    got = {tuple(g.sort_values("treated", ascending=False).index) for _, g in matched.groupby("pair")}
    assert got == expected and len(got) > 50


def test_balance_matching_reduces_imbalance():
    rng = np.random.default_rng(3)
    n = 400
    age = rng.normal(40, 10, n)
    treated = (rng.random(n) < 1 / (1 + np.exp(-(age - 45) / 5))).astype(int)
    people = pd.DataFrame({"pid": range(n), "treated": treated, "age": age})
    result, sample = methods.balance(people, ["age"], method="match")
    row = result.estimate("age")
    assert abs(row["before"]) > 0.5 and abs(row["estimate"]) < abs(row["before"]) / 3
    weighted, wsample = methods.balance(people, ["age"], method="weight")
    assert abs(weighted.estimate("age")["estimate"]) < 0.1 and len(wsample) == n
    assert result.table["columns"] == ["Covariate", "Before", "After"]


def test_balance_without_a_comparison_group_says_so():
    people = pd.DataFrame({"pid": [1, 2], "treated": [1, 1], "age": [30.0, 40.0]})
    result, sample = methods.balance(people, ["age"])
    assert sample.empty and any("No comparison group" in w for w in result.warnings)


class _Costs:
    bed_day_average, bed_day_marginal, booking, source = 100, 20, 500, "County budget 2025"


class _NoCosts:
    bed_day_average = bed_day_marginal = booking = None
    source = ""


def test_cost_savings_multiplies_the_difference_in_differences():
    # Per year (365.25 days at risk): participants 2→1 bookings each (change −1), comparison 1→2 (change +1):
    # DiD −2 bookings a year; jail days 6→3 and 3→6: DiD −6 a year.
    rows = []
    for pid in range(4):
        rows += [(pid, 1, "pre", 2, 365.25), (pid, 1, "post", 1, 365.25)]
    for pid in range(10, 14):
        rows += [(pid, 0, "pre", 1, 365.25), (pid, 0, "post", 2, 365.25)]
    result = methods.cost_savings(_periods(rows), _Costs())
    assert result.estimate("bookings")["estimate"] == pytest.approx(-2 * 500)
    assert result.estimate("jail_days_average")["estimate"] == pytest.approx(-6 * 100)
    assert result.estimate("jail_days_marginal")["estimate"] == pytest.approx(-6 * 20)
    assert "County budget 2025" in result.method
    missing = methods.cost_savings(_periods(rows), _NoCosts())
    assert missing.estimate("bookings")["estimate"] is None
    assert any("not declared" in w for w in missing.warnings)
    assert missing.estimate("jail_days_marginal")["units"] == pytest.approx(-6)


def test_results_are_plain_json():
    import json

    rows = [(1, 1, "pre", 3, 182), (1, 1, "post", 1, 182)]
    json.dumps(methods.pre_post(_periods(rows), "arrests", 6).as_dict(), allow_nan=False)
