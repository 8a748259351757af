"""An officer's lookup: "in the program, call this case manager" only under a release naming their agency."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import IDENTITY_CANARY
from divert.audit.models import AuditEvent
from divert.privacy.actions import RecipientChoice, do_record_release, do_revoke_release
from divert.privacy.models import Disclosure

NO_INFO = "No information available"


@pytest.fixture
def participant_born(participant):
    participant.date_of_birth = date(1988, 6, 1)
    participant.save()
    participant.enrollments.update(case_manager=participant.enrollments.first().case_manager)
    return participant


def release_for(person, agency, actor, **fields):
    today = timezone.localdate()
    values = {"kind": "general", "purposes": ["care_coordination"], "categories": ["status"],
              "starts_on": today - timedelta(days=1), "expires_on": today + timedelta(days=365),
              "signed_name": "Alex Zyxcanary", "signed_on": today - timedelta(days=1),
              "discloser": "Test Harm Reduction Services", "information_description": "Program status", **fields}
    return do_record_release(person, actor=actor, recipients=[RecipientChoice(agency)],
                             signature_png=_png(), **values)


def _png() -> bytes:
    import base64
    return base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAA"
                            "AABJRU5ErkJggg==")


def lookup(client, first="Alex", last=IDENTITY_CANARY, born="1988-06-01"):
    return client.post(reverse("lookup"), {"first_name": first, "last_name": last, "date_of_birth": born})


def test_without_a_release_the_answer_is_the_same_as_for_a_stranger(participant_born, officer_olivia, login):
    client = login(officer_olivia)
    known = lookup(client).content.decode()
    stranger = lookup(client, first="Nobody", last="Atall", born="1970-01-01").content.decode()
    assert NO_INFO in known and NO_INFO in stranger
    assert "Cam" not in known and IDENTITY_CANARY not in known.replace(f'value="{IDENTITY_CANARY}"', "")
    assert not Disclosure.objects.exists()


def test_a_release_naming_the_police_lets_the_officer_know_whom_to_call(participant_born, officer_olivia,
                                                                         case_manager_cam, agencies, login):
    case_manager_cam.phone = "555-0142"
    case_manager_cam.save()
    release = release_for(participant_born, agencies.police, case_manager_cam)
    page = lookup(login(officer_olivia)).content.decode()
    assert "In the program" in page and "555-0142" in page
    disclosure = Disclosure.objects.get()
    assert disclosure.release == release and disclosure.recipient == officer_olivia
    assert AuditEvent.objects.filter(action="divert.person.looked_up", details__answered=True).exists()


def test_a_release_for_another_agency_does_not(participant_born, officer_olivia, case_manager_cam, agencies,
                                               login):
    release_for(participant_born, agencies.prosecutor, case_manager_cam)
    assert NO_INFO in lookup(login(officer_olivia)).content.decode()


def test_a_revoked_release_stops_the_answer_at_once(participant_born, officer_olivia, case_manager_cam, agencies,
                                                    login):
    release = release_for(participant_born, agencies.police, case_manager_cam)
    do_revoke_release(release, actor=case_manager_cam, scope="full", effective_on=timezone.localdate())
    assert NO_INFO in lookup(login(officer_olivia)).content.decode()


def test_a_wrong_date_of_birth_gets_no_information(participant_born, officer_olivia, case_manager_cam, agencies,
                                                   login):
    release_for(participant_born, agencies.police, case_manager_cam)
    assert NO_INFO in lookup(login(officer_olivia), born="1988-01-06").content.decode()


def test_bad_input_is_refused(participant_born, officer_olivia, login):
    response = lookup(login(officer_olivia), born="2099-01-01")
    assert "cannot be in the future" in response.content.decode()
    assert NO_INFO not in response.content.decode()


@pytest.mark.parametrize("persona", ["case_manager_cam", "prosecutor_pat", "manager_mo", "defender_dana"])
def test_only_police_seats_look_up(participant_born, login, request, persona):
    assert lookup(login(request.getfixturevalue(persona))).status_code == 403


def test_my_referrals_shows_engagement_only_under_a_release(participant_born, protocol, officer_olivia,
                                                             case_manager_cam, agencies, login):
    from datetime import datetime

    from divert.casework.models import Contact
    from divert.referrals.models import Referral

    from .factories import arrest_referral
    referral = arrest_referral(protocol, officer_olivia)
    Referral.objects.filter(pk=referral.pk).update(person=participant_born, status="enrolled")
    Contact.objects.create(person=participant_born, kind="field", occurred_at=timezone.now() - timedelta(days=10),
                           substantive=True, note="CANARY-SUD-7f3a9c", note_category="sud",
                           recorded_by=case_manager_cam)
    client = login(officer_olivia)
    page = client.get(reverse("referrals")).content.decode()
    assert "No release" in page and "CANARY" not in page
    release_for(participant_born, agencies.police, case_manager_cam)
    page = client.get(reverse("referrals")).content.decode()
    assert "<td>Yes</td>" in page and "CANARY" not in page
    assert Disclosure.objects.filter(recipient=officer_olivia, purpose="officer's referral status").exists()
    Contact.objects.update(occurred_at=timezone.make_aware(datetime(2020, 1, 1)))
    assert "<td>No</td>" in client.get(reverse("referrals")).content.decode()
