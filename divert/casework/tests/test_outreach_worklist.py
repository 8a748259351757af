"""The outreach worklist: referrals awaiting intake, people in the wind, people not seen in N days."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import SUD_CANARY
from divert.audit.models import AuditEvent
from divert.casework.engagement import engaged_within
from divert.casework.tests.conftest_contacts import make_contact
from divert.participants.models import Door, Enrollment, EnrollmentStatus, Person

pytest_plugins = ["divert.casework.tests.conftest_contacts"]


@pytest.fixture
def people(participant, agencies, case_manager_cam, case_manager_casey):
    """Alex (cam's, seen 20 days ago); Robin (casey's, in the wind); Sam (cam's, seen yesterday);
    Noor (cam's, enrolled today, not seen yet); Tao (cam's, enrolled long ago, never seen)."""
    def enroll(first, cm, status, enrolled_on=date(2026, 1, 7)):
        person = Person.objects.create(first_name=first, last_name="Tester")
        Enrollment.objects.create(person=person, door=Door.COMMUNITY, provider=agencies.provider, case_manager=cm,
                                  status=status, referred_on=enrolled_on, enrolled_on=enrolled_on)
        return person

    make_contact(participant, case_manager_cam, days_ago=20, note=f"SUD {SUD_CANARY}", category="sud")
    make_contact(participant, case_manager_cam, days_ago=2, substantive=False, note="Waved across the street")
    robin = enroll("Robin", case_manager_casey, EnrollmentStatus.IN_THE_WIND)
    sam = enroll("Sam", case_manager_cam, EnrollmentStatus.ACTIVE)
    make_contact(sam, case_manager_cam, days_ago=1)
    noor = enroll("Noor", case_manager_cam, EnrollmentStatus.ACTIVE, enrolled_on=timezone.localdate())
    tao = enroll("Tao", case_manager_cam, EnrollmentStatus.INACTIVE, enrolled_on=date(2025, 6, 1))
    return {"alex": participant, "robin": robin, "sam": sam, "noor": noor, "tao": tao}


def no_contact_names(response):
    return {e.person.first_name for e in response.context["no_contact"]}


def test_the_case_manager_sees_their_own_people_not_seen_lately(case_manager_cam, people, login, settings):
    settings.DIVERT_NO_CONTACT_DAYS = 14
    response = login(case_manager_cam).get("/outreach/")
    assert response.status_code == 200
    # Alex's last substantive contact was 20 days ago (the wave 2 days ago does not count); Tao was never seen.
    assert no_contact_names(response) == {"Alex", "Tao"}
    assert [e.person.first_name for e in response.context["no_contact"]][0] == "Tao"
    assert {e.person.first_name for e, _, _ in response.context["wind_rows"]} == {"Robin"}
    html = response.content.decode()
    assert SUD_CANARY not in html
    event = AuditEvent.objects.get(action="divert.casework.outreach.viewed")
    assert event.category == "casework" and event.details["days"] == 14


def test_n_is_configurable(case_manager_cam, people, login, settings):
    settings.DIVERT_NO_CONTACT_DAYS = 30
    assert no_contact_names(login(case_manager_cam).get("/outreach/")) == {"Tao"}


@pytest.mark.parametrize("name", ["supervisor_sue", "outreach_omar"])
def test_the_providers_outreach_and_supervisors_see_the_whole_provider(name, personas, people, login):
    response = login(getattr(personas, name)).get("/outreach/")
    assert response.status_code == 200
    assert no_contact_names(response) == {"Alex", "Tao"}
    rows = response.context["wind_rows"]
    assert [(e.person.first_name, may) for e, may, _ in rows] == [("Robin", True)]


def test_a_colleague_sees_who_is_in_the_wind_but_not_others_contact_dates(case_manager_casey, people, login):
    response = login(case_manager_casey).get("/outreach/")
    # Robin is Casey's own; Alex and Tao are Cam's: their contact history is not Casey's to see.
    assert no_contact_names(response) == set()
    assert [(e.person.first_name, may) for e, may, _ in response.context["wind_rows"]] == [("Robin", True)]


def test_an_outsider_sees_nothing_of_ours(outsider_oscar, people, login):
    response = login(outsider_oscar).get("/outreach/")
    assert response.status_code == 200
    assert not response.context["no_contact"] and not response.context["wind_rows"]
    assert "Robin" not in response.content.decode() and "Zyxcanary" not in response.content.decode()


@pytest.mark.parametrize("name", ["officer_olivia", "sergeant_sam", "prosecutor_pat", "defender_dana", "manager_mo",
                                  "evaluator_eve", "admin_ada"])
def test_other_seats_get_403(name, personas, people, login):
    assert login(getattr(personas, name)).get("/outreach/").status_code == 403


def test_referrals_awaiting_intake_with_days_left(outreach_omar, agencies, personas, login):
    from divert.protocol.actions import load_example
    from divert.referrals.models import Referral

    protocol = load_example("three_door", approved_on=timezone.localdate() - timedelta(days=30), record="test")
    fields = {"door": "social", "protocol": protocol, "eligibility": "eligible", "approver_role": "",
              "referred_by": personas.officer_olivia, "referring_agency": agencies.police}
    Referral.objects.create(status="pending_intake", first_name="Jordan", provider=agencies.provider, **fields)
    Referral.objects.create(status="intake_lapsed", first_name="Kim", provider=agencies.provider,
                            referred_at=timezone.now() - timedelta(days=60), **fields)
    Referral.objects.create(status="pending_intake", first_name="Elsewhere", provider=agencies.other_provider,
                            **fields)
    Referral.objects.create(status="enrolled", first_name="Done", provider=agencies.provider, **fields)
    response = login(outreach_omar).get("/outreach/")
    rows = response.context["awaiting"]
    assert [r.first_name for r, _ in rows] == ["Kim", "Jordan"]
    assert rows[0][1] < 0 and rows[1][1] == protocol.intake_deadline_days
    assert "deadline passed" in response.content.decode()


def test_engaged_within(participant, case_manager_cam):
    assert not engaged_within(participant, 90)
    make_contact(participant, case_manager_cam, days_ago=100)
    make_contact(participant, case_manager_cam, days_ago=10, substantive=False)
    assert not engaged_within(participant, 90)
    make_contact(participant, case_manager_cam, days_ago=89)
    assert engaged_within(participant, 90) and not engaged_within(participant, 30)
