"""Linked rows become justice events once: linking again or importing again writes nothing new; a correction
(the next revision of the row) updates its event."""

from divert.records.events import on_linked
from divert.records.models import StagedRecord
from divert.records.models_events import JusticeEvent
from divert.records.tests.test_events_support import local, staged


def test_a_linked_row_becomes_an_event(jail, participant):
    row = staged(jail, person=participant, at=local(2026, 2, 1, 10, 0), booking_number="B1", charge_code="9A.56.050",
                 offense_category="theft", severity="misdemeanor")
    assert on_linked([row]) == 1
    event = JusticeEvent.objects.get()
    assert (event.person, event.kind, event.booking_number, event.severity) == (participant, "booking", "B1",
                                                                                "misdemeanor")
    assert event.staged == row and event.source_key == row.source_key and event.occurred_on.isoformat() == "2026-02-01"


def test_linking_again_writes_nothing(jail, participant):
    row = staged(jail, person=participant, at=local(2026, 2, 1, 10, 0), booking_number="B1")
    on_linked([row])
    assert on_linked([row]) == 0
    assert on_linked([StagedRecord.objects.get(pk=row.pk)]) == 0
    assert JusticeEvent.objects.count() == 1


def test_unlinked_rows_are_ignored(jail):
    row = staged(jail, at=local(2026, 2, 1, 10, 0))
    assert on_linked([row]) == 0
    assert not JusticeEvent.objects.exists()


def test_the_same_source_from_another_import_is_the_same_event(jail, participant):
    # An overlapping extract whose row the importer staged again (a re-import after a withdrawal, say).
    first = staged(jail, person=participant, key="B1|BOOK", at=local(2026, 2, 1, 10, 0), booking_number="B1")
    on_linked([first])
    first.delete()
    again = staged(jail, person=participant, key="B1|BOOK", at=local(2026, 2, 1, 10, 0), booking_number="B1")
    on_linked([again])
    assert JusticeEvent.objects.count() == 1
    assert JusticeEvent.objects.get().staged == again


def test_a_correction_updates_its_event_and_an_older_revision_does_not_undo_it(jail, participant):
    first = staged(jail, person=participant, key="C1|CHG", kind="charge", at=local(2026, 2, 1, 10, 0),
                   case_number="25-1", charge_code="X", severity="misdemeanor")
    on_linked([first])
    corrected = staged(jail, person=participant, key="C1|CHG", kind="charge", revision=2, at=local(2026, 2, 1, 10, 0),
                       case_number="25-1", charge_code="X", severity="felony")
    assert on_linked([corrected]) == 1
    event = JusticeEvent.objects.get()
    assert (event.severity, event.source_revision, event.staged_id) == ("felony", 2, corrected.pk)
    assert on_linked([first]) == 0
    event.refresh_from_db()
    assert event.severity == "felony"


def test_a_row_linked_to_someone_else_moves_its_event(jail, participant):
    from divert.participants.models import Person

    other = Person.objects.create(first_name="Other", last_name="Person")
    row = staged(jail, person=participant, at=local(2026, 2, 1, 10, 0))
    on_linked([row])
    row.person = other
    row.save()
    assert on_linked([row]) == 1
    assert JusticeEvent.objects.get().person == other
