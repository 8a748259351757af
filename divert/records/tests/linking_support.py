"""Shared by the linking and review tests: a small trained model, a believable population, staged rows."""

from datetime import UTC, date, datetime

import pytest

from divert.participants.models import Person
from divert.records.linkage import bench, engine, store
from divert.records.models import FeedImport, ImportStatus, LinkageModelVersion, StagedRecord

ZEB = {"first_name": "Zebulon", "last_name": "Quackenbush", "date_of_birth": "1984-03-11"}


@pytest.fixture(autouse=True)
def _linkage_settings(settings, tmp_path):
    settings.LINKAGE_MODEL_DIR = str(tmp_path / "linkage-models")
    settings.DIVERT_LINKAGE_U_PAIRS = 1e5
    settings.DIVERT_LINKAGE_EM_PAIRS = 1e5


def _population_frame():
    return bench.synthetic_persons(300, seed=11)


@pytest.fixture(scope="session")
def trained_model():
    """Trained once for the session on the same made-up population the `population` fixture puts in the database."""
    persons = _population_frame()
    records = bench.synthetic_bookings(persons, 1500, seed=12).drop(columns=["true_person_id"])
    return engine.train(persons, records, u_pairs=1e5, em_pairs=1e5)


@pytest.fixture
def active_model(db, trained_model, settings):
    path = store.save_model(trained_model)
    return LinkageModelVersion.objects.create(
        version=trained_model.version, file_path=str(path), auto_link_threshold=trained_model.thresholds.auto_link,
        review_threshold=trained_model.thresholds.review, trained_persons=300, trained_records=1500, active=True)


@pytest.fixture
def population(db):
    """300 people as Divert knows them (so term frequencies look like a real site's), and Zebulon Quackenbush."""
    frame = _population_frame()
    Person.objects.bulk_create([Person(first_name=r.first_name, last_name=r.last_name, date_of_birth=r.date_of_birth)
                                for r in frame.itertuples()])
    return Person.objects.create(first_name=ZEB["first_name"], last_name=ZEB["last_name"],
                                 date_of_birth=ZEB["date_of_birth"])


def finished_import(profile) -> FeedImport:
    return FeedImport.objects.create(profile=profile, profile_spec=profile.spec, file_name="made-up.csv",
                                     status=ImportStatus.FINISHED)


def stage(profile, imp: FeedImport | None = None, n: int = 1, **fields) -> StagedRecord:
    """A current staged booking, as a finished import would have left it."""
    imp = imp or finished_import(profile)
    born = fields.pop("date_of_birth", None)
    parts = {}
    if born:
        pieces = [int(p) or None for p in born.split("-")]  # 00: unknown
        parts = dict(zip(["dob_year", "dob_month", "dob_day"], pieces, strict=False))
        try:
            parts["date_of_birth"] = date(*pieces)
        except (TypeError, ValueError):  # partial, or a typo no real import would have taken
            parts = {"dob_year": pieces[0]} if date(pieces[0], 1, 1) else {}
    return StagedRecord.objects.create(
        feed_import=imp, profile=profile, row_number=n, kind="booking", source_key=f"B{n}|BOOK-{imp.pk}",
        content_hash=f"h{imp.pk}-{n}", occurred_at=datetime(2025, 3, 14, 22, 15, tzinfo=UTC),
        booking_number=f"B{n}", **parts, **fields)


@pytest.fixture
def linked_rows(monkeypatch):
    """Every call of divert.records.events.on_linked, with the rows it was given."""
    calls: list[list] = []

    def observe(records):
        calls.append(list(records))
        return 0

    monkeypatch.setattr("divert.records.events.on_linked", observe)
    return calls
