"""A new charge of an enrolled participant records a legal matter from the feed (one per case) and opens charge
coordination with the liaison prosecutor's office, automatically (opened_by None), notifying the case manager."""

from datetime import timedelta

import pytest
import time_machine

from divert.audit.models import AuditEvent
from divert.coordination.models import CoordinationRequest, LegalMatter
from divert.notify.models import Notification
from divert.participants.models import Person
from divert.records.events import on_linked
from divert.records.models_events import JusticeEvent
from divert.records.tests.test_events_support import CHARGE_CANARY, local, staged

NOW = local(2026, 3, 10, 12, 0)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _charge(profile, person, **over):
    fields = {"kind": "charge", "at": NOW - timedelta(days=1), "case_number": "26-1-00042-1",
              "charge_code": "RCW 9A.56.050", "charge_description": CHARGE_CANARY, "offense_category": "theft",
              "severity": "misdemeanor"}
    fields.update(over)
    return staged(profile, person=person, **fields)


def test_a_new_charge_records_a_matter_and_opens_coordination(court, participant, agencies, personas):
    on_linked([_charge(court, participant)])
    matter = LegalMatter.objects.get()
    assert (matter.person, matter.source, matter.kind, matter.case_number) == (participant, "feed", "new_charge",
                                                                               "26-1-00042-1")
    assert matter.source_key == "court-cms-jsonl:26-1-00042-1"
    assert matter.prosecuting_agency == agencies.prosecutor
    assert matter.created_by is None and matter.filed_on.isoformat() == "2026-03-09"
    assert [(c.offense, c.severity, c.statute) for c in matter.charges.all()] == [
        (CHARGE_CANARY, "misdemeanor", "RCW 9A.56.050")]
    req = CoordinationRequest.objects.get()
    assert (req.matter, req.opened_by, req.case_manager) == (matter, None, personas.case_manager_cam)
    note = Notification.objects.get(kind="divert.coordination.requested")
    assert note.recipient == personas.case_manager_cam
    assert CHARGE_CANARY not in f"{note.title} {note.body}"
    assert JusticeEvent.objects.get().legal_matter == matter
    opened = AuditEvent.objects.get(action="divert.coordination.opened")
    assert opened.actor is None and opened.details["automatic"] is True


def test_linking_again_records_nothing_more(court, participant):
    row = _charge(court, participant)
    on_linked([row])
    on_linked([row])
    assert LegalMatter.objects.count() == 1 and CoordinationRequest.objects.count() == 1


def test_more_charges_of_the_case_join_its_matter(court, participant):
    on_linked([_charge(court, participant)])
    on_linked([_charge(court, participant, charge_code="RCW 9A.52.080", charge_description="Trespass 2",
                       severity="misdemeanor")])
    matter = LegalMatter.objects.get()
    assert matter.charges.count() == 2
    assert CoordinationRequest.objects.count() == 1
    assert set(JusticeEvent.objects.values_list("legal_matter", flat=True)) == {matter.pk}


def test_an_arrest_with_a_case_number_is_a_new_arrest(court, participant):
    on_linked([_charge(court, participant, kind="arrest")])
    matter = LegalMatter.objects.get()
    assert matter.kind == "new_arrest" and matter.arrested_on.isoformat() == "2026-03-09"
    assert CoordinationRequest.objects.count() == 1


def test_an_arrest_without_a_case_number_records_no_matter(court, participant):
    on_linked([_charge(court, participant, kind="arrest", case_number="")])
    assert not LegalMatter.objects.exists()


def test_a_charge_from_before_the_referral_records_no_matter(court, participant):
    on_linked([_charge(court, participant, at=local(2025, 12, 1, 10, 0))])
    assert JusticeEvent.objects.count() == 1
    assert not LegalMatter.objects.exists()


def test_a_non_participant_gets_no_matter(court, personas):
    stranger = Person.objects.create(first_name="Not", last_name="Enrolled")
    on_linked([_charge(court, stranger)])
    assert not LegalMatter.objects.exists() and not CoordinationRequest.objects.exists()


def test_a_charge_without_a_class_records_the_matter_without_it(court, participant):
    on_linked([_charge(court, participant, severity="")])
    assert LegalMatter.objects.get().charges.count() == 0
    assert CoordinationRequest.objects.count() == 1


def test_the_office_can_be_chosen(court, participant, agencies, settings):
    from divert.accounts.models import Agency

    other = Agency.objects.create(name="City Attorney", kind="prosecutor")
    settings.DIVERT_FEED_PROSECUTOR_AGENCY = "City Attorney"
    on_linked([_charge(court, participant)])
    assert LegalMatter.objects.get().prosecuting_agency == other


def test_with_no_prosecutor_office_nothing_is_recorded(court, participant, agencies):
    agencies.prosecutor.active = False
    agencies.prosecutor.save()
    on_linked([_charge(court, participant)])
    assert JusticeEvent.objects.count() == 1 and not LegalMatter.objects.exists()


def test_a_disposition_closes_the_feed_matter(court, participant):
    on_linked([_charge(court, participant)])
    on_linked([_charge(court, participant, kind="disposition", disposition="dismissed", charge_code="",
                       severity="", at=NOW - timedelta(hours=2))])
    matter = LegalMatter.objects.get()
    assert (matter.status, matter.disposition, matter.disposed_on.isoformat()) == ("closed", "dismissed", "2026-03-10")


def test_a_refusal_is_logged_and_keeps_the_event(court, participant, agencies):
    other = Person.objects.create(first_name="Other", last_name="Person")
    LegalMatter.objects.create(person=other, kind="new_charge", source="feed",
                               source_key="court-cms-jsonl:26-1-00042-1", prosecuting_agency=agencies.prosecutor)
    on_linked([_charge(court, participant)])
    assert JusticeEvent.objects.get().legal_matter is None
    refused = AuditEvent.objects.get(action="divert.justice.matter.refused")
    assert refused.details == {"step": "matter", "codes": ["key_reused"]}
