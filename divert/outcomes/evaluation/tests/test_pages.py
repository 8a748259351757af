"""The evaluation page: who sees it (evaluator, project manager, the policy group's members), who runs it, what it
shows (each result with its chart and table, n, window, method, intervals, warnings), and that it never names
anyone."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import IDENTITY_CANARY, SUD_CANARY
from divert.audit.models import AuditEvent
from divert.coordination.models import PCGMember
from divert.outcomes.evaluation.models import EvaluationRun
from divert.outcomes.evaluation.runner import run_evaluation
from divert.outcomes.evaluation.tests import site

URL = "/evaluation/"


@pytest.fixture
def evaluated(participant, agencies):
    """The canary participant plus a small generated site, evaluated once."""
    site.event(participant, "arrest", date(2025, 12, 1))
    site.event(participant, "booking", date(2026, 2, 1), released_on=date(2026, 2, 3))
    site.random_site(agencies.provider, participants=25, comparison=35, seed=5)
    return run_evaluation(timezone.now())


@pytest.fixture
def police_in_pcg(agencies):
    return PCGMember.objects.create(agency=agencies.police, joined_on=timezone.localdate() - timedelta(days=30))


@pytest.mark.parametrize("who", ["evaluator_eve", "manager_mo"])
def test_the_evaluator_and_the_project_manager_see_the_results(evaluated, login, request, who):
    response = login(request.getfixturevalue(who)).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    for heading in ("Within-person change before and after referral", "Time to re-arrest", "Odds of arrest",
                    "Bookings and jail days", "Costs", "The comparison group and its balance"):
        assert heading in html
    assert "<svg" in html and "95% confidence interval" in html and "Efron" in html
    assert "Unit costs not declared" in html
    assert 'action="/evaluation/run/"' in html  # they may run it
    # Aggregates only: the participant's name and their substance-use note never appear.
    assert IDENTITY_CANARY not in html and SUD_CANARY not in html


def test_a_policy_group_member_reads_but_may_not_run(evaluated, login, officer_olivia, police_in_pcg):
    client = login(officer_olivia)
    response = client.get(URL)
    assert response.status_code == 200
    assert 'action="/evaluation/run/"' not in response.content.decode()
    assert IDENTITY_CANARY not in response.content.decode()
    assert client.post("/evaluation/run/", {"comparison": "feeds", "method": "match"}).status_code == 403
    assert client.get("/evaluation/cohorts/").status_code == 403
    assert EvaluationRun.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider_oscar", "case_manager_cam", "officer_olivia", "prosecutor_pat"])
def test_seats_outside_the_evaluation_get_404(participant, login, request, who):
    client = login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 404
    assert client.post("/evaluation/run/", {"comparison": "feeds", "method": "match"}).status_code == 404
    assert client.get("/evaluation/agreements/").status_code == 404


def test_signed_out_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_menu_shows_evaluation_to_its_seats_only(personas, login, evaluator_eve, case_manager_cam,
                                                      officer_olivia, police_in_pcg):
    link = f'href="{reverse("evaluation")}"'
    assert link in login(evaluator_eve).get("/").content.decode()
    assert link in login(officer_olivia).get("/").content.decode()  # police are in the policy group here
    assert link not in login(case_manager_cam).get("/").content.decode()


def test_running_it_again_stores_a_new_run(evaluated, login, evaluator_eve):
    client = login(evaluator_eve)
    response = client.post("/evaluation/run/", {"comparison": "feeds", "method": "weight"})
    assert response.status_code == 302
    latest = EvaluationRun.objects.first()
    assert EvaluationRun.objects.count() == 2 and latest.ran_by == evaluator_eve and latest.trigger == "evaluator"
    assert latest.results["summary"]["method"] == "weight"
    assert AuditEvent.objects.filter(action="divert.evaluation.run", actor=evaluator_eve).exists()
    assert "weights" in client.get(URL).content.decode()


def test_bad_run_input_is_refused(participant, login, evaluator_eve):
    response = login(evaluator_eve).post("/evaluation/run/", {"comparison": "9999", "method": "guess"})
    assert response.status_code == 400
    assert EvaluationRun.objects.count() == 0


def test_before_any_run_the_page_says_so(login, evaluator_eve):
    response = login(evaluator_eve).get(URL)
    assert response.status_code == 200 and "has not been run yet" in response.content.decode()
