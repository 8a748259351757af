"""Cohorts from the database: index dates, windows either side, jail days clipped, time at risk, the comparison
group drawn from the justice data in the same period. Every number below is worked out by hand."""

from datetime import date

import pytest

from divert.outcomes.evaluation import cohorts
from divert.outcomes.evaluation.tests import site

CUTOFF = date(2026, 6, 1)


@pytest.fixture
def small_site(agencies):
    a = site.participant(agencies.provider, date(2025, 1, 1), first="A")
    site.event(a, "arrest", date(2024, 9, 1))  # 122 days before: both windows
    site.event(a, "arrest", date(2024, 3, 1))  # 306 days before: 12 months only
    site.event(a, "arrest", date(2025, 1, 1))  # the index day: neither side
    site.event(a, "arrest", date(2025, 2, 1))  # 31 days after
    site.event(a, "charge", date(2025, 8, 1), severity="felony")  # 212 days after: 12 months only
    site.event(a, "booking", date(2024, 12, 25), released_on=date(2025, 1, 4))  # 7 nights before, 2 after
    b = site.participant(agencies.provider, date(2025, 6, 1), first="B")
    s = site.subject(birth_year=1990, sex="F", race="B")
    site.subject_event(s, "booking", date(2025, 3, 1), released_on=date(2025, 3, 3))  # index; 1 night after
    site.subject_event(s, "arrest", date(2025, 4, 1))
    late = site.subject()
    site.subject_event(late, "booking", date(2026, 1, 1))  # booked after the period: not a comparison subject
    early = site.subject()
    site.subject_event(early, "booking", date(2023, 1, 1))  # nor this one; the data start here
    return a, b, s


def test_cohort_people_and_the_comparison_group(small_site):
    a, b, s = small_site
    cohort = cohorts.build(CUTOFF)
    people = cohort.people.set_index("pid")
    assert set(people.index) == {a.pk, b.pk, -s.pk}
    assert people.loc[a.pk, "treated"] == 1 and people.loc[-s.pk, "treated"] == 0
    assert str(people.loc[-s.pk, "index_date"].date()) == "2025-03-01"
    assert people.loc[a.pk, "birth_year"] == 1985 and people.loc[-s.pk, "race"] == "B"
    assert cohort.data_from == date(2023, 1, 1) and cohort.comparison == "feeds"
    # No protocol defines divertible offenses here, and the page says what stood in for them.
    assert any("No divertible offenses" in note for note in cohort.notes)


def test_six_month_periods_by_hand(small_site):
    a, b, s = small_site
    frame = cohorts.periods(cohorts.build(CUTOFF), 6).set_index(["pid", "period"])
    assert frame.loc[(a.pk, "pre"), ["arrests", "bookings", "jail_days", "days_at_risk"]].tolist() == [1, 1, 7, 175]
    assert frame.loc[(a.pk, "post"), ["arrests", "felonies", "jail_days", "days_at_risk"]].tolist() == [1, 0, 2, 180]
    assert frame.loc[(b.pk, "post"), ["arrests", "days_at_risk"]].tolist() == [0, 182]
    # The comparison booking is the index: counted on neither side; its one night after is custody time.
    assert frame.loc[(-s.pk, "pre"), "bookings"] == 0
    assert frame.loc[(-s.pk, "post"), ["arrests", "jail_days", "days_at_risk"]].tolist() == [1, 1, 181]


def test_twelve_months_and_the_cutoff(small_site):
    a, b, s = small_site
    frame = cohorts.periods(cohorts.build(CUTOFF), 12).set_index(["pid", "period"])
    assert frame.loc[(a.pk, "pre"), "arrests"] == 2
    assert frame.loc[(a.pk, "post"), ["arrests", "felonies"]].tolist() == [1, 1]
    # B was referred 2025-06-01: a whole year after is observed by 2026-06-01 (the cutoff day counts).
    assert (b.pk, "post") in frame.index
    # A cutoff before B's year is up leaves B out of the full windows, but in the cut ones with the days seen.
    early = cohorts.build(date(2026, 3, 1))
    assert (b.pk, "post") not in cohorts.periods(early, 12).set_index(["pid", "period"]).index
    cut = cohorts.periods(early, 12, full_only=False).set_index(["pid", "period"])
    assert cut.loc[(b.pk, "post"), "days_at_risk"] == (date(2026, 3, 1) - date(2025, 6, 1)).days


def test_time_to_rearrest(small_site):
    a, b, s = small_site
    frame = cohorts.time_to_rearrest(cohorts.build(CUTOFF)).set_index("pid")
    assert frame.loc[a.pk, ["duration", "event"]].tolist() == [31, 1]
    assert frame.loc[b.pk, ["duration", "event"]].tolist() == [365, 0]
    assert frame.loc[-s.pk, ["duration", "event"]].tolist() == [31, 1]
    # With the cutoff a month after B's referral, B is censored there.
    assert cohorts.time_to_rearrest(cohorts.build(date(2025, 7, 1))).set_index("pid").loc[b.pk, "duration"] == 30


def test_merged_records_count_once(small_site, agencies):
    a, b, s = small_site
    b.merged_into = a
    b.save()
    assert b.pk not in set(cohorts.build(CUTOFF).people["pid"])
