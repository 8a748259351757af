"""The case-management team flags a person for the next meeting, from the person page."""

import pytest

from divert.audit.models import AuditEvent
from divert.coordination.models import OperationalWorkGroupFlag
from divert.privacy.policy import Category

pytest_plugins = ["divert.coordination.tests.conftest_owg"]


def test_the_team_flags_a_person_once(case_manager_cam, participant, login):
    client = login(case_manager_cam)
    page = client.get(f"/people/{participant.pk}/").content.decode()
    assert "Flag for the next OWG meeting" in page
    form = {"reason": "Housing voucher stalled; a partner could vouch at the shelter desk."}
    assert client.post(f"/people/{participant.pk}/owg-flag/", form).status_code == 302
    assert client.post(f"/people/{participant.pk}/owg-flag/", form).status_code == 302  # double submit
    flag = OperationalWorkGroupFlag.objects.get(person=participant)
    assert flag.flagged_by == case_manager_cam and flag.resolved_at is None
    assert AuditEvent.objects.filter(action="divert.owg.flag.raised", person=participant,
                                     category=Category.PARTNER_SUMMARY).count() == 1
    page = client.get(f"/people/{participant.pk}/").content.decode()
    assert "Flagged for the next meeting" in page and "Housing voucher stalled" in page


def test_a_flag_reason_is_checked_against_the_golden_rule(case_manager_cam, participant, login):
    response = login(case_manager_cam).post(f"/people/{participant.pk}/owg-flag/",
                                            {"reason": "Relapsed and sleeping behind the library"})
    assert response.status_code == 400 and "42 CFR Part 2" in response.content.decode()
    assert login(case_manager_cam).post(f"/people/{participant.pk}/owg-flag/", {"reason": ""}).status_code == 400
    assert not OperationalWorkGroupFlag.objects.exists()


@pytest.mark.parametrize(("name", "status"), [
    ("case_manager_casey", 404),  # same provider: may know of them, not read what partners are told
    ("manager_mo", 404),
    ("officer_olivia", 404),
    ("outsider_oscar", 404),
])
def test_only_the_team_flags(name, status, personas, participant, login):
    response = login(getattr(personas, name)).post(f"/people/{participant.pk}/owg-flag/", {"reason": "Needs a ride"})
    assert response.status_code == status
    assert not OperationalWorkGroupFlag.objects.exists()


def test_a_partner_reader_who_is_not_on_the_team_gets_403(defender_dana, agencies, participant, case_manager_cam,
                                                           login):
    from divert.coordination.tests.conftest_owg import release_for

    release_for(participant, case_manager_cam, agencies.defender, ["status", "partner_summary"])
    response = login(defender_dana).post(f"/people/{participant.pk}/owg-flag/", {"reason": "Needs a ride"})
    assert response.status_code == 403
    page = login(defender_dana).get(f"/people/{participant.pk}/").content.decode()
    assert "Flag for the next OWG meeting" not in page


def test_the_project_manager_is_offered_the_next_agenda(manager_mo, participant, meeting, login):
    page = login(manager_mo).get(f"/people/{participant.pk}/").content.decode()
    assert f"/owg/meetings/{meeting.pk}/agenda/?person={participant.pk}" in page
    assert "Flag for the next OWG meeting" not in page
