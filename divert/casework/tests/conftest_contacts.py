"""Fixtures for contacts, the partner summary, tasks and the outreach worklist."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import SUD_CANARY
from divert.casework.models import Contact, NoteCategory, PartnerSummary, Task
from divert.participants.models import Door, Enrollment, EnrollmentStatus, Person
from divert.privacy.actions import RecipientChoice, do_record_release
from divert.privacy.models import Purpose, ReleaseKind

HEALTH_CANARY = "CANARY-HEALTH-51e0b2"
CASEWORK_CANARY = "CANARY-CASEWORK-9d14aa"
SUMMARY_TEXT = "Alex meets with the case manager most weeks; working on an ID and housing."

# Every seat that may not see substance-use treatment information about the participant (no release here).
NOT_SUD_SEATS = ["officer_olivia", "sergeant_sam", "prosecutor_pat", "defender_dana", "manager_mo", "evaluator_eve",
                 "outsider_oscar", "case_manager_casey", "admin_ada"]
TEAM = ["case_manager_cam", "supervisor_sue", "outreach_omar"]


def make_contact(person, by, *, note="", category=NoteCategory.CASEWORK, days_ago=0, substantive=True, **extra):
    return Contact.objects.create(person=person, enrollment=person.enrollments.first(), recorded_by=by,
                                  note=note, note_category=category, substantive=substantive,
                                  occurred_at=timezone.now() - timedelta(days=days_ago), **extra)


@pytest.fixture
def contacts(participant, case_manager_cam):
    """One contact of each category; the SUD one carries the canary."""
    return {
        "casework": make_contact(participant, case_manager_cam, note=f"Talked about housing {CASEWORK_CANARY}",
                                 place="Library plaza", duration_minutes=20),
        "health": make_contact(participant, case_manager_cam, note=f"Foot wound dressed {HEALTH_CANARY}",
                               category=NoteCategory.HEALTH, days_ago=1),
        "sud": make_contact(participant, case_manager_cam, note=f"Started methadone {SUD_CANARY}",
                            category=NoteCategory.SUD, days_ago=2, place=f"Clinic {SUD_CANARY}"),
    }


@pytest.fixture
def summary(participant, case_manager_cam):
    return PartnerSummary.objects.create(person=participant, text=SUMMARY_TEXT, written_by=case_manager_cam)


@pytest.fixture
def sud_task(participant, case_manager_cam):
    return Task.objects.create(person=participant, assigned_to=case_manager_cam, created_by=case_manager_cam,
                               title=f"Call the methadone clinic {SUD_CANARY}", due_on=timezone.localdate())


@pytest.fixture
def load_caseload(agencies):
    """Give a case manager `n` enrollments at their provider."""

    def _load(case_manager, n: int, status=EnrollmentStatus.ACTIVE):
        provider = case_manager.seat.agency
        people = Person.objects.bulk_create([Person(first_name=f"Load{i}", last_name="Person") for i in range(n)])
        Enrollment.objects.bulk_create([
            Enrollment(person=p, door=Door.COMMUNITY, provider=provider, case_manager=case_manager, status=status,
                       referred_on=date(2026, 1, 1)) for p in people])

    return _load


@pytest.fixture
def release(participant, case_manager_cam):
    """Record a release naming an agency (optionally one seat there) for the given categories."""

    def _release(agency, categories, *, role="", kind=ReleaseKind.GENERAL):
        today = timezone.localdate()
        return do_record_release(
            participant, actor=case_manager_cam, recipients=[RecipientChoice(agency, role)], kind=kind,
            purposes=[Purpose.CARE_COORDINATION], categories=list(categories), starts_on=today,
            expires_on=today + timedelta(days=365), discloser="Test Harm Reduction Services",
            information_description="Attendance and progress" if kind != ReleaseKind.GENERAL else "",
            signed_name="Alex Zyxcanary", signed_on=today, signature_png=_png())

    return _release


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00" + b"\x00\x00\x00\xff" * 2
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
