"""The linkage engine on small made-up tables: identifiers first, swaps, typos, strangers, saved models."""

import pandas as pd
import pytest

from divert.records.linkage import Thresholds, bench, engine, exact_links, load_model, normalise, save_model

# Two people the synthetic population cannot contain (their names are not in its pools).
ZEB = {"person_id": "zeb", "first_name": "Zebulon", "last_name": "Quackenbush", "date_of_birth": "1984-03-11",
       "sex": "M", "race": "W", "state_id": "WA-1234567"}  # fmt: skip
ODA = {"person_id": "oda", "first_name": "Odalys", "last_name": "Pemberton-Ruiz", "date_of_birth": "1990-07-22",
       "sex": "F", "race": "H", "fbi_number": "FB77"}  # fmt: skip


@pytest.fixture(scope="module")
def population():
    persons = bench.synthetic_persons(400, seed=11)
    records = bench.synthetic_bookings(persons, 3000, seed=12).drop(columns=["true_person_id"])
    return pd.concat([persons, pd.DataFrame([ZEB, ODA])], ignore_index=True), records


@pytest.fixture(scope="module")
def model(population):
    persons, records = population
    return engine.train(persons, records, u_pairs=3e5, em_pairs=2e5)


def link_one(model, persons, **record):
    record = {"record_id": "r1", **record}
    links = engine.predict(model, persons, pd.DataFrame([record])).links
    return links[links["rank"] == 1].set_index("record_id").to_dict("index").get("r1")


def test_identifiers_link_first_and_skip_scoring(model, population):
    persons, _ = population
    found = link_one(model, persons, first_name="Someone", last_name="Else", state_id="wa 1234567")
    assert found["person_id"] == "zeb"
    assert (found["band"], found["method"], found["identifiers"]) == ("exact", "identifier", "state_id")


def test_identifiers_that_disagree_go_to_review():
    persons = pd.DataFrame([{**ZEB, "fbi_number": "FB1"}, ODA])
    records = pd.DataFrame([{"record_id": "r1", "state_id": "WA1234567", "fbi_number": "FB77"}])
    clean = engine.clean_entities
    links = exact_links(clean(persons, "person_id"), clean(records, "record_id"))
    assert set(links.person_id) == {"zeb", "oda"}
    assert set(links.band) == {"review"} and set(links.method) == {"identifier-conflict"}


def test_same_name_and_birthday_links_automatically(model, population):
    persons, _ = population
    found = link_one(model, persons, first_name="ZEBULON", last_name="QUACKENBUSH", date_of_birth="03/11/1984")
    assert (found["person_id"], found["band"]) == ("zeb", "auto")


def test_swapped_names_link(model, population):
    persons, _ = population
    found = link_one(model, persons, first_name="Quackenbush", last_name="Zebulon", date_of_birth="1984-03-11",
                     sex="male")  # fmt: skip
    assert (found["person_id"], found["band"]) == ("zeb", "auto")


def test_day_and_month_swapped_is_at_least_reviewed(model, population):
    persons, _ = population
    found = link_one(model, persons, first_name="Zebulon", last_name="Quackenbush", date_of_birth="1984-11-03")
    assert found is not None and found["person_id"] == "zeb"
    assert found["band"] in {"auto", "review"}


def test_an_alias_links(model, population):
    persons, _ = population
    persons = pd.concat([persons, pd.DataFrame([{**ODA, "person_id": "oda2", "fbi_number": None,
                                                 "aliases": ["Vantongeren, Odalys"]}])], ignore_index=True)  # fmt: skip
    found = link_one(model, persons, first_name="Odalys", last_name="Van Tongeren", date_of_birth="1990-07-22")
    assert found["person_id"] == "oda2"


def test_a_clearly_different_person_does_not_link(model, population):
    persons, _ = population
    found = link_one(model, persons, first_name="Zebulon", last_name="Okonkwo", date_of_birth="1961-12-30",
                     sex="F", race="B")  # fmt: skip
    assert found is None


def test_saved_model_round_trips_and_predicts_the_same(model, population, tmp_path):
    persons, records = population
    first = save_model(model, tmp_path)
    second = save_model(model, tmp_path)
    assert (first.name, second.name) == ("linkage-model-v0001.json", "linkage-model-v0002.json")
    loaded = load_model(directory=tmp_path)
    assert loaded.version == 2 and loaded.thresholds == model.thresholds
    sample = records.head(300)
    before = engine.predict(model, persons, sample).links
    after = engine.predict(loaded, persons, sample).links
    pd.testing.assert_frame_equal(before, after)
    with pytest.raises(FileNotFoundError):
        load_model(directory=tmp_path / "empty")


def test_thresholds_must_be_ordered():
    with pytest.raises(ValueError):
        Thresholds(auto_link=0.5, review=0.9)


def test_labels_from_review_train_m(population):
    persons, records = population
    labels = pd.DataFrame({"record_id": ["x"] * 0, "person_id": [], "is_match": []})
    trained = engine.train(persons.head(100), records.head(400), labels, u_pairs=1e5, em_pairs=1e5, min_labels=1)
    assert trained.trained_on["labels"] == 0
    found = bench.synthetic_bookings(persons.head(100), 400, seed=3)
    accepted = found.dropna(subset=["true_person_id"]).head(60)
    labels = pd.DataFrame({"record_id": accepted.record_id, "person_id": accepted.true_person_id, "is_match": True})
    trained = engine.train(persons.head(100), found.drop(columns=["true_person_id"]), labels, u_pairs=1e5,
                           em_pairs=1e5)  # fmt: skip
    assert trained.trained_on["labels"] == 60


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("1984-03-11", (1984, 3, 11)),
        ("19840311", (1984, 3, 11)),
        ("03/11/1984", (1984, 3, 11)),
        ("1984-00-11", (1984, None, 11)),
        ("1984", (1984, None, None)),
        ("not a date", (None, None, None)),
    ],
)
def test_partial_dates_of_birth(raw, parts):
    assert normalise.split_date_of_birth(raw) == parts


def test_names_nicknames_and_sounds():
    assert normalise.clean_name("O'Neil-Smith, Jr.") == "oneil smith"
    assert normalise.canonical_first_name("bill") == "william"
    assert normalise.phonetic("smyth") == normalise.phonetic("smith")
    assert normalise.split_alias("DOE, JOHN") == ("john", "doe")
    assert normalise.clean_identifier(1234567.0) == "1234567"


def test_date_parts_with_gaps_stay_whole_numbers():
    """dob_year/dob_month/dob_day with gaps (None) once became floats, so the joined date read "1977.07.02.0"
    and never agreed with anything; they are nullable integers now."""
    frame = pd.DataFrame({"record_id": ["a", "b", "c"], "first_name": ["Ann", "Bo", "Cy"],
                          "dob_year": [1977, None, "1980"], "dob_month": [7, None, None],
                          "dob_day": [2, None, None]})
    entities = engine.clean_entities(frame, "record_id")
    for part in ("dob_year", "dob_month", "dob_day"):
        assert str(entities[part].dtype) == "Int64"
    assert entities["dob_year"].tolist()[::2] == [1977, 1980]
    dob = engine._variants(entities)["dob"]
    assert dob.iloc[0] == "19770702" and dob.iloc[1:].isna().all()  # partial dates have no full date


def test_a_date_part_that_is_not_a_whole_number_is_unknown():
    frame = pd.DataFrame({"record_id": ["a", "b"], "dob_year": [1980, 1981], "dob_month": [7.5, 3],
                          "dob_day": ["x", 4]})
    entities = engine.clean_entities(frame, "record_id")
    assert entities["dob_month"].isna().tolist() == [True, False]
    assert entities["dob_day"].isna().tolist() == [True, False]


def test_a_record_given_as_date_parts_links_like_one_given_as_text(model, population):
    """The parts path end to end, alone and in a column with gaps."""
    persons, _ = population
    as_parts = link_one(model, persons, first_name="Zebulon", last_name="Quackenbush", dob_year=1984, dob_month=3,
                        dob_day=11)
    assert as_parts is not None and as_parts["person_id"] == "zeb" and as_parts["band"] == "auto"
    records = pd.DataFrame([{"record_id": "r1", "first_name": "Zebulon", "last_name": "Quackenbush",
                             "dob_year": 1984, "dob_month": 3, "dob_day": 11},
                            {"record_id": "r2", "first_name": "Odalys", "last_name": "Pemberton-Ruiz",
                             "dob_year": None, "dob_month": None, "dob_day": None}])
    links = engine.predict(model, persons, records).links
    best = links[links["rank"] == 1].set_index("record_id")
    assert best.loc["r1", "person_id"] == "zeb" and best.loc["r1", "band"] == "auto"  # a column with gaps


def test_prepared_persons_after_changes_equal_a_fresh_preparation(population):
    """The nightly cache of prepared persons: a changed alias, name or identifier, a person gone and a person added
    give exactly the tables a fresh preparation gives, row for row and in order; a changed person is never stale."""
    persons = population[0].copy()
    engine._PREPARED.clear()

    def fresh(frame):
        entities = engine.clean_entities(frame, "person_id")
        return entities, engine._variants(entities)

    def same(frame):
        for got, want in zip(engine.prepared_persons(frame), fresh(frame), strict=True):
            pd.testing.assert_frame_equal(got, want)

    same(persons)
    same(persons)  # the same table again: served from the cache
    changed = persons.copy()
    changed["aliases"] = changed["aliases"].astype(object)
    changed.at[3, "aliases"] = ["QUACKENBUSH, ZEB"]
    changed.at[5, "last_name"] = "Pemberton"
    changed.at[7, "state_id"] = "WA-7654321"
    changed = pd.concat([changed.drop(index=[9]), pd.DataFrame([{**ZEB, "person_id": "zeb2", "aliases": ["Z Q"]}])],
                        ignore_index=True)
    same(changed)
    entities, _ = engine.prepared_persons(changed)
    assert entities.set_index("entity_id").loc[changed.at[5, "person_id"], "last_name"] == "pemberton"
