"""Link justice records to people: exact on identifiers first, then a Splink model on DuckDB.

The engine knows tables, not Django models. A thin adapter hands it two pandas frames:

persons: `person_id` plus any of the fields below.
records: `record_id` plus any of the fields below.

    first_name, last_name      text, any case and punctuation
    aliases                    list of "LAST, FIRST" / "First Last" strings or {"first_name", "last_name"}
                               mappings, or one string separated by ";"
    date_of_birth              a date or text (ISO, YYYYMMDD, MM/DD/YYYY; "1980-00-12" or "1980" when parts
                               are unknown) - or instead dob_year, dob_month, dob_day, each nullable
    sex, race                  codes or words, normalised to M/F/X and W/B/A/I/P/H/O
    state_id, fbi_number, jail_person_id   identifiers, punctuation ignored

Missing columns count as unknown. `train()` fits a model, `predict()` reuses a saved one (nightly
increments), `link()` does both. See docs/linkage.md.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import tempfile
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import splink.comparison_level_library as cll
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink import comparison_library as cl

from . import normalise
from .exact import EXACT_COLUMNS, IDENTIFIERS, exact_links

logger = logging.getLogger(__name__)

PERSONS = "persons"
RECORDS = "records"
MAX_ALIASES = 5
LINK_COLUMNS = [*EXACT_COLUMNS, "rank"]
MODEL_FORMAT = 1
TEXT_COLUMNS = [
    "unique_id", "entity_id", "first_name", "last_name", "first_canon", "first_phon", "last_phon", "full_name",
    "dob", "sex", "race", *IDENTIFIERS,
]  # fmt: skip


@dataclass(frozen=True)
class Thresholds:
    """Match-probability bands: at or above `auto_link` links on its own, from `review` up a human decides."""

    auto_link: float = 0.95
    review: float = 0.50

    def __post_init__(self):
        if not 0 < self.review <= self.auto_link <= 1:
            raise ValueError("thresholds must satisfy 0 < review <= auto_link <= 1")


@dataclass
class LinkageModel:
    """A trained Splink model plus the bands it links with; saved as JSON by `store.save_model`."""

    settings: dict[str, Any]
    thresholds: Thresholds = field(default_factory=Thresholds)
    trained_at: str = ""
    trained_on: dict[str, int] = field(default_factory=dict)
    version: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "version": self.version,
            "trained_at": self.trained_at,
            "trained_on": self.trained_on,
            "thresholds": asdict(self.thresholds),
            "splink_settings": self.settings,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkageModel:
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"unknown linkage model format {data.get('format')!r}")
        return cls(
            settings=data["splink_settings"],
            thresholds=Thresholds(**data["thresholds"]),
            trained_at=data.get("trained_at", ""),
            trained_on=data.get("trained_on", {}),
            version=data.get("version"),
        )


@dataclass
class LinkResult:
    """Pairs found: band "exact" or "auto" (linked), "review" (for a human). Nothing else is listed."""

    links: pd.DataFrame
    comparisons: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def linked(self) -> pd.DataFrame:
        return self.links[self.links.band.isin(["exact", "auto"])]

    @property
    def review(self) -> pd.DataFrame:
        return self.links[self.links.band == "review"]


# --- Preparing the tables --------------------------------------------------------------------------------


def _map_distinct(series: pd.Series, function) -> pd.Series:
    """Apply a per-value function once per distinct value: feeds repeat names and dates endlessly."""
    distinct = series.dropna().unique()
    mapping = {value: function(value) for value in distinct}
    return series.map(mapping)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series([None] * len(frame), index=frame.index, dtype=object)


def clean_entities(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """One cleaned row per person or record: `entity_id`, names, date parts, codes, identifiers, aliases."""
    if id_column not in frame.columns:
        raise ValueError(f"the table needs a {id_column!r} column")
    out = pd.DataFrame({"entity_id": frame[id_column].astype(str).to_numpy()})
    for name in ("first_name", "last_name"):
        out[name] = _map_distinct(_column(frame, name), normalise.clean_name).to_numpy()
    if {"dob_year", "dob_month", "dob_day"} & set(frame.columns):
        for part in ("dob_year", "dob_month", "dob_day"):
            # A nullable integer array, not `.to_numpy()`: with gaps that turns into floats, and "1977.0" then
            # never agrees with "1977" in the joined date (`dob`) the comparisons use.
            numbers = pd.to_numeric(_column(frame, part), errors="coerce").astype("float64")
            whole = numbers.where(numbers.mod(1) == 0)  # 7.5 is no month; unknown, not a crash
            out[part] = pd.array(whole.to_numpy(), dtype="Int64")
    else:
        parts = _map_distinct(_column(frame, "date_of_birth"), normalise.split_date_of_birth)
        for index, part in enumerate(("dob_year", "dob_month", "dob_day")):
            values = parts.map(lambda p, i=index: p[i] if isinstance(p, tuple) else None)
            out[part] = pd.array(values.to_numpy(), dtype="Int64")
    out["sex"] = _map_distinct(_column(frame, "sex"), normalise.clean_sex).to_numpy()
    out["race"] = _map_distinct(_column(frame, "race"), normalise.clean_race).to_numpy()
    for name in IDENTIFIERS:
        out[name] = _map_distinct(_column(frame, name), normalise.clean_identifier).to_numpy()
    aliases = _column(frame, "aliases").to_numpy()
    out["aliases"] = [normalise.aliases_of(value)[:MAX_ALIASES] if value is not None else [] for value in aliases]
    return out.astype({name: "string" for name in TEXT_COLUMNS if name in out.columns})


# The persons side of the last `predict`, cleaned and spelt out as name variants. A nightly increment links a few
# thousand rows against the same 100,000 persons, and preparing them was most of its time. Cleaning and variants
# are per person, so the cache is per person: each row of the persons table is known by a digest of all its values
# (id, names, date, aliases, identifiers), a person whose row changed in any way is prepared again, a person no
# longer in the table is dropped, a new one is added. The result is the same table, row for row and in the same
# order, as preparing everyone afresh (test_linkage_engine.py checks that). One table is kept, so memory stays
# bounded by the persons Divert has.
_PREPARED: dict[str, Any] = {}


def _row_digests(frame: pd.DataFrame) -> np.ndarray:
    """A 64-bit digest of every value in each row (lists of aliases by their text)."""
    columns = {}
    for name in frame.columns:
        values = frame[name].astype(object)
        if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty", "integer", "floating", "boolean",
                                                                  "decimal", "date", "datetime"):
            values = values.map(repr)  # lists of aliases, or values of mixed kinds
        columns[name] = values
    return pd.util.hash_pandas_object(pd.DataFrame(columns), index=False).to_numpy()


def _in_order(frames: list[pd.DataFrame], positions: list[np.ndarray]) -> pd.DataFrame:
    frames_with_rows = [(f, p) for f, p in zip(frames, positions, strict=True) if len(f)]
    if len(frames_with_rows) == 1:
        return frames_with_rows[0][0].reset_index(drop=True)
    table = pd.concat([f for f, _ in frames_with_rows], ignore_index=True)
    order = np.argsort(np.concatenate([p for _, p in frames_with_rows]), kind="stable")
    return table.take(order).reset_index(drop=True)


def prepared_persons(persons: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`clean_entities(persons, "person_id")` and its `_variants`, reusing what is unchanged since the last call.

    The frames returned may be shared with later calls: callers read them and never change them in place.
    """
    digests = _row_digests(persons)
    columns = list(persons.columns)
    last = _PREPARED.get("last")  # one tuple, replaced whole: a concurrent call sees the old one or the new one
    cached = dict(zip(("columns", "digests", "entities", "variants"), last, strict=True)) if last else {}
    cached = cached if cached.get("columns") == columns else {}
    if cached and len(cached["digests"]) == len(digests) and np.array_equal(cached["digests"], digests):
        return cached["entities"], cached["variants"]
    known = pd.Series(np.arange(len(cached["digests"])), index=cached["digests"]) if cached else pd.Series(dtype=int)
    known = known[~known.index.duplicated()]
    found = pd.Series(digests).map(known) if len(known) else pd.Series(np.nan, index=range(len(digests)))
    reused = found.notna().to_numpy()
    if not reused.any() or not persons["person_id"].is_unique:
        entities = clean_entities(persons, "person_id")
        variants = _variants(entities)
    else:
        old_rows = found[reused].astype(int).to_numpy()
        fresh = clean_entities(persons[~reused], "person_id")
        entities = _in_order([cached["entities"].take(old_rows), fresh],
                             [np.flatnonzero(reused), np.flatnonzero(~reused)])
        # Variants in `_variants`' order: every own name in the persons' order, then the aliases person by person.
        position = pd.Series(np.arange(len(entities)), index=entities["entity_id"].to_numpy())
        kept_ids = set(cached["entities"]["entity_id"].take(old_rows))
        old_variants = cached["variants"][cached["variants"]["entity_id"].isin(kept_ids)]
        variants = pd.concat([old_variants, _variants(fresh)], ignore_index=True) if len(fresh) else old_variants
        key = pd.DataFrame({"alias": variants["variant"].to_numpy() > 0,
                            "person": variants["entity_id"].map(position).to_numpy(),
                            "variant": variants["variant"].to_numpy()})
        variants = variants.take(np.lexsort((key["variant"], key["person"], key["alias"]))).reset_index(drop=True)
    if persons["person_id"].is_unique:  # a person's rows are found again by their id (above)
        _PREPARED["last"] = (columns, digests, entities, variants)
    else:
        _PREPARED.clear()
    return entities, variants


def _variants(entities: pd.DataFrame) -> pd.DataFrame:
    """The Splink input: one row per name an entity goes by (its own, then each alias), with derived keys."""
    base = entities.drop(columns=["aliases"]).assign(variant=0)
    alias_rows = [
        (position, number, first, last)
        for position, names in enumerate(entities["aliases"])
        for number, (first, last) in enumerate(names, start=1)
    ]
    if alias_rows:
        positions, numbers, firsts, lasts = zip(*alias_rows, strict=True)
        extra = base.iloc[list(positions)].copy()
        extra["variant"] = numbers
        extra["first_name"] = firsts
        extra["last_name"] = lasts
        base = pd.concat([base, extra], ignore_index=True)
    table = base.reset_index(drop=True)
    table.insert(0, "unique_id", table["entity_id"] + "~" + table["variant"].astype(str))
    table["first_canon"] = _map_distinct(table["first_name"], normalise.canonical_first_name)
    table["first_phon"] = _map_distinct(table["first_name"], normalise.phonetic)
    table["last_phon"] = _map_distinct(table["last_name"], normalise.phonetic)
    table["full_name"] = (table["first_name"].fillna("") + " " + table["last_name"].fillna("")).str.strip()
    table.loc[table["full_name"] == "", "full_name"] = None
    complete = table["dob_year"].notna() & table["dob_month"].notna() & table["dob_day"].notna()
    dob = (
        table["dob_year"].astype("string").str.zfill(4)
        + table["dob_month"].astype("string").str.zfill(2)
        + table["dob_day"].astype("string").str.zfill(2)
    )
    table["dob"] = dob.where(complete, None)
    # Typed columns, so that a column with no values at all still reaches DuckDB as text.
    return table.astype({name: "string" for name in TEXT_COLUMNS})


# --- The model ---------------------------------------------------------------------------------------------


def _jw(a: str, b: str, at_least: float) -> str:
    return f"jaro_winkler_similarity({a}, {b}) >= {at_least}"


def name_comparison() -> cl.CustomComparison:
    """First and last name judged together, so a swap or a nickname is one level, not two disagreements."""
    f_l, f_r, s_l, s_r = "first_name_l", "first_name_r", "last_name_l", "last_name_r"
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.CustomLevel(
                f"({f_l} IS NULL OR {f_r} IS NULL) AND ({s_l} IS NULL OR {s_r} IS NULL)", "No names to compare"
            ).configure(is_null_level=True),
            # Splink's term-frequency adjustment needs the plain `x_l = x_r` form to find the exact level.
            cll.CustomLevel("full_name_l = full_name_r", "Exact first and last name").configure(
                tf_adjustment_column="full_name"
            ),
            cll.CustomLevel(f"{_jw(f_l, s_r, 0.92)} AND {_jw(s_l, f_r, 0.92)}", "First and last name swapped"),
            cll.CustomLevel(f"first_canon_l = first_canon_r AND {s_l} = {s_r}", "Nickname, same last name"),
            cll.CustomLevel(f"{_jw(f_l, f_r, 0.92)} AND {_jw(s_l, s_r, 0.92)}", "Both names within a typo"),
            cll.CustomLevel(
                f"(first_phon_l = first_phon_r OR first_canon_l = first_canon_r OR {_jw(f_l, f_r, 0.85)})"
                f" AND (last_phon_l = last_phon_r OR {_jw(s_l, s_r, 0.85)})",
                "Both names sound alike",
            ),
            cll.CustomLevel(
                f"(({s_l} IS NULL OR {s_r} IS NULL) AND (first_canon_l = first_canon_r OR {_jw(f_l, f_r, 0.92)}))"
                f" OR (({f_l} IS NULL OR {f_r} IS NULL) AND {_jw(s_l, s_r, 0.92)})",
                "One name missing, the other agrees",
            ),
            cll.CustomLevel(f"{s_l} = {s_r}", "Same last name only").configure(tf_adjustment_column="last_name"),
            cll.CustomLevel(f"{f_l} = {f_r}", "Same first name only").configure(tf_adjustment_column="first_name"),
            cll.CustomLevel(f"last_phon_l = last_phon_r OR {_jw(s_l, s_r, 0.88)}", "Last name sounds alike"),
            cll.ElseLevel(),
        ],
    )


def date_of_birth_comparison() -> cl.CustomComparison:
    """Full dates, one-digit typos, day and month swapped, and partial dates whose known parts agree."""
    y, m, d = ("dob_year_l", "dob_year_r"), ("dob_month_l", "dob_month_r"), ("dob_day_l", "dob_day_r")

    def agrees_or_unknown(pair: tuple[str, str]) -> str:
        return f"({pair[0]} IS NULL OR {pair[1]} IS NULL OR {pair[0]} = {pair[1]})"

    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.CustomLevel(f"{y[0]} IS NULL OR {y[1]} IS NULL", "No date of birth to compare").configure(
                is_null_level=True
            ),
            cll.CustomLevel("dob_l = dob_r", "Same date of birth"),
            cll.CustomLevel(
                f"{y[0]} = {y[1]} AND {m[0]} = {d[1]} AND {d[0]} = {m[1]} AND {m[0]} <> {d[0]}",
                "Day and month swapped",
            ),
            cll.CustomLevel("damerau_levenshtein(dob_l, dob_r) <= 1", "One digit off"),
            cll.CustomLevel(
                f"{y[0]} = {y[1]} AND {agrees_or_unknown(m)} AND {agrees_or_unknown(d)}", "Known parts agree"
            ),
            cll.CustomLevel("damerau_levenshtein(dob_l, dob_r) <= 2", "Two digits off"),
            cll.CustomLevel(f"{y[0]} = {y[1]}", "Same year"),
            cll.ElseLevel(),
        ],
    )


def identifier_comparison() -> cl.CustomComparison:
    """Identifiers that survived to the probabilistic step disagree or carry a typo; both are evidence."""
    null = " AND ".join(f"({c}_l IS NULL OR {c}_r IS NULL)" for c in IDENTIFIERS)
    exact = " OR ".join(f"{c}_l = {c}_r" for c in IDENTIFIERS)

    def within(edits: int) -> str:
        return " OR ".join(f"damerau_levenshtein({c}_l, {c}_r) <= {edits}" for c in IDENTIFIERS)

    return cl.CustomComparison(
        output_column_name="identifiers",
        comparison_levels=[
            cll.CustomLevel(null, "No identifier on both sides").configure(is_null_level=True),
            cll.CustomLevel(exact, "An identifier agrees"),
            cll.CustomLevel(within(1), "An identifier one character off"),
            cll.CustomLevel(within(2), "An identifier two characters off"),
            cll.ElseLevel(),
        ],
    )


# Candidate pairs; everything else is never scored. Same birthday alone would pair each booking with every
# person born that day (about five per day among 100,000 people), so it also asks for one name to start
# alike - typos rarely hit the first letter, and a nickname keeps the last name.
BLOCKING_RULES = [
    "l.dob = r.dob AND (left(l.first_name, 1) = left(r.first_name, 1) OR left(l.last_name, 1) = left(r.last_name, 1))",
    block_on("first_name", "last_name"),
    "l.first_name = r.last_name AND l.last_name = r.first_name",
    block_on("last_phon", "first_canon"),
    block_on("first_canon", "dob_year", "dob_month"),
    block_on("state_id"),
    block_on("fbi_number"),
]
# Each EM session must leave out the comparisons it blocks on; together they estimate every comparison.
TRAINING_RULES = [block_on("dob"), block_on("first_name", "last_name")]
DETERMINISTIC_RULES = [
    "l.first_name = r.first_name AND l.last_name = r.last_name AND l.dob = r.dob",
    "l.state_id = r.state_id",
]


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[
            name_comparison(),
            date_of_birth_comparison(),
            cl.ExactMatch("sex"),
            cl.ExactMatch("race"),
            identifier_comparison(),
        ],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["entity_id"],
        max_iterations=20,
    )


def _connect(memory_limit: str | None = None, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/divert-linkage-duckdb'")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def _linker(con: duckdb.DuckDBPyConnection, persons: pd.DataFrame, records: pd.DataFrame, model) -> Linker:
    db_api = DuckDBAPI(con)
    frames = [
        db_api.register(persons, dataset_display_name=PERSONS),
        db_api.register(records, dataset_display_name=RECORDS),
    ]
    return Linker(frames, model, log_level=logging.WARNING)


def train(
    persons: pd.DataFrame,
    records: pd.DataFrame,
    labels: pd.DataFrame | None = None,
    *,
    thresholds: Thresholds | None = None,
    seed: int = 20240601,
    u_pairs: float = 5e6,
    em_pairs: float | None = 2e6,
    min_labels: int = 50,
    memory_limit: str | None = None,
) -> LinkageModel:
    """Fit the model: u from random pairs, m by EM on blocked pairs, then from labels when there are enough.

    `labels` (optional) has `record_id`, `person_id`, `is_match`: the review queue's decisions. With at least
    `min_labels` accepted pairs, m is estimated from them instead of EM's guess. Splink learns m only from
    matches, so rejections are kept for evaluation, not fitted.
    """
    person_rows = _variants(clean_entities(persons, "person_id"))
    record_rows = _variants(clean_entities(records, "record_id"))
    con = _connect(memory_limit)
    try:
        linker = _linker(con, person_rows, record_rows, settings())
        training = linker.training
        lap = time.perf_counter()
        training.estimate_probability_two_random_records_match(DETERMINISTIC_RULES, recall=0.7)
        logger.info("linkage: lambda estimated in %.1fs", time.perf_counter() - lap)
        training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
        logger.info("linkage: u estimated in %.1fs", time.perf_counter() - lap)
        for rule in TRAINING_RULES:
            training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=em_pairs)
            logger.info("linkage: EM session done at %.1fs", time.perf_counter() - lap)
        label_count = 0
        if labels is not None and len(labels):
            accepted = labels[labels["is_match"].astype(bool)]
            label_count = len(labels)
            if len(accepted) >= min_labels:
                pairs = pd.DataFrame(
                    {
                        "source_dataset_l": PERSONS,
                        "unique_id_l": accepted["person_id"].astype(str) + "~0",
                        "source_dataset_r": RECORDS,
                        "unique_id_r": accepted["record_id"].astype(str) + "~0",
                    }
                )
                table = linker.table_management.register_table(pairs, "__divert_labels", overwrite=True)
                training.estimate_m_from_pairwise_labels(table)
        model_settings = linker.misc.save_model_to_json()
    finally:
        con.close()
    return LinkageModel(
        settings=_fill_untrained_levels(model_settings),
        thresholds=thresholds or Thresholds(),
        trained_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        trained_on={"persons": len(persons), "records": len(records), "labels": label_count},
    )


# A level that training data may never show (no swapped dates in the sample) counts at least as much as a
# sibling level it is no weaker than: a day/month swap is as telling as a one-digit typo.
AT_LEAST_AS_STRONG_AS = {
    ("date_of_birth", "Day and month swapped"): "One digit off",
    ("name", "First and last name swapped"): "Both names within a typo",
    ("name", "Nickname, same last name"): "Same last name only",
}


def _fill_untrained_levels(model_settings: dict[str, Any]) -> dict[str, Any]:
    """Give unseen levels a usable weight: neutral when unknown, or their stronger sibling's (see above)."""
    model_settings = copy.deepcopy(model_settings)
    for comparison in model_settings["comparisons"]:
        levels = {level.get("label_for_charts"): level for level in comparison["comparison_levels"]}
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            for key in ("m_probability", "u_probability"):
                if not level.get(key):
                    level[key] = level.get("u_probability") or 1e-6 if key == "m_probability" else 1e-6
        for label, level in levels.items():
            sibling = levels.get(AT_LEAST_AS_STRONG_AS.get((comparison["output_column_name"], label), ""))
            if sibling and not sibling.get("is_null_level"):
                ratio = sibling["m_probability"] / sibling["u_probability"]
                if level["m_probability"] / level["u_probability"] < ratio:
                    level["m_probability"] = min(level["u_probability"] * ratio, 1.0)
    return model_settings


def predict(
    model: LinkageModel,
    persons: pd.DataFrame,
    records: pd.DataFrame,
    *,
    max_candidates: int = 3,
    memory_limit: str | None = None,
) -> LinkResult:
    """Link `records` to `persons` with a trained model, without retraining (the nightly path).

    Exact identifier links come first; those records skip scoring. For the rest, each record's best person at
    or above `auto_link` links ("auto") when no other person also reaches it; otherwise up to
    `max_candidates` people at or above `review` go to review, best first (`rank`).
    """
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    person_entities, person_variants = prepared_persons(persons)
    record_entities = clean_entities(records, "record_id")
    seconds["prepare"] = time.perf_counter() - started
    con = _connect(memory_limit)
    try:
        lap = time.perf_counter()
        exact = exact_links(person_entities, record_entities, con)
        exact["rank"] = 1
        seconds["exact"] = time.perf_counter() - lap
        rest = record_entities[~record_entities["entity_id"].isin(exact["record_id"])]
        if rest.empty or person_entities.empty:
            return LinkResult(links=exact[LINK_COLUMNS].reset_index(drop=True), seconds=seconds)
        lap = time.perf_counter()
        linker = _linker(con, person_variants, _variants(rest), copy.deepcopy(model.settings))
        blocked = linker.inference.compute_blocked_pairs_for_predict()
        comparisons = con.execute(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()[0][0]  # noqa: S608
        scored = linker.inference.predict(threshold_match_probability=model.thresholds.review, warning_mode="never")
        probabilistic = _choose(con, scored.physical_name, model.thresholds, max_candidates)
        seconds["probabilistic"] = time.perf_counter() - lap
    finally:
        con.close()
    found = [frame for frame in (exact[LINK_COLUMNS], probabilistic) if len(frame)]
    links = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=LINK_COLUMNS)
    seconds["total"] = time.perf_counter() - started
    return LinkResult(links=links, comparisons=int(comparisons), seconds=seconds)


def _choose(con: duckdb.DuckDBPyConnection, table: str, thresholds: Thresholds, max_candidates: int) -> pd.DataFrame:
    """From scored name variants to one decision per record: the best variant speaks for each person."""
    return con.execute(choose_sql(table, thresholds, max_candidates)).df()


def choose_sql(table: str, thresholds: Thresholds, max_candidates: int) -> str:
    """The decision as SQL that DuckDB and Spark both run (spark.py uses it on Spark's scored pairs)."""
    return f"""
        WITH oriented AS (
            SELECT CASE WHEN source_dataset_l = '{RECORDS}' THEN entity_id_l ELSE entity_id_r END AS record_id,
                   CASE WHEN source_dataset_l = '{RECORDS}' THEN entity_id_r ELSE entity_id_l END AS person_id,
                   match_probability, match_weight
            FROM {table}
        ),
        best AS (
            SELECT record_id, person_id, max(match_probability) AS match_probability,
                   max(match_weight) AS match_weight
            FROM oriented GROUP BY record_id, person_id
        ),
        ranked AS (
            SELECT *,
                   row_number() OVER (PARTITION BY record_id ORDER BY match_weight DESC, person_id) AS rank,
                   sum(CASE WHEN match_probability >= {thresholds.auto_link} THEN 1 ELSE 0 END)
                       OVER (PARTITION BY record_id) AS n_auto
            FROM best
        ),
        decided AS (
            SELECT *, max(CASE WHEN rank = 1 AND n_auto = 1 AND match_probability >= {thresholds.auto_link}
                               THEN 1 ELSE 0 END) OVER (PARTITION BY record_id) = 1 AS auto
            FROM ranked
        )
        SELECT record_id, person_id, CASE WHEN auto THEN 'auto' ELSE 'review' END AS band,
               'probabilistic' AS method, match_probability, match_weight,
               CAST(NULL AS STRING) AS identifiers, rank
        FROM decided
        WHERE (auto AND rank = 1) OR (NOT auto AND rank <= {max_candidates})
        ORDER BY record_id, rank
        """  # noqa: S608 - table names and numbers are ours


def link(
    persons: pd.DataFrame,
    records: pd.DataFrame,
    *,
    model: LinkageModel | None = None,
    labels: pd.DataFrame | None = None,
    thresholds: Thresholds | None = None,
    **options: Any,
) -> tuple[LinkageModel, LinkResult]:
    """Train (unless a model is given) and predict in one call; returns the model used and the links."""
    predict_options = {k: options.pop(k) for k in ("max_candidates",) if k in options}
    if model is None:
        model = train(persons, records, labels, thresholds=thresholds, **options)
    elif thresholds is not None:
        model = copy.copy(model)
        model.thresholds = thresholds
    memory_limit = options.get("memory_limit")
    return model, predict(model, persons, records, memory_limit=memory_limit, **predict_options)
