"""run_evaluation on a small generated site: every section computed and stored, the tick job re-runs only on new
data, and an empty site says what is missing instead of failing."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from divert.audit.models import AuditEvent
from divert.outcomes.evaluation.models import EvaluationRun
from divert.outcomes.evaluation.runner import rerun_if_new_data, run_evaluation
from divert.outcomes.evaluation.tests import site

NOW = timezone.make_aware(datetime(2026, 3, 1, 12))


@pytest.fixture
def generated(agencies):
    site.random_site(agencies.provider, participants=40, comparison=60)


def _find(results, section, key):
    return next(r for r in results[section] if r["key"] == key)


def test_run_evaluation_computes_and_stores_every_section(generated):
    outcome = run_evaluation(NOW)
    run = EvaluationRun.objects.get()
    assert outcome.run == run and run.cutoff == date(2026, 3, 1)
    # Comparison subjects booked outside the period participants were referred in are left out.
    assert outcome.counts["participants"] == 40 and 50 <= outcome.counts["comparison"] <= 60
    results = run.results
    for section in ("prepost", "balance", "survival", "odds", "counts", "costs"):
        assert results[section], section
    cox = _find(results, "survival", "cox")
    treated = next(e for e in cox["estimates"] if e["term"] == "treated")
    # Participants were generated with half the comparison group's arrest rate after the index date.
    assert treated["estimate"] < 1 and treated["low"] < treated["estimate"] < treated["high"]
    nb = _find(results, "counts", "nb_arrests")
    assert next(e for e in nb["estimates"] if e["term"] == "treated:post")["estimate"] < 1
    assert _find(results, "balance", "balance")["table"]["columns"] == ["Covariate", "Before", "After"]
    # Costs are not declared (the stand-in declares none): said, not invented.
    costs = _find(results, "costs", "costs")
    assert costs["estimates"][0]["estimate"] is None and any("not declared" in w for w in costs["warnings"])
    # Every result carries n, window and method.
    for section in ("prepost", "survival", "odds", "counts"):
        for result in results[section]:
            assert result["n"] >= 0 and result["window"] and result["method"], result["key"]
    event = AuditEvent.objects.get(action="divert.evaluation.run")
    assert event.details["participants"] == 40


def test_tick_reruns_only_when_the_data_changed(generated, agencies):
    assert rerun_if_new_data(NOW) == 0  # never run: the evaluator starts it
    run_evaluation(NOW)
    assert rerun_if_new_data(NOW) == 0
    person = site.participant(agencies.provider, date(2025, 5, 1), first="New")
    site.event(person, "arrest", date(2025, 6, 1))
    assert rerun_if_new_data(NOW) == 1
    assert EvaluationRun.objects.count() == 2 and EvaluationRun.objects.first().trigger == "tick"


def test_an_empty_site_says_what_is_missing(db):
    outcome = run_evaluation(NOW)
    assert outcome.counts["participants"] == 0
    assert all("warnings" in r for r in outcome.results["prepost"])
    assert outcome.results["prepost"][0]["warnings"]


def test_it_is_a_tick_job(generated, agencies):
    from divert.lib.jobs import jobs

    job = next(job for job in jobs() if job.name == "evaluation")
    run_evaluation(NOW)
    assert job.run(NOW) == 0  # nothing new since
    site.event(site.participant(agencies.provider, date(2025, 5, 1), first="Later"), "arrest", date(2025, 7, 1))
    assert job.run(NOW) == 1
