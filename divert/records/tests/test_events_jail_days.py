"""Jail days: a booking's release closes it; nights on the site's calendar, a same-day release counting one; an open
stay counts up to today; releases before their booking, or without one, are handled; clock changes change nothing."""

from datetime import UTC, date

import time_machine

from divert.records.events import jail_days_between, on_linked, person_jail_days
from divert.records.models_events import JusticeEvent, custody_days
from divert.records.tests.test_events_support import local, staged


def _events(person):
    return {e.kind: e for e in JusticeEvent.objects.filter(person=person)}


def test_a_release_closes_its_booking(jail, participant):
    book = staged(jail, person=participant, at=local(2026, 2, 1, 22, 15), booking_number="B1", key="B1|BOOK")
    rel = staged(jail, person=participant, kind="release", at=local(2026, 2, 4, 9, 30), booking_number="B1",
                 key="B1|REL", release_reason="bail")
    on_linked([rel, book])  # any order: bookings are handled first
    events = _events(participant)
    booking, release = events["booking"], events["release"]
    assert release.booking == booking and not release.unmatched_release
    assert (booking.released_on, booking.jail_days) == (date(2026, 2, 4), 3)
    assert booking.released_at == rel.occurred_at


def test_a_same_day_release_counts_one_day(jail, participant):
    on_linked([staged(jail, person=participant, at=local(2026, 2, 1, 8, 0), booking_number="B1"),
               staged(jail, person=participant, kind="release", at=local(2026, 2, 1, 17, 0), booking_number="B1")])
    assert _events(participant)["booking"].jail_days == 1


def test_an_open_booking_counts_up_to_today(jail, participant):
    on_linked([staged(jail, person=participant, at=local(2026, 2, 1, 22, 0), booking_number="B1")])
    booking = JusticeEvent.objects.get()
    assert booking.jail_days is None and booking.is_open_booking
    with time_machine.travel(local(2026, 2, 11, 12, 0), tick=False):
        assert booking.jail_days_on() == 10
        assert person_jail_days(participant) == 10


def test_a_release_before_its_booking_arrives_is_flagged_then_matched(jail, participant):
    on_linked([staged(jail, person=participant, kind="release", at=local(2026, 2, 3, 9, 0), booking_number="B7")])
    release = JusticeEvent.objects.get()
    assert release.unmatched_release and release.booking is None
    on_linked([staged(jail, person=participant, at=local(2026, 2, 1, 9, 0), booking_number="B7")])
    release.refresh_from_db()
    assert not release.unmatched_release
    assert release.booking.jail_days == 2


def test_a_release_without_a_booking_is_kept_and_flagged(jail, participant):
    on_linked([staged(jail, person=participant, kind="release", at=local(2026, 2, 3, 9, 0), booking_number="B9")])
    release = JusticeEvent.objects.get()
    assert release.kind == "release" and release.unmatched_release


def test_another_persons_booking_number_does_not_match(jail, participant):
    from divert.participants.models import Person

    other = Person.objects.create(first_name="Other", last_name="Person")
    on_linked([staged(jail, person=other, at=local(2026, 2, 1, 9, 0), booking_number="B1"),
               staged(jail, person=participant, kind="release", at=local(2026, 2, 3, 9, 0), booking_number="B1")])
    assert JusticeEvent.objects.get(kind="release").unmatched_release
    assert JusticeEvent.objects.get(kind="booking").jail_days is None


def test_spring_forward_counts_nights_not_hours(jail, participant):
    # 2026-03-08 02:00 Pacific jumps to 03:00: 24 hours of custody cross two midnights.
    booked, released = local(2026, 3, 7, 23, 30), local(2026, 3, 9, 0, 30)
    assert (released.astimezone(UTC) - booked.astimezone(UTC)).total_seconds() == 24 * 3600
    on_linked([staged(jail, person=participant, at=booked, booking_number="B1"),
               staged(jail, person=participant, kind="release", at=released, booking_number="B1")])
    assert _events(participant)["booking"].jail_days == 2


def test_fall_back_counts_nights_not_hours(jail, participant):
    # 2026-11-01 02:00 Pacific falls back to 01:00: 25 hours cross one midnight.
    booked, released = local(2026, 10, 31, 23, 30), local(2026, 11, 1, 23, 30)
    assert (released.astimezone(UTC) - booked.astimezone(UTC)).total_seconds() == 25 * 3600
    on_linked([staged(jail, person=participant, at=booked, booking_number="B1"),
               staged(jail, person=participant, kind="release", at=released, booking_number="B1")])
    assert _events(participant)["booking"].jail_days == 1


def test_a_late_night_utc_booking_counts_on_the_local_calendar(jail, participant):
    # 22:15 Pacific is 06:15 UTC the next day; the stay is one night on the jail's calendar.
    on_linked([staged(jail, person=participant, at=local(2026, 2, 1, 22, 15), booking_number="B1"),
               staged(jail, person=participant, kind="release", at=local(2026, 2, 2, 9, 0), booking_number="B1")])
    booking = _events(participant)["booking"]
    assert (booking.occurred_on, booking.jail_days) == (date(2026, 2, 1), 1)


def test_windows_clip_and_overlaps_count_once():
    stays = [(date(2026, 1, 1), date(2026, 1, 11)),   # 10 nights
             (date(2026, 1, 5), date(2026, 1, 15)),   # overlaps: 4 more
             (date(2026, 2, 1), date(2026, 2, 1)),    # same day: 1
             (date(2026, 3, 1), None)]                # open
    today = date(2026, 3, 4)
    assert jail_days_between(stays, date(2025, 1, 1), date(2027, 1, 1), today) == 14 + 1 + 3
    assert jail_days_between(stays, date(2026, 1, 10), date(2026, 2, 1), today) == 5
    assert custody_days(date(2026, 1, 1), date(2026, 1, 1)) == 1
