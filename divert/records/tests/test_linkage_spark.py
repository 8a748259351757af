"""The saved linkage model on Spark (local mode) decides as the DuckDB path does, for the same input.

The Spark test needs pyspark (`pip install -e '.[spark]'`) and Java; without them it is skipped and says why.
The settings rewrite needs neither and always runs.
"""

import json

import pytest

from divert.records.linkage import bench, engine
from divert.records.linkage import spark as on_spark
from divert.records.linkage.engine import LinkageModel

TOLERANCE = 1e-3  # the two engines' floating point differ in the last digits of a weight


@pytest.fixture(scope="module")
def case():
    persons = bench.synthetic_persons(250, seed=41)
    records = bench.synthetic_bookings(persons, 500, seed=42).drop(columns=["true_person_id"])
    model = engine.train(persons, records, u_pairs=1e5, em_pairs=1e5)
    # Through the saved form, as the nightly path reads it.
    return persons, records, LinkageModel.from_dict(json.loads(json.dumps(model.to_dict())))


def test_settings_are_rewritten_for_spark_and_keep_their_parameters(case):
    _, _, model = case
    converted = on_spark.spark_settings(model.settings)
    assert converted["sql_dialect"] == "spark"
    text = json.dumps(converted).lower()
    assert "jaro_winkler_similarity" not in text and "jaro_winkler(" in text
    assert '"first_name"' not in json.dumps(converted["blocking_rules_to_generate_predictions"])
    for before, after in zip(model.settings["comparisons"], converted["comparisons"], strict=True):
        for old, new in zip(before["comparison_levels"], after["comparison_levels"], strict=True):
            assert (old.get("m_probability"), old.get("u_probability")) == (new.get("m_probability"),
                                                                             new.get("u_probability"))
    assert model.settings["sql_dialect"] == "duckdb"  # the saved model is not changed


def _key(frame):
    return frame.sort_values(["record_id", "person_id"]).reset_index(drop=True)


def test_spark_local_mode_agrees_with_duckdb(case):
    reason = on_spark.available()
    if reason:
        pytest.skip(f"Spark linkage not run here: {reason}")
    persons, records, model = case
    duckdb_result = engine.predict(model, persons, records)
    spark = on_spark.session("local[1]", **{"spark.sql.shuffle.partitions": "1",
                                            "spark.default.parallelism": "1"})
    # Persons as a Spark DataFrame (cleaned on the executors), records as pandas (cleaned on the driver).
    try:
        spark_persons = spark.createDataFrame(persons.astype(object).where(persons.notna(), None))
        spark_result = on_spark.predict(model, spark_persons, records, spark=spark)
    finally:
        spark.stop()

    ours, theirs = _key(duckdb_result.links), _key(spark_result.links)
    assert len(ours.query("band == 'auto'")) > 50 and len(ours.query("band == 'exact'")) > 50  # a real test
    assert len(ours.query("band == 'review'")) > 0
    for band in ("exact", "auto", "review"):
        pairs = {(r, p) for r, p, b in zip(ours.record_id, ours.person_id, ours.band, strict=True) if b == band}
        assert pairs == {(r, p) for r, p, b in zip(theirs.record_id, theirs.person_id, theirs.band, strict=True)
                         if b == band}, band
    merged = ours.merge(theirs, on=["record_id", "person_id"])
    assert (merged.rank_x == merged.rank_y).all()
    scored = merged.dropna(subset=["match_probability_x"])
    worst = (scored.match_probability_x - scored.match_probability_y).abs().max()
    assert worst <= TOLERANCE, worst
    assert spark_result.comparisons == duckdb_result.comparisons


@pytest.mark.django_db
def test_link_on_spark_without_spark_says_why_and_changes_nothing(monkeypatch):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from divert.audit.models import AuditEvent

    monkeypatch.setattr(on_spark, "available", lambda: "no Java runtime (test)")
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="Cannot link on Spark: no Java runtime"):
        call_command("link", "--backend", "spark", "--quiet")
    assert AuditEvent.objects.count() == before
