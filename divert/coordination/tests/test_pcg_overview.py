"""/pcg/: members, upcoming meetings, recent decisions, agreements due for renewal; who may read it."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from divert.accounts.models import Membership
from divert.coordination import actions_pcg as actions

from .test_pcg_support import READERS, TODAY, build_group, decide, noon

URL = reverse("pcg")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(noon(TODAY), tick=False):
        yield


@pytest.fixture
def group(agencies, manager_mo):
    return build_group(agencies, manager_mo)


def test_the_project_manager_sees_the_group(login, manager_mo, group):
    decide(group, manager_mo)
    actions.do_add_agreement(actor=manager_mo, kind="mou", title="LEAD memorandum of understanding",
                             effective_on=date(2024, 4, 1), renewal_on=date(2026, 4, 1))
    actions.do_add_agreement(actor=manager_mo, kind="resolution", title="County resolution 2024-17",
                             effective_on=date(2024, 1, 1))
    response = login(manager_mo).get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("<h1") == 1 and "Policy Coordinating Group" in text
    assert "5 member agencies. Quorum: more than half of the member agencies (3 represented)." in text
    assert "2026-06-02" in text and "County building" in text  # upcoming
    assert "PCG 2026-03-03 #1: Adopt the data-sharing policy" in text and "Consensus reached" in text
    assert f'href="{reverse("outcomes:reports")}"' in text  # the quarterly outcomes reports, one step away
    assert "LEAD memorandum of understanding" in text and "in 22 days" in text
    assert "County resolution 2024-17" not in text  # no renewal date: never due
    assert "Schedule or record a meeting" in text


@pytest.mark.parametrize("seat", READERS)
def test_member_agency_seats_and_overseers_read(request, login, group, seat):
    response = login(request.getfixturevalue(seat)).get(URL)
    assert response.status_code == 200
    assert "Test Police Department" in response.content.decode()
    assert "Schedule or record a meeting" not in response.content.decode()


def test_a_seat_at_a_non_member_agency_is_refused(login, outsider_oscar, group):
    assert login(outsider_oscar).get(URL).status_code == 403


def test_an_agency_that_left_no_longer_reads(login, officer_olivia, manager_mo, group):
    police = group.members["police"]
    actions.do_change_member(police, actor=manager_mo, if_unchanged_since=None, left_on=TODAY)
    assert login(officer_olivia).get(URL).status_code == 403


def test_an_account_without_a_seat_is_refused(login, officer_olivia, group):
    Membership.objects.filter(user=officer_olivia).update(active=False)
    officer_olivia.refresh_from_db()
    assert login(officer_olivia).get(URL).status_code == 403


def test_anonymous_goes_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_page_is_read_only(login, manager_mo, group):
    assert login(manager_mo).post(URL).status_code == 405


def test_no_page_shows_participant_data(login, manager_mo, participant, group):
    """The group works on policy: with a participant in the program, no PCG page mentions them."""
    from conftest import IDENTITY_CANARY

    decision = decide(group, manager_mo)
    agreement, _ = actions.do_add_agreement(actor=manager_mo, kind="mou", title="MOU", effective_on=date(2024, 1, 1))
    document = actions.do_add_document(actor=manager_mo, title="Data-sharing policy", kind="data_sharing")
    client = login(manager_mo)
    urls = [URL, reverse("pcg_members"), reverse("pcg_meetings"), reverse("pcg_documents"), reverse("pcg_agreements"),
            reverse("pcg_member", args=[group.members["police"].pk]), reverse("pcg_meeting", args=[group.held.pk]),
            reverse("pcg_decision_new", args=[group.held.pk]), reverse("pcg_decision", args=[decision.pk]),
            reverse("pcg_document", args=[document.pk]), reverse("pcg_agreement", args=[agreement.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert IDENTITY_CANARY not in response.content.decode(), url
