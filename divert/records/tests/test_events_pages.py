"""A person's justice events page (category: legal): the team and the project manager read every event, the liaison
prosecutor only the events of their office's matters, everyone else gets 404. Reads are audited; the person-page
panel and the timeline follow the same rule."""

from datetime import timedelta

import pytest
import time_machine
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from conftest import IDENTITY_CANARY, make_user
from divert.accounts.models import Agency
from divert.accounts.roles import AgencyKind, Role
from divert.audit.models import AuditEvent
from divert.casework.timeline import timeline_for
from divert.coordination.models import LegalMatter
from divert.records.events import on_linked
from divert.records.tests.test_events_support import CHARGE_CANARY, local, staged

NOW = local(2026, 3, 10, 12, 0)
BOOKING_CANARY = "CANARY-BOOKING-77aa"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def history(jail, court, participant):
    """A closed stay of three nights, an open one since two days, and a new charge (a feed matter of the office)."""
    on_linked([
        staged(jail, person=participant, at=local(2026, 2, 1, 22, 0), booking_number="B1",
               charge_description=BOOKING_CANARY, offense_category="theft", severity="misdemeanor"),
        staged(jail, person=participant, kind="release", at=local(2026, 2, 4, 9, 0), booking_number="B1"),
        staged(jail, person=participant, at=NOW - timedelta(days=2), booking_number="B2"),
        staged(court, person=participant, kind="charge", at=NOW - timedelta(days=1), case_number="26-1-9",
               charge_code="RCW 9A.56.050", charge_description=CHARGE_CANARY, offense_category="theft",
               severity="misdemeanor"),
    ])
    return participant


def _url(person):
    return reverse("justice_events", args=[person.pk])


def test_the_assigned_case_manager_reads_every_event(login, case_manager_cam, history):
    response = login(case_manager_cam).get(_url(history))
    assert response.status_code == 200
    text = response.content.decode()
    assert BOOKING_CANARY in text and CHARGE_CANARY in text
    summary = response.context["summary"]
    assert (summary["jail_days"], summary["bookings"], summary["in_custody"]) == (3 + 2, 2, True)
    assert "still in custody" in text
    viewed = AuditEvent.objects.get(action="divert.justice.events.viewed")
    assert viewed.person == history and viewed.category == "legal" and viewed.actor == case_manager_cam
    assert viewed.details == {"count": 4}


@pytest.mark.parametrize("name", ["supervisor_sue", "outreach_omar", "manager_mo"])
def test_the_team_and_the_project_manager_read_them(login, personas, history, name):
    response = login(getattr(personas, name)).get(_url(history))
    assert response.status_code == 200
    assert BOOKING_CANARY in response.content.decode()


@pytest.mark.parametrize("name", ["case_manager_casey", "officer_olivia", "sergeant_sam", "defender_dana",
                                  "evaluator_eve", "admin_ada", "outsider_oscar"])
def test_other_seats_get_404_and_nothing_leaks(login, personas, history, name):
    response = login(getattr(personas, name)).get(_url(history))
    assert response.status_code == 404
    text = response.content.decode()
    for canary in (IDENTITY_CANARY, CHARGE_CANARY, BOOKING_CANARY):
        assert canary not in text
    assert not AuditEvent.objects.filter(action="divert.justice.events.viewed").exists()


def test_the_offices_prosecutor_reads_only_its_matters_events(login, prosecutor_pat, history):
    assert LegalMatter.objects.get().prosecuting_agency == prosecutor_pat.seat.agency
    response = login(prosecutor_pat).get(_url(history))
    assert response.status_code == 200
    text = response.content.decode()
    assert CHARGE_CANARY in text
    assert BOOKING_CANARY not in text
    assert [e.kind for e in response.context["events"]] == ["charge"]
    assert response.context["summary"]["jail_days"] == 0


def test_a_prosecutor_of_another_office_gets_404(login, history):
    office = Agency.objects.create(name="Other County Prosecutor", kind=AgencyKind.PROSECUTOR)
    other = make_user("prosecutor_pete", Role.PROSECUTOR, office)
    response = login(other).get(_url(history))
    assert response.status_code == 404
    assert CHARGE_CANARY not in response.content.decode()


def test_without_a_matter_the_prosecutor_gets_404(login, prosecutor_pat, jail, participant):
    on_linked([staged(jail, person=participant, at=NOW - timedelta(days=2), booking_number="B2")])
    assert login(prosecutor_pat).get(_url(participant)).status_code == 404


def test_signed_out_is_sent_to_sign_in(client, history):
    response = client.get(_url(history))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_is_read_only(login, case_manager_cam, history):
    assert login(case_manager_cam).post(_url(history)).status_code == 405


def test_an_unknown_person_is_404(login, case_manager_cam, history):
    assert login(case_manager_cam).get(reverse("justice_events", args=[history.pk + 999])).status_code == 404


def _panel(user, person) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return engines["django"].from_string('{% include "records/_person_events.html" %}').render(
        {"person": person, "request": request}, request)


def test_the_person_page_panel(case_manager_cam, officer_olivia, prosecutor_pat, history):
    text = _panel(case_manager_cam, history)
    assert "Justice events" in text and _url(history) in text and "4 events" in text
    assert AuditEvent.objects.filter(action="divert.justice.events.listed", actor=case_manager_cam).exists()
    assert _panel(officer_olivia, history).strip() == ""
    assert "1 event from" in _panel(prosecutor_pat, history)


def test_the_timeline_shows_only_what_the_viewer_may_read(case_manager_cam, prosecutor_pat, officer_olivia, history):
    cam_items = [i for i in timeline_for(case_manager_cam, history) if i.kind == "justice"]
    assert len(cam_items) == 4 and all(i.category == "legal" for i in cam_items)
    pat_items = [i for i in timeline_for(prosecutor_pat, history) if i.kind == "justice"]
    assert [i.title for i in pat_items] == ["Charge: theft, Misdemeanor"]
    assert not [i for i in timeline_for(officer_olivia, history) if i.kind == "justice"]
