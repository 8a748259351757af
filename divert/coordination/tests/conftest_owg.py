"""Fixtures for the Operational Work Group: a group with every persona as a member, a meeting, and canary data."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from conftest import PERSONAS, SUD_CANARY
from divert.casework.models import Contact, NoteCategory, PartnerSummary
from divert.coordination.actions_owg import do_add_member
from divert.coordination.agenda import build_agenda
from divert.coordination.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaSource,
    OperationalWorkGroup,
    OperationalWorkGroupFlag,
    OperationalWorkGroupMeeting,
)
from divert.participants.models import Door, Enrollment, EnrollmentStatus, Person
from divert.privacy.actions import RecipientChoice, do_record_release
from divert.privacy.models import Purpose, ReleaseKind

HEALTH_CANARY = "CANARY-HEALTH-0wg51"
FLAG_REASON = "Housing voucher stalled; needs a partner to vouch at the shelter desk."
SUMMARY = "Keeps most appointments. Working on an ID; transport is the main barrier."
OPEN_NAME = "Openshaw"  # Blair Openshaw: police and prosecutor may know her under a release
OPEN_SUMMARY = "Blair is engaged and working on benefits; nothing further useful to share."
ALL_SEATS = list(PERSONAS)


def png() -> bytes:
    from divert.casework.tests.conftest_contacts import _png

    return _png()


def release_for(person, actor, agency, categories, *, role=""):
    today = timezone.localdate()
    return do_record_release(
        person, actor=actor, recipients=[RecipientChoice(agency, role)], kind=ReleaseKind.GENERAL,
        purposes=[Purpose.CARE_COORDINATION], categories=list(categories), starts_on=today,
        expires_on=today + timedelta(days=365), discloser="Test Harm Reduction Services", information_description="",
        signed_name=person.full_name, signed_on=today, signature_png=png())


@pytest.fixture
def group(db):
    return OperationalWorkGroup.objects.create(first_meeting_on=timezone.localdate() - timedelta(days=70),
                                               place="Precinct community room")


@pytest.fixture
def all_members(group, personas, manager_mo):
    for name in ALL_SEATS:
        do_add_member(group, getattr(personas, name), actor=manager_mo)
    return group


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def meeting(group):
    tomorrow = timezone.localdate() + timedelta(days=1)
    return OperationalWorkGroupMeeting.objects.create(group=group, starts_at=at(tomorrow), place=group.place)


@pytest.fixture
def other_person(personas, agencies):
    """Blair Openshaw, also cam's, with a release to the police and the prosecutor (status, partner summary)."""
    person = Person.objects.create(first_name="Blair", last_name=OPEN_NAME)
    Enrollment.objects.create(person=person, door=Door.COMMUNITY, provider=agencies.provider,
                              case_manager=personas.case_manager_cam, status=EnrollmentStatus.ACTIVE,
                              referred_on="2026-02-01", enrolled_on="2026-02-03")
    PartnerSummary.objects.create(person=person, text=OPEN_SUMMARY, written_by=personas.case_manager_cam)
    release_for(person, personas.case_manager_cam, agencies.police, ["status", "partner_summary"])
    release_for(person, personas.case_manager_cam, agencies.prosecutor, ["status", "partner_summary"])
    return person


@pytest.fixture
def canary_meeting(meeting, all_members, participant, other_person, personas):
    """The canary participant flagged (with SUD and health notes and a partner summary), Blair on the agenda,
    an operational item, all built into the meeting's agenda."""
    cam = personas.case_manager_cam
    Contact.objects.create(person=participant, enrollment=participant.enrollments.first(), recorded_by=cam,
                           note=f"Started methadone {SUD_CANARY}", note_category=NoteCategory.SUD)
    Contact.objects.create(person=participant, enrollment=participant.enrollments.first(), recorded_by=cam,
                           note=f"Foot wound {HEALTH_CANARY}", note_category=NoteCategory.HEALTH)
    PartnerSummary.objects.create(person=participant, text=SUMMARY, written_by=cam)
    OperationalWorkGroupFlag.objects.create(person=participant, reason=FLAG_REASON, flagged_by=cam)
    OperationalWorkGroupFlag.objects.create(person=other_person, reason="Would benefit from a ride to court.",
                                            flagged_by=cam)
    build_agenda(meeting)
    AgendaItem.objects.create(meeting=meeting, position=99, kind=AgendaItemKind.OPERATIONAL,
                              source=AgendaSource.MANUAL, title="Transport vouchers for the east side")
    meeting.refresh_from_db()
    return meeting
