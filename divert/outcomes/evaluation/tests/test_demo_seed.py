"""The demo's evaluation data on a tiny site: history before and after referral, a comparison group, a data-use
agreement, and a stored run (the full demo seed is tested in divert/demo)."""

import random
from datetime import date

from divert.demo.seed_evaluation import seed_evaluation
from divert.demo.seed_outcomes import seed_justice_history
from divert.outcomes.evaluation.models import DataUseAgreement, EvaluationRun
from divert.outcomes.evaluation.tests import site
from divert.records.models_events import ComparisonSubject, JusticeEvent


def test_seed_evaluation_fills_a_small_site(personas, agencies):
    for i in range(12):
        site.participant(agencies.provider, date(2025, 1 + i % 12, 10), first=f"P{i}")
    history = seed_justice_history(random.Random(3), 200, date(2026, 6, 1))
    written = seed_evaluation(random.Random(4), date(2026, 6, 1))
    assert history == JusticeEvent.objects.count() == 200  # the participants' history is the only one
    assert written > 0
    assert ComparisonSubject.objects.count() == 18
    assert DataUseAgreement.objects.get().recipient_agency == agencies.evaluator
    run = EvaluationRun.objects.get()
    assert run.results["summary"]["participants"] == 12 and run.results["summary"]["comparison"] > 0
