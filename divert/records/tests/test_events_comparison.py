"""Comparison data: after the review window, unlinked feed rows become pseudonymised comparison events and lose
their identity; comparison subjects are purged after the retention period. Both are tick jobs, audited with counts."""

import hashlib
import hmac
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from divert.audit.models import AuditEvent
from divert.lib.jobs import jobs
from divert.records.comparison import identity_keys, pseudonym, pseudonymise_feeds, purge_comparison_data
from divert.records.models import StagedRecord
from divert.records.models_events import ComparisonEvent, ComparisonKey, ComparisonSubject
from divert.records.tests.test_events_support import finished_import, local, staged

FINISHED = local(2026, 1, 5, 3, 0)
LATER = FINISHED + timedelta(days=31)
IDENTITY_FIELDS = ("last_name", "first_name", "middle_name", "name_suffix", "date_of_birth", "dob_year", "dob_month",
                   "dob_day", "sex", "race", "state_id", "fbi_number", "jail_person_id", "booking_number",
                   "case_number")


@pytest.fixture
def feed(jail):
    return finished_import(jail, finished_at=FINISHED)


def _row(jail, feed, **over):
    fields = {"at": local(2026, 1, 3, 22, 0), "booking_number": "B1", "charge_code": "9A.56.050",
              "offense_category": "theft", "severity": "misdemeanor", "state_id": "WA00000077",
              "jail_person_id": "J77", "first_name": "DANA", "last_name": "RIVERA", "middle_name": "Q"}
    fields.update(over)
    return staged(jail, feed=feed, **fields)


def test_rows_left_unlinked_become_comparison_data_without_identity(jail, feed, settings):
    settings.DIVERT_PSEUDONYM_KEY = "test-key"
    row = _row(jail, feed)
    assert pseudonymise_feeds(LATER) == 1
    row.refresh_from_db()
    assert all(getattr(row, f) in ("", None) for f in IDENTITY_FIELDS)
    assert row.raw == {} and row.link_status == "no_match"
    assert (row.kind, row.charge_code, row.occurred_at) == ("booking", "9A.56.050", local(2026, 1, 3, 22, 0))
    subject = ComparisonSubject.objects.get()
    assert (subject.birth_year, subject.sex, subject.race) == (1980, "F", "H")
    assert subject.pseudonym == hmac.new(b"test-key", b"sid:WA00000077", hashlib.sha256).hexdigest()
    event = ComparisonEvent.objects.get()
    assert (event.kind, event.occurred_on.isoformat(), event.offense_category, event.severity) == (
        "booking", "2026-01-03", "theft", "misdemeanor")
    assert subject.last_event_on.isoformat() == "2026-01-03"
    stored = " ".join(str(v) for model in (ComparisonSubject, ComparisonEvent, ComparisonKey)
                      for values in model.objects.values() for v in values.values())
    for identity in ("RIVERA", "DANA", "WA00000077", "J77", "B1", "1980-07-04"):
        assert identity not in stored


def test_nothing_happens_inside_the_review_window(jail, feed):
    row = _row(jail, feed)
    assert pseudonymise_feeds(FINISHED + timedelta(days=29)) == 0
    row.refresh_from_db()
    assert row.last_name == "RIVERA" and not ComparisonSubject.objects.exists()


def test_the_window_is_configurable(jail, feed, settings):
    settings.DIVERT_FEED_IDENTITY_DAYS = 7
    _row(jail, feed)
    assert pseudonymise_feeds(FINISHED + timedelta(days=8)) == 1


def test_linked_rows_keep_their_identity(jail, feed, participant):
    row = _row(jail, feed, person=participant)
    assert pseudonymise_feeds(LATER) == 0
    row.refresh_from_db()
    assert row.last_name == "RIVERA"


def test_rows_never_linked_or_left_in_review_are_taken_too(jail, feed):
    a, b = _row(jail, feed), _row(jail, feed, state_id="WA00000088")
    StagedRecord.objects.filter(pk=a.pk).update(link_status="unlinked")
    StagedRecord.objects.filter(pk=b.pk).update(link_status="review")
    assert pseudonymise_feeds(LATER) == 2
    assert set(StagedRecord.objects.values_list("link_status", flat=True)) == {"no_match"}


def test_one_subject_per_person_across_rows_and_jail_days(jail, feed):
    _row(jail, feed, key="B1|BOOK")
    # The release carries only the jail's id: it joins the same subject through it.
    _row(jail, feed, kind="release", key="B1|REL", at=local(2026, 1, 6, 9, 0), state_id="", first_name="",
         charge_code="", offense_category="", severity="")
    assert pseudonymise_feeds(LATER) == 2
    subject = ComparisonSubject.objects.get()
    booking = subject.events.get(kind="booking")
    assert (booking.released_on.isoformat(), booking.jail_days) == ("2026-01-06", 3)
    assert subject.last_event_on.isoformat() == "2026-01-06"


def test_a_later_row_with_a_known_identifier_joins_its_subject(jail, feed):
    _row(jail, feed, jail_person_id="")
    pseudonymise_feeds(LATER)
    later_feed = finished_import(jail, finished_at=LATER)
    # Name and date of birth only (a court row): still the same person.
    _row(jail, later_feed, kind="charge", state_id="", jail_person_id="", booking_number="", case_number="25-1",
         at=local(2026, 2, 1, 10, 0))
    assert pseudonymise_feeds(LATER + timedelta(days=31)) == 1
    assert ComparisonSubject.objects.count() == 1
    assert ComparisonEvent.objects.count() == 2


def test_two_subjects_found_to_be_one_are_merged(jail, feed):
    _row(jail, feed, state_id="S1", jail_person_id="", first_name="AL", last_name="ONE", date_of_birth=None)
    _row(jail, feed, state_id="", jail_person_id="J9", first_name="BO", last_name="TWO", date_of_birth=None)
    pseudonymise_feeds(LATER)
    assert ComparisonSubject.objects.count() == 2
    _row(jail, finished_import(jail, finished_at=LATER), state_id="S1", jail_person_id="J9", first_name="AL",
         last_name="ONE", date_of_birth=None)
    pseudonymise_feeds(LATER + timedelta(days=31))
    assert ComparisonSubject.objects.count() == 1
    assert ComparisonEvent.objects.count() == 3


def test_running_again_changes_nothing(jail, feed):
    _row(jail, feed)
    pseudonymise_feeds(LATER)
    assert pseudonymise_feeds(LATER + timedelta(days=1)) == 0
    assert ComparisonEvent.objects.count() == 1


def test_a_correction_keeps_one_event_with_its_latest_content(jail, feed):
    first = _row(jail, feed, key="C|1", kind="charge", severity="misdemeanor")
    StagedRecord.objects.filter(pk=first.pk).update(superseded=True)
    _row(jail, feed, key="C|1", kind="charge", revision=2, severity="felony")
    assert pseudonymise_feeds(LATER) == 2
    assert list(ComparisonEvent.objects.values_list("severity", flat=True)) == ["felony"]
    assert StagedRecord.objects.filter(last_name="").count() == 2


def test_the_pseudonym_is_keyed(settings):
    settings.DIVERT_PSEUDONYM_KEY = "one"
    first = pseudonym("sid:X")
    settings.DIVERT_PSEUDONYM_KEY = "two"
    assert pseudonym("sid:X") != first
    settings.DIVERT_PSEUDONYM_KEY = None
    assert pseudonym("sid:X") not in (first, hashlib.sha256(b"sid:X").hexdigest())


def test_identity_keys_prefer_the_strongest_identifier(jail, feed):
    row = _row(jail, feed)
    keys = identity_keys(row)
    assert keys[0] == pseudonym("sid:WA00000077") and len(keys) == 3


def test_pseudonymisation_is_audited_with_counts(jail, feed):
    _row(jail, feed)
    pseudonymise_feeds(LATER)
    event = AuditEvent.objects.get(action="divert.records.feeds.pseudonymised")
    assert event.details == {"rows": 1, "events": 1, "subjects_added": 1, "subjects": 1}
    assert event.person is None


def test_comparison_data_is_purged_after_retention(jail, feed, settings):
    settings.DIVERT_COMPARISON_RETENTION_DAYS = 365
    _row(jail, feed)
    pseudonymise_feeds(LATER)
    with time_machine.travel(local(2027, 1, 3, 12, 0), tick=False):
        assert purge_comparison_data(timezone.now()) == 0
    with time_machine.travel(local(2027, 1, 4, 12, 0), tick=False):
        assert purge_comparison_data(timezone.now()) == 1
    assert not ComparisonSubject.objects.exists()
    assert not ComparisonEvent.objects.exists() and not ComparisonKey.objects.exists()
    purged = AuditEvent.objects.get(action="divert.records.comparison.purged")
    assert purged.details["subjects"] == 1 and purged.details["events"] == 1


def test_a_recent_event_keeps_the_subject(jail, feed, settings):
    settings.DIVERT_COMPARISON_RETENTION_DAYS = 365
    _row(jail, feed)
    _row(jail, feed, kind="charge", at=local(2026, 1, 4, 9, 0))
    pseudonymise_feeds(LATER)
    with time_machine.travel(local(2027, 1, 4, 12, 0), tick=False):
        assert purge_comparison_data(timezone.now()) == 0


def test_both_are_tick_jobs():
    names = {job.name: job for job in jobs()}
    assert names["feed pseudonymisation"].run is pseudonymise_feeds
    assert names["comparison retention"].run is purge_comparison_data
