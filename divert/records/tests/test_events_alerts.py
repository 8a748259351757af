"""A booking or release of an enrolled participant alerts the assigned case manager (or, with none assigned, the
provider's supervisors), once, with no data in the text; nobody else, and nobody for non-participants."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from conftest import IDENTITY_CANARY
from divert.audit.models import AuditEvent
from divert.notify.models import Notification
from divert.participants.models import Enrollment, EnrollmentStatus, Person
from divert.records.events import on_linked
from divert.records.models_events import JusticeEvent
from divert.records.tests.test_events_support import CHARGE_CANARY, PLACE_CANARY, local, staged

NOW = local(2026, 3, 10, 12, 0)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _booking(profile, person, **over):
    fields = {"at": NOW - timedelta(hours=3), "booking_number": "B1", "charge_code": "9A.56.050",
              "charge_description": CHARGE_CANARY, "offense_category": "theft", "severity": "misdemeanor",
              "agency": PLACE_CANARY, "last_name": IDENTITY_CANARY.upper()}
    fields.update(over)
    return staged(profile, person=person, **fields)


def test_a_booking_alerts_the_assigned_case_manager_only(jail, participant, personas):
    on_linked([_booking(jail, participant)])
    notes = list(Notification.objects.all())
    assert [n.recipient for n in notes] == [personas.case_manager_cam]
    note = notes[0]
    assert note.kind == "divert.justice.update"
    assert note.title == "A justice-data update for one of your participants"
    assert note.url == f"/people/{participant.pk}/justice/"
    assert JusticeEvent.objects.get().alerted_at is not None


def test_the_alert_carries_no_participant_data(jail, participant, personas, django_capture_on_commit_callbacks):
    personas.case_manager_cam.email = "cam@example.org"
    personas.case_manager_cam.save()
    with django_capture_on_commit_callbacks(execute=True):
        on_linked([_booking(jail, participant),
                   _booking(jail, participant, kind="release", at=NOW - timedelta(hours=1))])
    texts = [f"{n.title} {n.body} {n.url}" for n in Notification.objects.all()]
    texts += [f"{m.subject} {m.body}" for m in mail.outbox]
    audit = [str(e.details) for e in AuditEvent.objects.all()]
    assert len(mail.outbox) == 2
    for text in texts + audit:
        for canary in (IDENTITY_CANARY, IDENTITY_CANARY.upper(), CHARGE_CANARY, PLACE_CANARY, "theft", "B1"):
            assert canary not in text


def test_a_release_alerts_too_and_each_event_alerts_once(jail, participant, personas):
    book = _booking(jail, participant)
    on_linked([book])
    on_linked([book])
    on_linked([_booking(jail, participant, kind="release", at=NOW - timedelta(hours=1))])
    assert Notification.objects.filter(recipient=personas.case_manager_cam).count() == 2


def test_no_one_else_is_alerted(jail, participant, personas):
    on_linked([_booking(jail, participant)])
    for name in ("case_manager_casey", "supervisor_sue", "outreach_omar", "officer_olivia", "sergeant_sam",
                 "prosecutor_pat", "defender_dana", "manager_mo", "evaluator_eve", "admin_ada", "outsider_oscar"):
        assert not Notification.objects.filter(recipient=getattr(personas, name)).exists(), name


def test_with_no_case_manager_the_supervisors_are_alerted(jail, participant, personas):
    Enrollment.objects.filter(person=participant).update(case_manager=None)
    on_linked([_booking(jail, participant)])
    assert [n.recipient for n in Notification.objects.all()] == [personas.supervisor_sue]


def test_an_inactive_case_manager_hands_the_alert_to_the_supervisors(jail, participant, personas):
    personas.case_manager_cam.is_active = False
    personas.case_manager_cam.save()
    on_linked([_booking(jail, participant)])
    assert [n.recipient for n in Notification.objects.all()] == [personas.supervisor_sue]


def test_a_non_participant_is_recorded_but_alerts_no_one(jail, personas):
    stranger = Person.objects.create(first_name="Not", last_name="Enrolled")
    assert on_linked([_booking(jail, stranger)]) == 1
    assert not Notification.objects.exists()


def test_an_exited_participant_alerts_no_one(jail, participant):
    Enrollment.objects.filter(person=participant).update(status=EnrollmentStatus.EXITED, exited_on="2026-02-01")
    on_linked([_booking(jail, participant)])
    assert not Notification.objects.exists()


def test_old_history_alerts_no_one(jail, participant, settings):
    settings.DIVERT_JUSTICE_ALERT_DAYS = 30
    on_linked([_booking(jail, participant, at=NOW - timedelta(days=31))])
    assert not Notification.objects.exists()
    assert JusticeEvent.objects.get().alerted_at is None


def test_charges_and_arrests_alert_no_one_by_themselves(jail, participant):
    on_linked([_booking(jail, participant, kind="arrest"), _booking(jail, participant, kind="disposition",
                                                                    disposition="pending")])
    assert not Notification.objects.filter(kind="divert.justice.update").exists()


def test_the_alert_is_audited_without_text(jail, participant):
    on_linked([_booking(jail, participant)])
    sent = AuditEvent.objects.get(action="divert.justice.alert.sent")
    assert sent.person == participant and sent.category == "legal"
    assert sent.details == {"kind": "booking", "recipients": 1}
    assert AuditEvent.objects.get(action="divert.justice.events.recorded").details["created"] == 1
