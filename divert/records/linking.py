"""The staged-row adapter of the linkage engine: who in Divert each waiting justice-data row belongs to.

`link_waiting()` hands the engine (divert.records.linkage) a persons table built from `Person` (names, aliases,
identifiers; merged records left out) and a records table built from current staged rows still unlinked, runs it
with the active saved model (training one when there is none), and writes back what it decided:

- exact identifier links and automatic links: `link_status` "linked" and `person`, then
  `divert.records.events.on_linked(rows)` turns them into justice events and alerts, in the same transaction;
- the review band: `link_status` "review" and one `LinkCandidate` per person the row may belong to;
- everything else: "no_match".

A finished import calls `link_after_import()` (see importer.py), so its rows are linked, and alerts raised, in the
same process as soon as the file is in. See docs/linkage.md.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import QuerySet

from divert.audit.log import log_event
from divert.participants.models import Alias, Identifier, Person
from divert.records.linkage import engine, store
from divert.records.linkage.engine import LinkageModel, Thresholds
from divert.records.models import (
    CandidateStatus,
    LinkageModelVersion,
    LinkCandidate,
    LinkReview,
    LinkStatus,
    StagedRecord,
)

logger = logging.getLogger(__name__)

IDENTIFIER_COLUMNS = {
    Identifier.Kind.STATE_ID: "state_id",
    Identifier.Kind.FBI: "fbi_number",
    Identifier.Kind.JAIL_ID: "jail_person_id",
}
RECORD_FIELDS = ["first_name", "last_name", "dob_year", "dob_month", "dob_day", "sex", "race", "state_id",
                 "fbi_number", "jail_person_id"]
CHUNK = 1000
# Explanations are computed for the review band only (a reviewer reads them); past this many pairs a run skips
# them rather than slow a large first link down.
MAX_EXPLAINED = 2000
METHOD_MAX = 24

Progress = Callable[[str, int, int], None]

# One run at a time in a process: two imports finishing together must not link the same rows twice.
_RUN_LOCK = threading.Lock()
_paused: ContextVar[bool] = ContextVar("divert_linking_paused", default=False)


@dataclass
class LinkRun:
    """What one run did: counts of rows by outcome, events written by on_linked, the model used."""

    considered: int = 0
    exact: int = 0
    auto: int = 0
    review: int = 0
    no_match: int = 0
    candidates: int = 0
    events: int = 0
    comparisons: int = 0
    model_version: int | None = None
    seconds: float = 0.0
    linked_ids: list[int] = field(default_factory=list, repr=False)

    @property
    def linked(self) -> int:
        return self.exact + self.auto

    def summary(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "linked_ids"}


def _noop(stage: str, done: int, total: int) -> None:
    return None


# --- The engine's tables ----------------------------------------------------------------------------------------


def _blank_to_none(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.replace({"": None})


def persons_frame(persons: QuerySet[Person] | None = None) -> pd.DataFrame:
    """One row per person Divert links to: names, date of birth, aliases and one identifier of each kind.

    Merged records are left out (their survivor carries their names and identifiers). Street names are left
    out of the aliases: a single word matches too many strangers' last names.
    """
    people = (persons if persons is not None else Person.objects.all()).filter(merged_into__isnull=True)
    rows = _raw_rows(people.order_by().values_list("pk", "first_name", "last_name", "date_of_birth"))
    frame = pd.DataFrame(rows, columns=["person_id", "first_name", "last_name", "date_of_birth"])
    wanted = {pk for pk, *_ in rows}
    aliases: dict[int, list[str]] = {}
    # Only the persons read above are kept (`wanted`, unmerged already): no join back to the persons table.
    for person_id, name in _raw_rows(Alias.objects.exclude(kind=Alias.Kind.STREET).order_by("id")
                                     .values_list("person_id", "name")):
        if person_id in wanted:
            aliases.setdefault(person_id, []).append(name)
    identifiers: dict[str, dict[int, str]] = {column: {} for column in IDENTIFIER_COLUMNS.values()}
    for person_id, kind, value in _raw_rows(Identifier.objects.filter(kind__in=list(IDENTIFIER_COLUMNS))
                                            .order_by("id").values_list("person_id", "kind", "value")):
        if person_id in wanted:
            identifiers[IDENTIFIER_COLUMNS[kind]].setdefault(person_id, value)  # the first one recorded
    ids = [pk for pk, *_ in rows]
    frame["aliases"] = pd.Series([aliases.get(pk, []) for pk in ids], index=frame.index, dtype=object)
    for column, values in identifiers.items():
        frame[column] = frame["person_id"].map(values)
    # SQLite hands a date back as its ISO text, PostgreSQL as a date.
    frame["date_of_birth"] = [(d if isinstance(d, str) else d.isoformat()) if d else None for _, _, _, d in rows]
    frame["person_id"] = [str(pk) for pk in ids]
    return _blank_to_none(frame)


def _raw_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a `values_list` query as the database driver returns them: the same SQL, without the ORM's
    per-value conversion (a hundred thousand persons and their aliases and identifiers are read every run)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _date_text(year: int | None, month: int | None, day: int | None) -> str | None:
    return f"{year:04d}-{month or 0:02d}-{day or 0:02d}" if year else None  # "1980-00-00": parts unknown


def records_frame(records: QuerySet[StagedRecord]) -> pd.DataFrame:
    """One row per staged row. The date of birth goes as text with 00 for unknown parts: the engine reads that
    form directly (its dob_year/dob_month/dob_day path turns a column with gaps into floats)."""
    rows = [(pk, *rest[:2], _date_text(*rest[2:5]), *rest[5:])
            for pk, *rest in records.order_by().values_list("pk", *RECORD_FIELDS).iterator(chunk_size=5000)]
    columns = ["record_id", "first_name", "last_name", "date_of_birth", *RECORD_FIELDS[5:]]
    frame = pd.DataFrame(rows, columns=columns)
    frame["record_id"] = frame["record_id"].astype(str)
    return _blank_to_none(frame)


def labels_frame(persons: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """Review decisions as labels (`record_id`, `person_id`, `is_match`), merged persons read as their survivor."""
    survivors = dict(Person.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into_id"))

    def survivor(pk: int) -> int:
        seen = set()
        while pk in survivors and pk not in seen:
            seen.add(pk)
            pk = survivors[pk]
        return pk

    rows = [(str(record_id), str(survivor(person_id)), decision == "accepted")
            for record_id, person_id, decision in LinkReview.objects.values_list("staged_record_id", "person_id",
                                                                                 "decision")]
    frame = pd.DataFrame(rows, columns=["record_id", "person_id", "is_match"])
    known = frame["record_id"].isin(set(records["record_id"])) & frame["person_id"].isin(set(persons["person_id"]))
    return frame[known].drop_duplicates(["record_id", "person_id"], keep="first").reset_index(drop=True)


# --- Model versions ----------------------------------------------------------------------------------------------


def active_version() -> LinkageModelVersion | None:
    return LinkageModelVersion.objects.filter(active=True).first()


def load_version(version: LinkageModelVersion) -> LinkageModel:
    with Path(version.file_path).open(encoding="utf-8") as handle:
        return LinkageModel.from_dict(json.load(handle))


def _training_sizes(u_pairs: float | None, em_pairs: float | None) -> dict:
    return {"u_pairs": u_pairs or getattr(settings, "DIVERT_LINKAGE_U_PAIRS", 5e6),
            "em_pairs": em_pairs or getattr(settings, "DIVERT_LINKAGE_EM_PAIRS", 2e6)}


def train_version(*, actor=None, persons: QuerySet[Person] | None = None,
                  records: QuerySet[StagedRecord] | None = None, thresholds: Thresholds | None = None,
                  u_pairs: float | None = None, em_pairs: float | None = None, directory: str | Path | None = None,
                  progress: Progress = _noop) -> LinkageModelVersion:
    """Train on persons, current staged rows and the review queue's labels; save the next version; make it active."""
    progress("reading persons and staged rows for training", 0, 1)
    person_table = persons_frame(persons)
    record_table = records_frame(records if records is not None else StagedRecord.objects.current())
    labels = labels_frame(person_table, record_table)
    if person_table.empty or record_table.empty:
        raise ValueError("Training needs at least one person and one staged row.")
    progress("training", 0, 1)
    model = engine.train(person_table, record_table, labels if len(labels) else None,
                         thresholds=thresholds or current_thresholds(), **_training_sizes(u_pairs, em_pairs))
    path = store.save_model(model, directory)
    with transaction.atomic():
        LinkageModelVersion.objects.filter(active=True).update(active=False)
        version = LinkageModelVersion.objects.create(
            version=model.version, file_path=str(path), auto_link_threshold=model.thresholds.auto_link,
            review_threshold=model.thresholds.review, trained_persons=len(person_table),
            trained_records=len(record_table), trained_labels=len(labels), trained_by=actor, active=True)
        log_event("divert.records.linkage.trained", actor=actor, target=version,
                  details={"version": version.version, "persons": len(person_table), "records": len(record_table),
                           "labels": len(labels), "accepted_labels": int(labels["is_match"].sum()),
                           "thresholds": asdict(model.thresholds)})
    progress("training", 1, 1)
    return version


def current_thresholds() -> Thresholds | None:
    version = active_version()
    if version is None:
        return None
    return Thresholds(auto_link=version.auto_link_threshold, review=version.review_threshold)


def model_in_use(*, actor=None, progress: Progress = _noop, **train_options) -> tuple[LinkageModelVersion,
                                                                                    LinkageModel]:
    """The active model, or a newly trained one when there is none (or its file is gone)."""
    version = active_version()
    if version is not None:
        try:
            return version, load_version(version)
        except (FileNotFoundError, ValueError) as exc:
            logger.warning("linkage model v%s cannot be read (%s); training a new one", version.version, exc)
    version = train_version(actor=actor, progress=progress, **train_options)
    return version, load_version(version)


# --- Linking -----------------------------------------------------------------------------------------------------


def waiting_records(statuses: Iterable[str] = (LinkStatus.UNLINKED,)) -> QuerySet[StagedRecord]:
    return StagedRecord.objects.current().filter(link_status__in=list(statuses))


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Imports finishing inside this block are not linked at once (a caller links them itself)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def link_after_import(imp) -> LinkRun | None:
    """Called by the importer when a file finished: link every waiting row now. A failure here never undoes the
    import; the rows stay unlinked for the next run (the periodic job, the next import, or `divert link`)."""
    if _paused.get() or getattr(settings, "DIVERT_LINK_AFTER_IMPORT", True) is False:
        return None
    try:
        return link_waiting(actor=imp.created_by)
    except Exception:
        logger.exception("linking after import %s stopped on an error; its rows wait for the next run", imp.pk)
        return None


def link_waiting_job(now=None) -> int:
    """The periodic job: rows an import left waiting (linking after it failed, or was switched off)."""
    if not waiting_records().exists():
        return 0
    return link_waiting().considered


def link_waiting(*, records: QuerySet[StagedRecord] | None = None, persons: QuerySet[Person] | None = None,
                 again: Iterable[str] = (), actor=None, progress: Progress = _noop,
                 version: LinkageModelVersion | None = None, model: LinkageModel | None = None,
                 predictor: Callable[..., engine.LinkResult] | None = None, **train_options) -> LinkRun:
    """Link current staged rows still unlinked (and, with `again`, rows in those states, e.g. "no_match").

    `records` narrows which rows (still only current, waiting ones); `persons` narrows who they may link to.
    `predictor(model, persons, records)` scores them: `engine.predict` (DuckDB) unless given, e.g.
    `linkage.spark.predict` for `divert link --backend spark`.
    """
    statuses = [LinkStatus.UNLINKED, *again]
    with _RUN_LOCK:
        started = time.perf_counter()
        run = LinkRun()
        chosen = waiting_records(statuses)
        if records is not None:
            chosen = chosen.filter(pk__in=records.values("pk"))
        _withdraw_stale_candidates()
        progress("reading staged rows", 0, 1)
        record_table = records_frame(chosen)
        run.considered = len(record_table)
        if not run.considered:
            return run
        progress("reading persons", 0, 1)
        person_table = persons_frame(persons)
        if person_table.empty:  # nobody to link to yet: nothing is decided, the rows keep waiting
            run.considered = 0
            return run
        if model is None:
            version, model = model_in_use(actor=actor, progress=progress, **train_options)
        run.model_version = version.version if version else model.version
        progress("linking", 0, run.considered)
        result = (predictor or engine.predict)(model, person_table, record_table)
        links, run.comparisons = result.links, result.comparisons
        explanations = _explain(model, person_table, record_table, links[links.band == "review"])
        _write(run, links, record_table, statuses, version, explanations, progress)
        run.seconds = round(time.perf_counter() - started, 2)
        log_event("divert.records.linkage.ran", actor=actor, target=version, details=run.summary())
        return run


def _write(run: LinkRun, links: pd.DataFrame, record_table: pd.DataFrame, statuses: list[str],
           version: LinkageModelVersion | None, explanations: dict, progress: Progress) -> None:
    from divert.records import events  # its on_linked is looked up at call time (tests observe it)

    linked = links[links.band.isin(["exact", "auto"])]
    review = links[links.band == "review"]
    done, total = 0, run.considered
    bands = dict(zip(linked.record_id.astype(int), linked.band, strict=True))
    targets = dict(zip(linked.record_id.astype(int), linked.person_id.astype(int), strict=True))
    for chunk in _chunks(sorted(targets)):
        with transaction.atomic():
            rows = list(StagedRecord.objects.select_for_update().filter(pk__in=chunk, link_status__in=statuses))
            for row in rows:
                row.person_id, row.link_status = targets[row.pk], LinkStatus.LINKED
                setattr(run, bands[row.pk], getattr(run, bands[row.pk]) + 1)
            _set_links(rows)
            if rows:
                run.events += events.on_linked(rows) or 0
            run.linked_ids.extend(row.pk for row in rows)
        done += len(chunk)
        progress("writing links", done, total)

    by_record: dict[int, list] = {}
    for item in review.itertuples(index=False):
        by_record.setdefault(int(item.record_id), []).append(item)
    for chunk in _chunks(sorted(by_record)):
        with transaction.atomic():
            ids = list(StagedRecord.objects.select_for_update().filter(pk__in=chunk, link_status__in=statuses)
                       .values_list("pk", flat=True))
            StagedRecord.objects.filter(pk__in=ids).update(link_status=LinkStatus.REVIEW, person=None)
            candidates = [
                LinkCandidate(staged_record_id=pk, person_id=int(item.person_id), rank=int(item.rank or 1),
                              method=str(item.method)[:METHOD_MAX], match_probability=_number(item.match_probability),
                              match_weight=_number(item.match_weight), identifiers=str(item.identifiers or "")[:100],
                              explanation=explanations.get((str(pk), str(item.person_id)), []),
                              model_version=version)
                for pk in ids for item in by_record[pk]
            ]
            LinkCandidate.objects.bulk_create(candidates, ignore_conflicts=True)
            run.review += len(ids)
            run.candidates += len(candidates)
        done += len(chunk)
        progress("writing the review queue", done, total)

    decided = set(targets) | set(by_record)
    rest = [int(pk) for pk in record_table.record_id if int(pk) not in decided]
    for chunk in _chunks(rest):
        run.no_match += StagedRecord.objects.filter(pk__in=chunk, link_status__in=statuses).update(
            link_status=LinkStatus.NO_MATCH)
        done += len(chunk)
        progress("writing rows without a match", done, total)


def _set_links(rows: list[StagedRecord]) -> None:
    """Save the person and "linked" of rows the caller holds locked: one UPDATE with a CASE on the row id, which
    `bulk_update` would also write but builds a thousand ORM expressions per chunk to get there."""
    if not rows:
        return
    meta, quote = StagedRecord._meta, connection.ops.quote_name
    pk, person, status = (quote(meta.get_field(name).column) for name in ("id", "person", "link_status"))
    cases = " ".join(f"WHEN {int(row.pk)} THEN {int(row.person_id)}" for row in rows)
    ids = ", ".join(str(int(row.pk)) for row in rows)
    with connection.cursor() as cursor:  # every value is an integer we made, or the parameter
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {person} = CASE {pk} {cases} END, {status} = %s "  # noqa: S608
            f"WHERE {pk} IN ({ids})", [LinkStatus.LINKED])


def _withdraw_stale_candidates() -> None:
    """Open pairs whose row a correction replaced, or whose row is no longer in review, are no longer asked."""
    LinkCandidate.objects.filter(status=CandidateStatus.OPEN).filter(
        staged_record__superseded=True).update(status=CandidateStatus.WITHDRAWN)


def _chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    return float(value)


# --- Why a pair scored as it did -----------------------------------------------------------------------------------


def _explain(model: LinkageModel, persons: pd.DataFrame, records: pd.DataFrame,
             pairs: pd.DataFrame) -> dict[tuple[str, str], list[dict]]:
    """Per review pair, each comparison's level and weight (log2 Bayes factor with its term-frequency adjustment).

    Splink is asked again for these pairs only, with its intermediate columns kept; term frequencies come from
    the smaller tables, so a weight can differ a little from the run's.
    """
    pairs = pairs[pairs.method == "probabilistic"]
    if pairs.empty or len(pairs) > MAX_EXPLAINED:
        return {}
    try:
        return _explain_pairs(model, persons, records, pairs)
    except Exception:  # an explanation is a help for the reviewer, never a reason to stop linking
        logger.exception("could not explain the review pairs")
        return {}


def _explain_pairs(model, persons, records, pairs) -> dict[tuple[str, str], list[dict]]:
    wanted = set(zip(pairs.record_id.astype(str), pairs.person_id.astype(str), strict=True))
    person_rows = engine._variants(engine.clean_entities(
        persons[persons.person_id.isin({p for _, p in wanted})], "person_id"))
    record_rows = engine._variants(engine.clean_entities(
        records[records.record_id.isin({r for r, _ in wanted})], "record_id"))
    model_settings = copy.deepcopy(model.settings)
    model_settings["retain_intermediate_calculation_columns"] = True
    con = engine._connect()
    try:
        linker = engine._linker(con, person_rows, record_rows, model_settings)
        scored = linker.inference.predict(warning_mode="never").as_pandas_dataframe()
    finally:
        con.close()
    if scored.empty:
        return {}
    flipped = scored["source_dataset_l"] == engine.RECORDS
    scored["record_id"] = scored["entity_id_l"].where(flipped, scored["entity_id_r"]).astype(str)
    scored["person_id"] = scored["entity_id_r"].where(flipped, scored["entity_id_l"]).astype(str)
    scored = scored.sort_values("match_weight", ascending=False).drop_duplicates(["record_id", "person_id"])
    # Splink reports each comparison's weight (mw_*), not its level: the level is the one whose log2(m/u) it is.
    levels: dict[str, list[tuple[float, str]]] = {}
    for comparison in model_settings["comparisons"]:
        found = []
        for level in comparison["comparison_levels"]:
            label = level.get("label_for_charts", "")
            if level.get("is_null_level"):
                found.append((0.0, label))
            elif level.get("m_probability") and level.get("u_probability"):
                found.append((math.log2(level["m_probability"] / level["u_probability"]), label))
        levels[comparison["output_column_name"]] = found
    out = {}
    for row in scored.to_dict("records"):
        key = (row["record_id"], row["person_id"])
        if key not in wanted:
            continue
        parts = []
        for name, known in levels.items():
            weight = row.get(f"mw_{name}")
            if weight is None or pd.isna(weight):
                continue
            labels = [label for value, label in known if abs(value - weight) < 1e-6]
            adjustment = row.get(f"mw_tf_adj_{name}")
            total = weight + (adjustment if adjustment is not None and not pd.isna(adjustment) else 0.0)
            parts.append({"comparison": name, "level": " or ".join(dict.fromkeys(labels)),
                          "weight": round(float(total), 2)})
        out[key] = parts
    return out
