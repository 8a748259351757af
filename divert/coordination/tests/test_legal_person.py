"""Legal matters on the person page, coordination in the person timeline, and the home-page counts."""

import pytest

from divert.audit.models import AuditEvent
from divert.coordination.tests.conftest_legal import CASE_NUMBER, OTHER_CASE_NUMBER
from divert.privacy.models import Disclosure

pytest_plugins = ["divert.coordination.tests.conftest_legal"]


@pytest.mark.parametrize("name", ["case_manager_cam", "supervisor_sue", "manager_mo"])
def test_the_team_and_the_project_manager_see_every_matter(name, personas, login, participant, matter, other_matter):
    user = getattr(personas, name)
    body = login(user).get(f"/people/{participant.pk}/").content.decode()
    assert CASE_NUMBER in body and OTHER_CASE_NUMBER in body
    event = AuditEvent.objects.get(action="divert.legal.matters.listed", actor=user)
    assert event.category == "legal" and event.details == {"count": 2}


def test_the_prosecutor_sees_the_person_and_only_their_offices_matter(login, prosecutor_pat, participant, matter,
                                                                      other_matter):
    response = login(prosecutor_pat).get(f"/people/{participant.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert CASE_NUMBER in body and OTHER_CASE_NUMBER not in body
    assert "Record a legal matter" in body
    # Through the office's matter: not a disclosure under a release.
    assert not Disclosure.objects.filter(recipient=prosecutor_pat).exists()


def test_the_defender_sees_their_clients_matter(login, defender_dana, participant, matter, other_matter):
    body = login(defender_dana).get(f"/people/{participant.pk}/").content.decode()
    assert CASE_NUMBER in body and OTHER_CASE_NUMBER not in body
    assert "Record a legal matter" not in body


def test_a_release_opening_legal_shows_every_matter_and_is_accounted(login, prosecutor_pat, participant, matter,
                                                                     other_matter, release_to, agencies):
    release = release_to(agencies.prosecutor, categories=["status", "legal"])
    body = login(prosecutor_pat).get(f"/people/{participant.pk}/").content.decode()
    assert OTHER_CASE_NUMBER in body
    assert Disclosure.objects.filter(recipient=prosecutor_pat, release=release).exists()


@pytest.mark.parametrize("name", ["officer_olivia", "outsider_oscar", "evaluator_eve"])
def test_strangers_do_not_know_the_person(name, personas, login, participant, matter):
    assert login(getattr(personas, name)).get(f"/people/{participant.pk}/").status_code == 404


def test_casey_knows_the_person_but_not_the_matters(login, case_manager_casey, participant, matter):
    body = login(case_manager_casey).get(f"/people/{participant.pk}/").content.decode()
    assert CASE_NUMBER not in body and "Legal matters" not in body


def test_coordination_steps_reach_the_team_timeline(login, case_manager_cam, participant, answered):
    body = login(case_manager_cam).get(f"/people/{participant.pk}/").content.decode()
    assert "Coordination request opened" in body and "Coordination request answered" in body
    assert answered.reference in body


def test_the_timeline_keeps_other_offices_steps_from_a_prosecutor(login, prosecutor_pat, participant, other_matter,
                                                                  matter, release_to, agencies):
    from divert.casework.timeline import timeline_for
    from divert.coordination import actions_legal as actions

    other_req, _ = actions.do_open_coordination_request(None, other_matter)
    release_to(agencies.prosecutor, categories=["status"])  # identity, status: the casework panel shows
    items = timeline_for(prosecutor_pat, participant)
    assert not any(other_req.reference in item.title for item in items)
    assert any(item.kind == "legal" and str(matter.pk) in item.url for item in items)


def test_home_counts(login, personas, coordination_request):
    cam = login(personas.case_manager_cam).get("/").content.decode()
    assert "1 coordination request from the prosecutor waits for your answer" in cam
    pat = login(personas.prosecutor_pat).get("/").content.decode()
    assert "1 coordination request awaiting the case manager's answer" in pat
    dana = login(personas.defender_dana).get("/").content.decode()
    assert "1 open legal matter your agency defends" in dana
    assert "1 open coordination request about your clients" in dana
