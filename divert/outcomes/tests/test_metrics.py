"""The metrics on the hand-built site of site.py: each answer is worked out by hand beside the assertion."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from divert.outcomes.costs import declared_unit_costs
from divert.outcomes.metrics import METRICS, Filter, justice_counts, participant_months
from divert.outcomes.models import UnitCostDeclaration
from divert.outcomes.tests.site import TODAY, YEAR_END, YEAR_START, build_site

YEAR = Filter(YEAR_START, YEAR_END)


@pytest.fixture
def site(agencies, personas, participant):
    with time_machine.travel(TODAY, tick=False):
        yield build_site(agencies, personas, participant)


def rows(table) -> dict:
    return {label: values for label, values in zip(table.rows, table.values, strict=True)}


def test_referrals_by_door_area_and_quarter(site):
    # Four referrals in 2025: P1 (arrest), P2 (social), P3 and the ineligible one (community).
    assert rows(METRICS["referrals_by_door"](YEAR)) == {
        "Arrest diversion": [1], "Social contact": [1], "Community referral": [2], "Total": [4]}
    # Downtown: P1, P3, the ineligible one; Eastside: P2.
    assert rows(METRICS["referrals_by_area"](YEAR)) == {"Downtown": [3], "Eastside": [1], "Total": [4]}
    # Q1: P1 (Feb 1) and the ineligible one (Mar 3); Q2: P2; Q4: P3. The running total ends at 4.
    assert rows(METRICS["referrals_by_quarter"](YEAR)) == {
        "2025 Q1": [2, 2], "2025 Q2": [1, 3], "2025 Q3": [0, 3], "2025 Q4": [1, 4], "Total": [4, None]}
    # Filters: the arrest door only; Downtown only; a demographic filter keeps only enrolled people's referrals.
    assert rows(METRICS["referrals_by_door"](Filter(YEAR_START, YEAR_END, door="arrest")))["Total"] == [1]
    assert rows(METRICS["referrals_by_door"](Filter(YEAR_START, YEAR_END, area="Downtown")))["Total"] == [3]
    assert rows(METRICS["referrals_by_door"](Filter(YEAR_START, YEAR_END, gender="woman"))) == {
        "Social contact": [1], "Total": [1]}
    assert rows(METRICS["referrals_by_door"](Filter(YEAR_START, YEAR_END, race="multiple")))["Total"] == [1]
    assert rows(METRICS["referrals_by_door"](Filter(YEAR_START, YEAR_END, age_band="35-44")))["Total"] == [1]
    assert rows(METRICS["referrals_by_door"](Filter(YEAR_START, YEAR_END, age_band="25-34")))["Total"] == [1]


def test_funnel_and_outcomes(site):
    # Referred 4; not found ineligible 3; intake reached (an enrollment exists) 3; enrolled with a date 2 (P1, P2).
    assert rows(METRICS["referral_funnel"](YEAR)) == {
        "Referred": [4], "Not found ineligible": [3], "Intake completed": [3], "Enrolled": [2]}
    assert rows(METRICS["referral_outcomes"](YEAR)) == {
        "Pending intake": [1], "Enrolled": [2], "Not eligible": [1], "Total": [4]}


def test_enrolled_and_engaged_at_the_end_of_the_period(site):
    # On 2025-12-31 only P1 is enrolled (P2 exited 11-30, P3 has no enrollment date).
    assert rows(METRICS["enrolled_at_end"](YEAR)) == {"Test Harm Reduction Services": [1], "Total": [1]}
    # P1's substantive contact of 12-20 is within 30 days; the 12-30 one is not substantive.
    assert rows(METRICS["engagement"](YEAR)) == {
        "In the last 30 days": [1, 1, 100.0], "In the last 90 days": [1, 1, 100.0],
        "In the last 365 days": [1, 1, 100.0]}
    # On 2025-05-31 both P1 and P2 were enrolled; neither had a substantive contact in May.
    trend = rows(METRICS["caseload_trend"](YEAR))
    assert trend["2025-05"] == [2, 0, 0.0] and trend["2025-12"] == [1, 1, 100.0] and trend["2025-01"] == [0, 0, None]
    # Three contacts with P1 in the year, all in the field; two substantive.
    contacts = METRICS["contacts"](YEAR)
    assert rows(contacts) == {"Field": [1, 3], "All contacts": [1, 3]}
    assert contacts.notes == ["2 of the contacts were substantive."]


def test_housing_income_and_work_at_entry_and_now(site):
    # P1's first status (Feb): unsheltered, no income, not working; latest by year end (Nov): permanent, SSI and
    # SNAP, part-time.
    assert rows(METRICS["housing_status"](YEAR)) == {
        "Unsheltered (street, car, encampment)": [1, 0], "Permanent housing (own or rental)": [0, 1], "Total": [1, 1]}
    income = rows(METRICS["income_status"](YEAR))
    assert income["No income"] == [1, 0] and income["SSI"] == [0, 1] and income["SNAP (food benefits)"] == [0, 1]
    assert rows(METRICS["employment_status"](YEAR))["Working part-time"] == [0, 1]
    # A status after the period's end is not "now" for that period; a period ending in May finds February's
    # status both at entry and as the latest.
    from divert.casework.models import MonthlyStatus

    first = MonthlyStatus.objects.get(month=date(2025, 2, 1))
    MonthlyStatus.objects.create(person=first.person, enrollment=first.enrollment, month=date(2026, 1, 1),
                                 housing="institution", income_sources=[], employment="not_working",
                                 recorded_by=first.recorded_by)
    assert rows(METRICS["housing_status"](YEAR))["Permanent housing (own or rental)"] == [0, 1]
    spring = Filter(YEAR_START, date(2025, 5, 31))
    assert rows(METRICS["housing_status"](spring)) == {"Unsheltered (street, car, encampment)": [1, 1], "Total": [1, 1]}
    assert rows(METRICS["income_status"](spring))["No income"] == [1, 1]


def test_justice_events_before_and_after_referral_with_time_at_risk(site):
    with time_machine.travel(TODAY, tick=False):
        counts = justice_counts(YEAR)
        people = rows(METRICS["justice_people"](YEAR))
        events = rows(METRICS["justice_events"](YEAR))
    # Before: P1's arrest, felony charge and booking of 2024-06-01 (within the year before 2025-02-01); P2's
    # booking and misdemeanor of 2025-01-10 (within the year before 2025-05-10). P3's arrest of 2023 is too old.
    # After: P1's arrest of 2025-08-01.
    assert people["Arrested"][:3] == [1, 1, 3]
    assert people["Charged with a felony"][:2] == [1, 0]
    assert people["Charged with a misdemeanor"][:2] == [1, 0]
    assert people["Booked into jail"] == [2, 0, 3, 66.7, 0.0]
    # Jail days before: 10 (P1) + 2 (P2); after: none.
    assert counts["before_jail"] == 12 and counts["after_jail"] == 0
    # Time at risk after, as far as today (2026-03-01): P1 the full 365 days, P2 296 days (2025-05-10 to
    # 2026-03-01 inclusive), P3 121 days (2025-11-01 to 2026-03-01): 782 days = 2.14 person-years. Before: 3 years.
    assert counts["after_years"] == 2.14 and counts["before_years"] == 3.0
    # Arrests per person-year: 1 / 3.0 = 0.3 before; 1 / 2.14 = 0.5 after.
    assert events["Arrests"] == [3, 1, 1, 3.0, 2.14, 0.3, 0.5]
    assert events["Jail days"][1:3] == [12, 0]


def test_kept_justice_counts_follow_new_events_open_bookings_and_filters(site):
    from divert.outcomes.tests.site import _event

    with time_machine.travel(TODAY, tick=False):
        assert justice_counts(YEAR)["after_bookings"] == 0
        # P2 is booked on 2026-02-20 (within the year after 2025-05-10) and still in custody on 2026-03-01:
        # 9 days so far. The kept counts see the new event at once, and the open stay counts to today.
        _event(site["profile"], site["p2"], "booking", date(2026, 2, 20))
        counts = justice_counts(YEAR)
        assert counts["after_bookings"] == 1 and counts["after_bookings_people"] == 1 and counts["after_jail"] == 9
        # Cut at an earlier day: the booking is not yet there.
        assert justice_counts(YEAR, as_of=date(2026, 2, 1))["after_bookings"] == 0
        # A door filter keeps only that door's people: the arrest door is P1 (10 days before, none after).
        arrest = justice_counts(Filter(YEAR_START, YEAR_END, door="arrest"))
        assert (arrest["people"], arrest["before_jail"], arrest["after_jail"], arrest["after_arrests"]) == (1, 10, 0, 1)
        # P3's enrollment is not in the arrest door and his 2023 arrest is outside every window.
        assert justice_counts(Filter(YEAR_START, YEAR_END, door="community"))["before_arrests"] == 0


def test_costs_use_the_declared_unit_costs(site):
    # Participant-days in 2025: P1 2025-02-03..12-31 = 332, P2 05-12..11-30 = 203; 535 / 30.4375 = 17.6 months.
    assert participant_months(YEAR) == Decimal("17.6")
    with time_machine.travel(TODAY, tick=False):
        table = rows(METRICS["costs"](YEAR))
    assert table["Program: participant-months in the period"] == [1, 17.6, 1000.0, 17600.0]
    # 12 jail days before at $150 average and $40 marginal; 2 bookings before at $500.
    assert table["Jail, year before referral: days at the average bed-day cost"][3] == 1800.0
    assert table["Jail, year before referral: days at the marginal bed-day cost"][3] == 480.0
    assert table["Bookings, year before referral"][1:] == [2, 500.0, 1000.0]
    assert table["Jail, after referral: days at the average bed-day cost"][3] == 0.0


def test_declared_unit_costs_pick_the_declaration_in_effect(db):
    assert declared_unit_costs(date(2025, 1, 1)).source == ""
    assert declared_unit_costs(date(2025, 1, 1)).bed_day_average is None
    UnitCostDeclaration.objects.create(effective_on=date(2024, 1, 1), bed_day_average=Decimal("120"),
                                       source="2024 budget")
    UnitCostDeclaration.objects.create(effective_on=date(2025, 7, 1), bed_day_average=Decimal("160"),
                                       bed_day_marginal=Decimal("45"), source="2025 budget")
    earlier, later = declared_unit_costs(date(2025, 6, 30)), declared_unit_costs(date(2025, 7, 1))
    assert (earlier.bed_day_average, earlier.bed_day_marginal, earlier.as_of) == (Decimal("120"), None,
                                                                                  date(2024, 1, 1))
    assert (later.bed_day_average, later.source, later.as_of) == (Decimal("160"), "2025 budget", date(2025, 7, 1))
    assert declared_unit_costs(date(2023, 12, 31)).as_of is None


def test_metrics_resting_on_one_pass_share_it_only_inside_sharing(site, django_assert_num_queries):
    from divert.outcomes.metrics import sharing

    with time_machine.travel(TODAY, tick=False):
        first = justice_counts(YEAR)
        with sharing():
            assert justice_counts(YEAR) == first
            with django_assert_num_queries(0):
                assert justice_counts(YEAR) == first
        # Outside the block every call reads the data again.
        from divert.outcomes.tests.site import _event
        _event(site["profile"], site["p1"], "arrest", date(2025, 9, 1))
        assert justice_counts(YEAR)["after_arrests"] == first["after_arrests"] + 1
