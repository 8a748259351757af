"""`divert bench linkage` writes its figures as JSON and prints them last."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from divert.records.management.commands.bench import Command


def run(*args) -> str:
    out = StringIO()
    call_command(Command(), "linkage", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_scale_writes_its_keys(tmp_path):
    path = tmp_path / "scale.json"
    out = run("--scale", "--persons", "150", "--rows", "1200", "--increment", "50", "--json", str(path))
    figures = json.loads(path.read_text())
    for key in ("seconds", "peak_rss_mb", "comparisons", "rows_per_second", "increment_seconds"):
        assert key in figures
    # Persons from the seed, and the increment went the whole way: imported, linked, events, alerts.
    assert figures["persons_from"].startswith("divert seed")
    outcome = figures["increment_outcome"]
    assert outcome["rows_staged"] == 50 and outcome["linked_on_identifiers"] + outcome["linked_by_score"] > 0
    assert outcome["justice_events"] > 0
    assert set(figures["increment_breakdown"]) == {"import_seconds", "link_seconds",
                                                   "events_alerts_coordination_seconds"}
    assert out.strip().splitlines()[-1].startswith("increment_seconds: ")


@pytest.mark.django_db
def test_febrl4_writes_its_keys(tmp_path):
    path = tmp_path / "febrl.json"
    out = run("--dataset", "febrl4", "--sample", "150", "--json", str(path))
    figures = json.loads(path.read_text())
    for key in ("precision", "recall", "f1", "baseline_exact_name_dob", "baseline_recordlinkage_ecm"):
        assert key in figures
    last_lines = dict(line.split(": ", 1) for line in out.strip().splitlines()[-7:])
    assert {"precision", "recall", "f1", "baseline_exact_name_dob"} <= set(last_lines)
