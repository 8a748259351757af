"""A small hand-built site for the outcomes tests, whose figures the tests work out by hand. No tests here.

Today is 2026-03-01 (tests travel there); the period is the calendar year 2025.

- P1 "Alex Zyxcanary" (the canary): arrest diversion, Downtown, referred 2025-02-01, enrolled 2025-02-03, active.
  Race: Black; man; born 1980-05-01 (44 at referral). Arrested, charged with a felony and booked on 2024-06-01,
  released 2024-06-11 (10 jail days); arrested again 2025-08-01. Contacts: 2025-06-01 and 2025-12-20
  substantive, 2025-12-30 not. A monthly status: unsheltered in 2025-02, permanent housing in 2025-11.
- P2: social contact, Eastside, referred 2025-05-10, enrolled 2025-05-12, exited 2025-11-30. White and Hispanic
  (two answers: "multiple"); woman; about 30. Booked 2025-01-10, released 2025-01-12 (2 days), a misdemeanor
  charge that day.
- P3: community referral, Downtown, referred 2025-11-01, pending intake. No assessment. An arrest on 2023-01-01
  (outside every window).
- A community referral, Downtown, 2025-03-03, found ineligible, with no enrollment.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from divert.casework.actions_assessment import install_default_instrument
from divert.casework.models import Answer, Assessment, Contact, MonthlyStatus
from divert.outcomes.models import UnitCostDeclaration
from divert.participants.models import Enrollment, Person
from divert.records.models import ImportProfile
from divert.records.models_events import JusticeEvent
from divert.referrals.models import Referral

LA = ZoneInfo("America/Los_Angeles")
TODAY = datetime(2026, 3, 1, 12, 0, tzinfo=LA)
YEAR_START, YEAR_END = date(2025, 1, 1), date(2025, 12, 31)


def at(*args) -> datetime:
    return datetime(*args, 12, 0, tzinfo=LA) if len(args) == 3 else datetime(*args, tzinfo=LA)


def _event(profile, person, kind, day, **fields):
    n = JusticeEvent.objects.count() + 1
    return JusticeEvent.objects.create(person=person, kind=kind, occurred_at=at(*day.timetuple()[:3]), occurred_on=day,
                                       source_profile=profile, source_key=f"K{n}", **fields)


def _enroll(person, door, area, referred, enrolled, protocol, agencies, case_manager, **fields):
    enrollment = Enrollment.objects.create(person=person, door=door, provider=agencies.provider,
                                           case_manager=case_manager, referred_on=referred, enrolled_on=enrolled,
                                           status=fields.pop("status", "active"), **fields)
    Referral.objects.create(door=door, protocol=protocol, status="enrolled" if enrolled else "pending_intake",
                            first_name=person.first_name, last_name=person.last_name, eligibility="eligible",
                            approver_role="", provider=agencies.provider, person=person, enrollment=enrollment,
                            area=area, referred_at=at(*referred.timetuple()[:3]),
                            intake_completed_at=at(*enrolled.timetuple()[:3]) if enrolled else None)
    return enrollment


def _answers(person, recorder, instrument, enrollment, **values):
    assessment = Assessment.objects.create(person=person, enrollment=enrollment, instrument=instrument,
                                           assessed_on=enrollment.enrolled_on or enrollment.referred_on,
                                           recorded_by=recorder)
    for question in instrument.questions().filter(key__in=values):
        Answer.objects.create(assessment=assessment, question=question, value=values[question.key])


def build_site(agencies, personas, participant):
    from divert.protocol.actions import load_example

    protocol = load_example("three_door", approved_on=date(2024, 1, 1), record="test")
    instrument = install_default_instrument()
    profile = ImportProfile.objects.create(slug="jail", name="Jail", spec={})
    cam = personas.case_manager_cam

    p1 = participant
    p1.date_of_birth = date(1980, 5, 1)
    p1.save()
    p1.enrollments.all().delete()
    e1 = _enroll(p1, "arrest", "Downtown", date(2025, 2, 1), date(2025, 2, 3), protocol, agencies, cam)
    _answers(p1, cam, instrument, e1, race_ethnicity=["black"], gender="man")
    p2 = Person.objects.create(first_name="Bea", last_name="Second", approximate_age=30)
    e2 = _enroll(p2, "social", "Eastside", date(2025, 5, 10), date(2025, 5, 12), protocol, agencies, cam,
                 status="exited", exited_on=date(2025, 11, 30))
    _answers(p2, cam, instrument, e2, race_ethnicity=["white", "hispanic_latino"], gender="woman")
    # Created "today" in the tests, so an approximate age holds at referral (a year's rounding aside).
    Person.objects.filter(pk=p2.pk).update(created_at=at(2025, 5, 10))
    p3 = Person.objects.create(first_name="Cy", last_name="Third")
    _enroll(p3, "community", "Downtown", date(2025, 11, 1), None, protocol, agencies, cam, status="pending_intake")
    Referral.objects.create(door="community", protocol=protocol, status="ineligible", first_name="Dee",
                            eligibility="ineligible", approver_role="", area="Downtown", referred_at=at(2025, 3, 3))

    _event(profile, p1, "arrest", date(2024, 6, 1))
    _event(profile, p1, "charge", date(2024, 6, 1), severity="felony")
    _event(profile, p1, "booking", date(2024, 6, 1), released_on=date(2024, 6, 11), jail_days=10)
    _event(profile, p1, "arrest", date(2025, 8, 1))
    _event(profile, p2, "booking", date(2025, 1, 10), released_on=date(2025, 1, 12), jail_days=2)
    _event(profile, p2, "charge", date(2025, 1, 10), severity="misdemeanor")
    _event(profile, p3, "arrest", date(2023, 1, 1))

    for when, substantive in ((at(2025, 6, 1), True), (at(2025, 12, 20), True), (at(2025, 12, 30), False)):
        Contact.objects.create(person=p1, enrollment=e1, occurred_at=when, substantive=substantive, recorded_by=cam,
                               note="CANARY-SUD-7f3a9c", note_category="sud")
    MonthlyStatus.objects.create(person=p1, enrollment=e1, month=date(2025, 2, 1), housing="unsheltered",
                                 income_sources=["none"], employment="not_working", recorded_by=cam)
    MonthlyStatus.objects.create(person=p1, enrollment=e1, month=date(2025, 11, 1), housing="permanent",
                                 income_sources=["ssi", "snap"], employment="part_time", recorded_by=cam)
    UnitCostDeclaration.objects.create(effective_on=date(2025, 1, 1), bed_day_average=Decimal("150"),
                                       bed_day_marginal=Decimal("40"), booking=Decimal("500"),
                                       program_per_participant_month=Decimal("1000"),
                                       source="County jail budget 2025, page 14")
    return {"p1": p1, "p2": p2, "p3": p3, "protocol": protocol, "profile": profile}
