"""The saved linkage model on Spark, through Splink's Spark backend (`splink.backends.spark.SparkAPI`).

The model file is the one the DuckDB path saves and `divert retrain-linkage` versions; nothing is retrained. Its
SQL is in DuckDB's dialect, so `spark_settings` rewrites it for Spark: sqlglot transpiles every condition and
blocking rule, and the two similarity functions become the ones Splink's similarity jar registers
(`jaro_winkler_similarity` -> `jaro_winkler`; `damerau_levenshtein` keeps its name). Then the same steps as
`engine.predict` run as Spark SQL: exact links on identifiers, blocking and scoring by Splink, and the decision
per record (`engine.choose_sql`). Cleaning the names runs in pandas: on the driver for pandas input, on the
executors (`mapInPandas`) for Spark DataFrames.

Needs the optional extra `spark` (`pip install -e '.[spark]'`) and Java 17 or later. See docs/linkage.md,
"Running linkage on Spark".
"""

from __future__ import annotations

import copy
import logging
import os
import re
import time
from typing import Any

import pandas as pd

from . import engine
from .exact import EXACT_COLUMNS, IDENTIFIERS

logger = logging.getLogger(__name__)

DUCKDB_TO_SPARK_FUNCTIONS = {"jaro_winkler_similarity": "jaro_winkler"}
INTEGER_COLUMNS = ("dob_year", "dob_month", "dob_day", "variant")
VARIANT_COLUMNS = ["unique_id", "entity_id", "first_name", "last_name", "dob_year", "dob_month", "dob_day", "sex",
                   "race", *IDENTIFIERS, "variant", "first_canon", "first_phon", "last_phon", "full_name", "dob"]


def available() -> str | None:
    """None when this machine can run linkage on Spark, else the reason it cannot."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -e '.[spark]')"
    import shutil

    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "no Java runtime (Spark needs Java 17 or later on PATH or in JAVA_HOME)"
    return None


def session(master: str | None = None, app_name: str = "divert-linkage", **conf: str):
    """A SparkSession with Splink's similarity jar. `master` defaults to $DIVERT_SPARK_MASTER, else local[*].

    On a cluster, pass its master URL (spark://host:7077, yarn, k8s://...) or run under spark-submit, where the
    builder picks up the session spark-submit configured; the jar goes to the executors through spark.jars.
    """
    import sys

    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    # Spark DataFrame input is cleaned by this package on the executors: locally, in this interpreter.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    chosen = master or os.environ.get("DIVERT_SPARK_MASTER")
    if chosen or not os.environ.get("SPARK_HOME"):
        builder = builder.master(chosen or "local[*]")
    settings = {
        "spark.jars": similarity_jar_location(),
        "spark.sql.shuffle.partitions": os.environ.get("DIVERT_SPARK_PARTITIONS", "8"),
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        **conf,
    }
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    logging.getLogger("py4j").setLevel(logging.WARNING)  # no chatter from its connections closing at exit
    # Splink breaks long query plans by checkpointing; on a cluster this must be storage every node reaches.
    import tempfile

    spark.sparkContext.setCheckpointDir(os.environ.get("DIVERT_SPARK_CHECKPOINT_DIR")
                                        or f"{tempfile.gettempdir()}/divert-spark-checkpoints")
    return spark


def _to_spark_sql(sql: str) -> str:
    import sqlglot

    if sql.strip().upper() == "ELSE":
        return sql
    # Renamed first: sqlglot would turn DuckDB's jaro_winkler_similarity into a name Spark lacks.
    for old, new in DUCKDB_TO_SPARK_FUNCTIONS.items():
        sql = re.sub(rf"\b{old}\s*\(", f"{new}(", sql, flags=re.IGNORECASE)
    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]


def spark_settings(model_settings: dict[str, Any]) -> dict[str, Any]:
    """The saved (DuckDB) Splink settings rewritten for Spark; m, u and thresholds are untouched."""
    converted = copy.deepcopy(model_settings)
    converted["sql_dialect"] = "spark"
    for comparison in converted["comparisons"]:
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = _to_spark_sql(level["sql_condition"])
            level.pop("sql_dialect", None)
    rules = []
    for rule in converted.get("blocking_rules_to_generate_predictions", []):
        text = rule["blocking_rule"] if isinstance(rule, dict) else rule
        rules.append({**(rule if isinstance(rule, dict) else {}), "blocking_rule": _to_spark_sql(text),
                      "sql_dialect": "spark"})
    converted["blocking_rules_to_generate_predictions"] = rules
    return converted


# --- Preparing the tables ------------------------------------------------------------------------------------


def _spark_schema():
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    return StructType([StructField(name, LongType() if name in INTEGER_COLUMNS else StringType(), True)
                       for name in VARIANT_COLUMNS])


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable pandas columns as plain Python values (None for missing), in VARIANT_COLUMNS order."""
    out = frame[VARIANT_COLUMNS].astype(object)
    return out.where(out.notna(), None)


def prepared_rows(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """Persons or records as Splink's input rows (one per name variant), as engine.predict builds them."""
    return _plain(engine._variants(engine.clean_entities(frame, id_column)))


def variants(spark, frame, id_column: str):
    """A Spark DataFrame of name variants, from a pandas frame (cleaned on the driver) or a Spark DataFrame
    (cleaned on the executors, one pandas batch at a time; aliases as an array of strings)."""
    schema = _spark_schema()
    if isinstance(frame, pd.DataFrame):
        rows = prepared_rows(frame, id_column)
        return spark.createDataFrame(rows, schema=schema) if len(rows) else spark.createDataFrame([], schema)

    def clean(batches):
        for batch in batches:
            if len(batch):
                yield prepared_rows(batch, id_column)

    return frame.mapInPandas(clean, schema=schema)


def _exact_sql(persons: str, records: str) -> str:
    """engine's exact step (exact.py) in Spark SQL."""
    agreements = " UNION ALL ".join(
        f"SELECT r.entity_id AS record_id, p.entity_id AS person_id, '{c}' AS identifier "  # noqa: S608
        f"FROM {records} r JOIN {persons} p ON r.{c} = p.{c}"
        for c in IDENTIFIERS
    )
    disagreement = " OR ".join(f"(r.{c} IS NOT NULL AND p.{c} IS NOT NULL AND r.{c} <> p.{c})" for c in IDENTIFIERS)
    return f"""
        WITH agree AS ({agreements}),
        pairs AS (
            SELECT record_id, person_id, concat_ws(',', array_sort(collect_list(identifier))) AS identifiers
            FROM agree GROUP BY record_id, person_id
        ),
        scored AS (
            SELECT pairs.*, count(*) OVER (PARTITION BY pairs.record_id) AS n_people, ({disagreement}) AS disagrees
            FROM pairs
            JOIN {records} r ON r.entity_id = pairs.record_id
            JOIN {persons} p ON p.entity_id = pairs.person_id
        )
        SELECT record_id, person_id,
               CASE WHEN n_people = 1 AND NOT disagrees THEN 'exact' ELSE 'review' END AS band,
               CASE WHEN n_people = 1 AND NOT disagrees THEN 'identifier' ELSE 'identifier-conflict' END AS method,
               CASE WHEN n_people = 1 AND NOT disagrees THEN CAST(1.0 AS DOUBLE) ELSE CAST(NULL AS DOUBLE) END
                   AS match_probability,
               CAST(NULL AS DOUBLE) AS match_weight, identifiers
        FROM scored
        """  # noqa: S608 - view names and identifiers are ours


# --- Predicting -------------------------------------------------------------------------------------------------


def predict(model: engine.LinkageModel, persons, records, *, spark=None, max_candidates: int = 3,
            repartition_after_blocking: bool = False) -> engine.LinkResult:
    """`engine.predict` on Spark: the same bands, candidates and ranks for the same input and saved model.

    `persons` and `records` are pandas frames or Spark DataFrames in the engine's shape (`person_id` /
    `record_id` plus names, date of birth, codes, identifiers, aliases). `spark` defaults to `session()`.
    The links come back as a pandas frame (`LinkResult`), like the DuckDB path's.
    """
    from pyspark.sql import functions as F
    from splink import Linker
    from splink.backends.spark import SparkAPI

    spark = spark or session()
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    person_rows = variants(spark, persons, "person_id").cache()
    record_rows = variants(spark, records, "record_id").cache()
    own_person, own_record = "divert_exact_persons", "divert_exact_records"
    person_rows.filter("variant = 0").createOrReplaceTempView(own_person)
    record_rows.filter("variant = 0").createOrReplaceTempView(own_record)
    seconds["prepare"] = time.perf_counter() - started
    lap = time.perf_counter()
    exact = spark.sql(_exact_sql(own_person, own_record)).cache()
    exact_links = exact.toPandas().assign(rank=1)
    seconds["exact"] = time.perf_counter() - lap
    rest = record_rows.join(exact.select(F.col("record_id").alias("entity_id")).distinct(), "entity_id", "left_anti")
    comparisons = 0
    probabilistic = pd.DataFrame(columns=engine.LINK_COLUMNS)
    lap = time.perf_counter()
    if person_rows.limit(1).count() and rest.limit(1).count():
        db_api = SparkAPI(spark_session=spark, repartition_after_blocking=repartition_after_blocking)
        frames = [db_api.register(person_rows, dataset_display_name=engine.PERSONS),
                  db_api.register(rest.select(*VARIANT_COLUMNS), dataset_display_name=engine.RECORDS)]
        linker = Linker(frames, spark_settings(model.settings), log_level=logging.WARNING)
        blocked = linker.inference.compute_blocked_pairs_for_predict()
        comparisons = int(spark.table(blocked.physical_name).count())
        scored = linker.inference.predict(threshold_match_probability=model.thresholds.review,
                                          warning_mode="never")
        probabilistic = spark.sql(engine.choose_sql(scored.physical_name, model.thresholds, max_candidates)).toPandas()
    seconds["probabilistic"] = time.perf_counter() - lap
    for frame in (person_rows, record_rows, exact):
        frame.unpersist()
    found = [frame for frame in (exact_links[engine.LINK_COLUMNS].sort_values(["record_id", "person_id"]),
                                 probabilistic) if len(frame)]
    links = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=engine.LINK_COLUMNS)
    links["rank"] = links["rank"].astype(int)
    seconds["total"] = time.perf_counter() - started
    return engine.LinkResult(links=links, comparisons=comparisons, seconds=seconds)


__all__ = ["EXACT_COLUMNS", "available", "predict", "session", "spark_settings", "variants"]
