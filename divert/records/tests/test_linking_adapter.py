# ruff: noqa: F811 - the fixtures imported from linking_support are used as arguments
"""The staged-row adapter: identifiers first, noisy rows link, middling rows go to review, strangers do not link."""

from divert.audit.models import AuditEvent
from divert.participants.models import Alias, Identifier, Person
from divert.records.linking import link_waiting, persons_frame
from divert.records.models import CandidateStatus, LinkageModelVersion, LinkCandidate, LinkStatus
from divert.records.tests.linking_support import (  # noqa: F401 - fixtures
    _linkage_settings,
    active_model,
    linked_rows,
    population,
    stage,
    trained_model,
)


def test_an_exact_identifier_links_and_raises_events(jail, participant, population, active_model, linked_rows):
    row = stage(jail, last_name="SOMEONE", first_name="ELSE", state_id="SID00000001")
    run = link_waiting()
    row.refresh_from_db()
    assert (row.link_status, row.person) == (LinkStatus.LINKED, participant)
    assert run.exact == 1 and run.model_version == active_model.version
    assert [[r.pk for r in call] for call in linked_rows] == [[row.pk]]
    assert AuditEvent.objects.filter(action="divert.records.linkage.ran").exists()


def test_a_noisy_row_links_on_its_own(jail, population, active_model, linked_rows):
    row = stage(jail, last_name="QUACKENBUSH", first_name="ZEBULEN", date_of_birth="1984-03-11")
    run = link_waiting()
    row.refresh_from_db()
    assert (row.link_status, row.person) == (LinkStatus.LINKED, population)
    assert run.auto == 1
    assert linked_rows and linked_rows[0][0].pk == row.pk


def test_a_middling_row_goes_to_review_with_its_explanation(jail, population, active_model, linked_rows):
    row = stage(jail, last_name="QUACKENBUSH", first_name="ZEBULON", date_of_birth="1984-03-12")
    run = link_waiting()
    row.refresh_from_db()
    assert (row.link_status, row.person) == (LinkStatus.REVIEW, None)
    assert run.review == 1 and not linked_rows
    pair = LinkCandidate.objects.get(staged_record=row)
    assert pair.person == population and pair.status == CandidateStatus.OPEN
    assert 0.5 <= pair.match_probability < 0.95
    assert pair.model_version == active_model
    levels = {part["comparison"]: part["level"] for part in pair.explanation}
    assert levels["date_of_birth"] == "One digit off", pair.explanation


def test_a_stranger_does_not_link(jail, population, active_model, linked_rows):
    row = stage(jail, last_name="XANTHOPOULOS", first_name="PERPETUA", date_of_birth="1961-11-30")
    run = link_waiting()
    row.refresh_from_db()
    assert (row.link_status, row.person) == (LinkStatus.NO_MATCH, None)
    assert run.no_match == 1 and not linked_rows


def test_rows_already_decided_are_left_alone(jail, population, active_model, linked_rows):
    stage(jail, last_name="QUACKENBUSH", first_name="ZEBULEN", date_of_birth="1984-03-11")
    assert link_waiting().considered == 1
    assert link_waiting().considered == 0


def test_merged_records_are_not_candidates_and_aliases_are(db):
    survivor = Person.objects.create(first_name="Ana", last_name="Lopez")
    Person.objects.create(first_name="Ann", last_name="Lopez", merged_into=survivor)
    Alias.objects.create(person=survivor, name="Ana Smith")
    Alias.objects.create(person=survivor, name="Red", kind=Alias.Kind.STREET)
    Identifier.objects.create(person=survivor, kind=Identifier.Kind.JAIL_ID, value="J1")
    frame = persons_frame()
    assert list(frame.person_id) == [str(survivor.pk)]
    assert frame.iloc[0]["aliases"] == ["Ana Smith"] and frame.iloc[0]["jail_person_id"] == "J1"


def test_a_model_is_trained_when_there_is_none(jail, population, linked_rows):
    from divert.records.linkage import bench

    frame = bench.synthetic_bookings(bench.synthetic_persons(300, seed=11), 400, seed=5)
    for n, r in enumerate(frame.itertuples(), start=1):
        stage(jail, n=n, last_name=r.last_name, first_name=r.first_name, date_of_birth=r.date_of_birth)
    run = link_waiting()
    version = LinkageModelVersion.objects.get()
    assert version.active and version.trained_records == 400 and run.model_version == version.version
    assert AuditEvent.objects.filter(action="divert.records.linkage.trained").exists()
