"""Starting a letter: built from the plan in the Golden-Rule form; refused without a release naming the recipient."""

import pytest
from django.urls import reverse

from divert.audit.models import AuditEvent
from divert.coordination.models import Letter
from divert.coordination.tests.conftest_letters import (
    HEALTH_GOAL_CANARY,
    LEGAL_GOAL_CANARY,
    STRANGERS,
    SUMMARY_TEXT,
    TEAM,
    TREATMENT_GOAL_CANARY,
)
from divert.privacy.categories import Category

pytest_plugins = ["divert.coordination.tests.conftest_letters"]


def _url(person) -> str:
    return reverse("letter_new", args=[person.pk])


def _post(client, person, court, goals=(), **extra):
    return client.post(_url(person), {"recipient": court.pk, "addressee": "Judge Ramos",
                                      "goals": [g.pk for g in goals], **extra})


def test_the_form_offers_casework_and_treatment_goals_only(login, case_manager_cam, participant, casefile,
                                                           court_release):
    response = login(case_manager_cam).get(_url(participant))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Get on the housing list" in text and "Get a state ID" in text
    assert TREATMENT_GOAL_CANARY in text  # offered, marked for letters with treatment information only
    assert HEALTH_GOAL_CANARY not in text and LEGAL_GOAL_CANARY not in text
    assert "Finish the GED" not in text  # set aside: never offered
    assert "First Golden Rule" in text and "no section for violations, drug use or conduct" in text
    assert "Test Municipal Court" in text


def test_a_draft_is_prefilled_from_the_plan_and_the_partner_summary(login, case_manager_cam, participant, court,
                                                                     casefile, court_release):
    response = _post(login(case_manager_cam), participant, court,
                     goals=[casefile["housing"], casefile["documents"], casefile["jobs"]])
    letter = Letter.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("letter_edit", args=[letter.pk])
    assert "since" in letter.engagement and "Test Harm Reduction Services" in letter.engagement
    assert SUMMARY_TEXT in letter.progress and "Get a state ID (achieved)" in letter.progress
    assert "Stable housing" in letter.barriers and "income" in letter.barriers
    assert "Start a job-training course" in letter.outlook and "Get a state ID" not in letter.outlook
    assert letter.treatment == "" and not letter.include_sud and not letter.is_sent
    assert letter.addressee == "Judge Ramos" and letter.written_by == case_manager_cam
    event = AuditEvent.objects.get(action="divert.letter.drafted")
    assert (event.person_id, event.category, event.target_id) == (participant.pk, Category.CASEWORK, str(letter.pk))
    assert SUMMARY_TEXT not in str(event.details)


@pytest.mark.parametrize("name", TEAM)
def test_the_team_may_start_a_letter(name, personas, login, participant, court, casefile, court_release):
    assert _post(login(getattr(personas, name)), participant, court).status_code == 302
    assert Letter.objects.count() == 1


@pytest.mark.parametrize("name", STRANGERS + ["manager_mo"])
def test_others_do_not_find_the_page(name, personas, login, participant, court, casefile, court_release):
    client = login(getattr(personas, name))
    assert client.get(_url(participant)).status_code == 404
    assert _post(client, participant, court).status_code == 404
    assert not Letter.objects.exists()


def test_a_partner_reading_casework_under_a_release_may_not_write(login, prosecutor_pat, agencies, participant,
                                                                  court, casefile, court_release, release):
    release(agencies.prosecutor, [Category.STATUS, Category.CASEWORK])
    client = login(prosecutor_pat)
    assert client.get(_url(participant)).status_code == 403
    assert _post(client, participant, court).status_code == 403


def test_refused_without_a_release_naming_the_recipient(login, case_manager_cam, participant, court, probation,
                                                        casefile, court_release):
    response = _post(login(case_manager_cam), participant, probation)
    assert response.status_code == 400
    text = response.content.decode()
    assert "cannot go to Test County Probation" in text
    assert "release of information in effect that names Test County Probation" in text
    assert not Letter.objects.exists()
    event = AuditEvent.objects.get(action="divert.letter.send_refused")
    assert event.details == {"recipient_agency": probation.pk, "include_sud": False, "during": "draft"}


def test_a_release_for_other_information_is_not_enough(login, case_manager_cam, participant, probation, casefile,
                                                        release):
    release(probation, [Category.STATUS])  # no partner summary: progress and barriers may not go
    assert _post(login(case_manager_cam), participant, probation).status_code == 400
    assert not Letter.objects.exists()


def test_treatment_information_needs_a_part2_consent_naming_the_recipient(login, case_manager_cam, participant,
                                                                          court, casefile, court_release):
    response = _post(login(case_manager_cam), participant, court, goals=[casefile["treatment"]], include_sud="on")
    assert response.status_code == 400
    assert "Part 2 consent (42 CFR 2.31) in effect that names Test Municipal Court" in response.content.decode()
    assert not Letter.objects.exists()


def test_with_a_part2_consent_the_treatment_section_is_prefilled(login, case_manager_cam, participant, court,
                                                                 casefile, court_release, release):
    release(court, [Category.SUD])
    response = _post(login(case_manager_cam), participant, court, goals=[casefile["treatment"]], include_sud="on")
    assert response.status_code == 302
    letter = Letter.objects.get()
    assert letter.include_sud and TREATMENT_GOAL_CANARY in letter.treatment
    assert TREATMENT_GOAL_CANARY not in letter.progress + letter.outlook
    assert AuditEvent.objects.get(action="divert.letter.drafted").category == Category.SUD


def test_treatment_goals_are_refused_in_a_letter_without_treatment_information(login, case_manager_cam, participant,
                                                                               court, casefile, court_release):
    response = _post(login(case_manager_cam), participant, court, goals=[casefile["treatment"]])
    assert response.status_code == 400
    assert not Letter.objects.exists()


@pytest.mark.parametrize("bad", ["health", "court", "set_aside"])
def test_goals_a_letter_may_not_carry_are_refused(bad, login, case_manager_cam, participant, court, casefile,
                                                  court_release):
    assert _post(login(case_manager_cam), participant, court, goals=[casefile[bad]]).status_code == 400
    assert not Letter.objects.exists()


def test_only_courts_and_probation_receive_letters(login, case_manager_cam, participant, agencies, casefile,
                                                  release):
    release(agencies.prosecutor)
    assert _post(login(case_manager_cam), participant, agencies.prosecutor).status_code == 400
    assert not Letter.objects.exists()


def test_an_empty_form_is_refused(login, case_manager_cam, participant, casefile, court_release):
    assert login(case_manager_cam).post(_url(participant), {}).status_code == 400
    assert not Letter.objects.exists()
