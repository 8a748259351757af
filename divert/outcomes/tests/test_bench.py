"""`divert bench outcomes --json OUT` on the small hand-built site: the keys the checks read, every view answered."""

import io
import json

import time_machine
from django.core.management import call_command

from divert.outcomes.tests.site import TODAY, build_site


def test_bench_outcomes_writes_its_keys(agencies, personas, participant, tmp_path):
    out = tmp_path / "outcomes.json"
    with time_machine.travel(TODAY, tick=False):
        build_site(agencies, personas, participant)
        call_command("bench", "outcomes", "--json", str(out), stdout=io.StringIO(), stderr=io.StringIO())
    figures = json.loads(out.read_text())
    assert {"impact", "dashboard.project_manager", "dashboard.evaluator", "evaluation"} <= set(figures["views"])
    assert all(seconds >= 0 for seconds in figures["views"].values())
    assert figures["cohort_seconds"] >= 0 and figures["justice_seconds"] >= 0
    assert figures["evaluation_seconds"] > 0 and figures["peak_rss_mb"] > 0
