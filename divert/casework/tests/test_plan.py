import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conftest import SUD_CANARY
from divert.audit.models import AuditEvent
from divert.casework.actions_assessment import do_add_goal
from divert.casework.models import Goal, GoalDomain, GoalStatus, InterventionPlan
from divert.privacy.models import Disclosure
from divert.privacy.policy import Category

pytest_plugins = ["divert.casework.tests.conftest_assessment"]


def plan_url(person):
    return f"/people/{person.pk}/plan/"


def add_url(person):
    return f"/people/{person.pk}/plan/goals/new/"


GOAL = {"domain": "documents", "text": "Get my birth certificate", "steps": "Call vital records\nPay the fee",
        "chosen_by_participant": "on"}


def test_the_assigned_case_manager_adds_a_goal_the_participant_chose(case_manager_cam, participant, login):
    client = login(case_manager_cam)
    assert client.get(add_url(participant)).status_code == 200
    response = client.post(add_url(participant), GOAL)
    assert response.status_code == 302 and response.url == plan_url(participant)
    goal = Goal.objects.get()
    assert goal.plan.enrollment == participant.enrollments.get()
    assert (goal.domain, goal.status, goal.category, goal.chosen_by_participant) == (
        "documents", GoalStatus.OPEN, Category.CASEWORK, True)
    assert [s.text for s in goal.steps.all()] == ["Call vital records", "Pay the fee"]
    assert [(c.from_status, c.to_status) for c in goal.status_changes.all()] == [("", "open")]
    assert AuditEvent.objects.filter(action="divert.casework.goal.added", person=participant).exists()
    page = client.get(plan_url(participant))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Get my birth certificate" in html and "ID and documents" in html and "Call vital records" in html


@pytest.mark.parametrize("name", ["supervisor_sue", "outreach_omar"])
def test_teammates_can_add_goals(name, personas, participant, login):
    assert login(getattr(personas, name)).post(add_url(participant), GOAL).status_code == 302
    assert Goal.objects.count() == 1


@pytest.mark.parametrize("name", ["case_manager_casey", "manager_mo", "officer_olivia", "sergeant_sam",
                                  "prosecutor_pat", "defender_dana", "evaluator_eve", "outsider_oscar"])
def test_seats_that_may_not_see_casework_get_404(name, personas, participant, goal, sud_goal, login):
    client = login(getattr(personas, name))
    for response in (client.get(plan_url(participant)), client.get(add_url(participant)),
                     client.post(add_url(participant), GOAL),
                     client.post(f"/goals/{sud_goal.pk}/notes/", {"text": "x"})):
        assert response.status_code == 404
        assert SUD_CANARY.encode() not in response.content
    assert Goal.objects.count() == 2


def test_a_partner_under_a_casework_release_reads_casework_goals_only(defender_dana, participant, goal, sud_goal,
                                                                     login, casework_release):
    casework_release()
    client = login(defender_dana)
    page = client.get(plan_url(participant))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Get my own place" in html
    assert SUD_CANARY not in html and "methadone" not in html and "Substance-use treatment" not in html
    assert "Add a goal" not in html and "Mark done" not in html
    assert client.get(add_url(participant)).status_code == 403
    assert client.post(add_url(participant), GOAL).status_code == 403
    assert client.post(f"/goals/{goal.pk}/notes/", {"text": "x"}).status_code == 403
    # The SUD goal does not exist for this reader.
    assert client.post(f"/goals/{sud_goal.pk}/notes/", {"text": "x"}).status_code == 404
    assert Disclosure.objects.filter(categories=[Category.CASEWORK]).exists()


def test_plan_reads_are_audited_per_category(case_manager_cam, participant, goal, sud_goal, login):
    html = login(case_manager_cam).get(plan_url(participant)).content.decode()
    assert SUD_CANARY in html
    categories = set(AuditEvent.objects.filter(action="divert.casework.plan.viewed")
                     .values_list("category", flat=True))
    assert categories == {Category.CASEWORK, Category.SUD}


def test_no_goal_without_the_participants_choice(case_manager_cam, participant, enrollment, login):
    response = login(case_manager_cam).post(add_url(participant), {**GOAL, "chosen_by_participant": ""})
    assert response.status_code == 400
    assert b"only when the participant chose it" in response.content
    with pytest.raises(ValidationError):
        do_add_goal(participant, enrollment, domain="housing", text="x", chosen_by_participant=False, steps=[],
                    actor=case_manager_cam)
    plan = InterventionPlan.objects.create(person=participant, enrollment=enrollment)
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.create(plan=plan, domain="housing", text="Imposed", chosen_by_participant=False,
                            created_by=case_manager_cam)
    assert not Goal.objects.exists()


@pytest.mark.parametrize("bad", [{"domain": "abstinence"}, {"text": "   "}, {"text": "x" * 1001},
                                 {"steps": "\n".join(f"step {i}" for i in range(25))}])
def test_bad_goals_are_refused(bad, case_manager_cam, participant, login):
    assert login(case_manager_cam).post(add_url(participant), {**GOAL, **bad}).status_code == 400
    assert not Goal.objects.exists()


def test_goal_categories_follow_the_domain(participant, enrollment, case_manager_cam):
    expected = {GoalDomain.TREATMENT: Category.SUD, GoalDomain.MENTAL_HEALTH: Category.HEALTH,
                GoalDomain.PHYSICAL_HEALTH: Category.HEALTH, GoalDomain.COURT: Category.LEGAL,
                GoalDomain.HOUSING: Category.CASEWORK, GoalDomain.FOOD: Category.CASEWORK}
    for domain, category in expected.items():
        goal = do_add_goal(participant, enrollment, domain=domain, text="t", chosen_by_participant=True, steps=[],
                           actor=case_manager_cam)
        assert goal.category == category, domain
    assert len(GoalDomain.values) == 13


def test_timeline_shows_assessments_and_goals_by_category(case_manager_cam, defender_dana, participant, assessment,
                                                          goal, sud_goal, casework_release):
    from divert.casework.timeline import timeline_for

    kinds = {(i.kind, i.category) for i in timeline_for(case_manager_cam, participant)}
    assert {("assessment", Category.CASEWORK), ("goal", Category.CASEWORK), ("goal", Category.SUD)} <= kinds
    casework_release()
    partner = timeline_for(defender_dana, participant)
    assert ("goal", Category.CASEWORK) in {(i.kind, i.category) for i in partner}
    assert all(i.category != Category.SUD for i in partner)
    assert SUD_CANARY not in " ".join(f"{i.title} {i.detail}" for i in partner)
