"""Exact linking on strong identifiers, before any probability is computed.

A state ID, FBI number or jail person id that a record shares with exactly one person links the record to
that person, unless another identifier present on both sides disagrees. Two people sharing the record's
identifiers, or one identifier agreeing while another disagrees, is a conflict for a human: the record goes
to the review band and skips the probabilistic step, because a score cannot settle a data-entry error.
"""

from __future__ import annotations

import duckdb
import pandas as pd

IDENTIFIERS = ("state_id", "fbi_number", "jail_person_id")

EXACT_COLUMNS = ["record_id", "person_id", "band", "method", "match_probability", "match_weight", "identifiers"]


def exact_links(
    persons: pd.DataFrame, records: pd.DataFrame, con: duckdb.DuckDBPyConnection | None = None
) -> pd.DataFrame:
    """Links decided by identifiers alone.

    `persons` and `records` are cleaned entity tables (one row per person or record, with `entity_id` and
    the identifier columns, as the engine's `clean_entities` makes them). Returns one row per linked or
    conflicting pair: band "exact" (linked) or "review" (conflict), method "identifier" or
    "identifier-conflict", and the identifiers that agreed.
    """
    own = con is None
    con = con or duckdb.connect()
    try:
        con.register("exact_persons", persons[["entity_id", *IDENTIFIERS]])
        con.register("exact_records", records[["entity_id", *IDENTIFIERS]])
        agreements = " UNION ALL ".join(
            f"SELECT r.entity_id AS record_id, p.entity_id AS person_id, '{c}' AS identifier "  # noqa: S608
            f"FROM exact_records r JOIN exact_persons p ON r.{c} = p.{c}"
            for c in IDENTIFIERS
        )
        disagreement = " OR ".join(f"(r.{c} IS NOT NULL AND p.{c} IS NOT NULL AND r.{c} <> p.{c})" for c in IDENTIFIERS)
        frame = con.execute(
            f"""
            WITH agree AS ({agreements}),
            pairs AS (
                SELECT record_id, person_id, string_agg(identifier, ',' ORDER BY identifier) AS identifiers
                FROM agree GROUP BY record_id, person_id
            ),
            scored AS (
                SELECT pairs.*,
                       count(*) OVER (PARTITION BY pairs.record_id) AS n_people,
                       ({disagreement}) AS disagrees
                FROM pairs
                JOIN exact_records r ON r.entity_id = pairs.record_id
                JOIN exact_persons p ON p.entity_id = pairs.person_id
            )
            SELECT record_id, person_id,
                   CASE WHEN n_people = 1 AND NOT disagrees THEN 'exact' ELSE 'review' END AS band,
                   CASE WHEN n_people = 1 AND NOT disagrees THEN 'identifier' ELSE 'identifier-conflict' END
                       AS method,
                   CASE WHEN n_people = 1 AND NOT disagrees THEN 1.0 ELSE NULL END AS match_probability,
                   CAST(NULL AS DOUBLE) AS match_weight,
                   identifiers
            FROM scored
            ORDER BY record_id, person_id
            """  # noqa: S608 - identifiers are our constants, not input
        ).df()
    finally:
        con.unregister("exact_persons")
        con.unregister("exact_records")
        if own:
            con.close()
    return frame[EXACT_COLUMNS]
