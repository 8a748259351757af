"""The leak test: the SUD canary in a substance-use contact note reaches no seat that may not see it."""

import pytest

from conftest import SUD_CANARY
from divert.casework.tests.conftest_contacts import NOT_SUD_SEATS
from divert.notify.models import Notification
from divert.participants.actions import do_change_status

pytest_plugins = ["divert.casework.tests.conftest_contacts"]


@pytest.fixture
def everything(participant, contacts, summary, sud_task, case_manager_cam):
    do_change_status(participant.enrollments.get(), "in_the_wind", actor=case_manager_cam,
                     reason="Not seen for three weeks")
    return participant


def pages(person, contacts, task):
    sud = contacts["sud"]
    return [f"/people/{person.pk}/", "/outreach/", "/tasks/", f"/tasks/?person={person.pk}",
            f"/tasks/?worker={task.assigned_to_id}", f"/contacts/{sud.pk}/", f"/contacts/{sud.pk}/edit/",
            f"/people/{person.pk}/partner-summary/", f"/people/{person.pk}/contacts/new/", "/caseloads/",
            f"/tasks/new/?person={person.pk}"]


@pytest.mark.parametrize("name", NOT_SUD_SEATS)
def test_no_page_shows_the_sud_canary(name, personas, everything, contacts, sud_task, login):
    client = login(getattr(personas, name))
    for path in pages(everything, contacts, sud_task):
        response = client.get(path)
        assert SUD_CANARY not in response.content.decode(), path
    assert not Notification.objects.filter(title__contains=SUD_CANARY).exists()


def test_a_release_of_everything_but_sud_still_hides_it(defender_dana, agencies, everything, contacts, sud_task,
                                                        release, login):
    release(agencies.defender, ["status", "partner_summary", "casework", "health", "referral", "legal"])
    client = login(defender_dana)
    person_page = client.get(f"/people/{everything.pk}/").content.decode()
    assert contacts["casework"].note in person_page  # the release does open casework
    for path in pages(everything, contacts, sud_task):
        assert SUD_CANARY not in client.get(path).content.decode(), path


@pytest.mark.parametrize("name", ["case_manager_cam", "supervisor_sue", "outreach_omar"])
def test_the_team_does_see_it(name, personas, everything, login):
    assert SUD_CANARY in login(getattr(personas, name)).get(f"/people/{everything.pk}/").content.decode()
