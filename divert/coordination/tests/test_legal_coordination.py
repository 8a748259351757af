"""Charge coordination: the prosecutor opens a request on a matter, the case manager answers in terms of the plan,
the prosecutor decides. Quartets for each page, audit rows, notifications, the release rule for the answer."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from divert.audit.models import AuditEvent
from divert.coordination import actions_legal as actions
from divert.coordination.models import CoordinationEvent, CoordinationRequest, CoordinationStatus
from divert.coordination.tests.conftest_legal import HOUSING_GOAL, RECOMMENDATION
from divert.notify.models import Notification
from divert.privacy.models import Disclosure

pytest_plugins = ["divert.coordination.tests.conftest_legal"]


def _answer_data(req, **extra):
    return {"answer_kind": "recommendation", "engagement": "Weekly contact.", "goals_text": RECOMMENDATION,
            "helps": "Time", "setbacks": "Jail", "version": req.updated_at.isoformat(), **extra}


# --- Opening --------------------------------------------------------------------------------------------------------

def test_prosecutor_opens_a_request_and_the_case_manager_is_told(login, prosecutor_pat, case_manager_cam, matter):
    response = login(prosecutor_pat).post(f"/legal/{matter.pk}/coordinate/", {"note": "Filing due Friday."})
    req = CoordinationRequest.objects.get()
    assert response.status_code == 302 and response.url == f"/coordination/{req.pk}/"
    assert (req.person, req.case_manager, req.opened_by, req.status) == (
        matter.person, case_manager_cam, prosecutor_pat, CoordinationStatus.AWAITING_ANSWER)
    assert req.prosecuting_agency == matter.prosecuting_agency
    note = Notification.objects.get(recipient=case_manager_cam)
    assert note.kind == "divert.coordination.requested" and note.url == f"/coordination/{req.pk}/"
    # The content rule: no name, no case number, no charge in what leaves the building.
    for text in (note.title, note.body, *(m.subject + m.body for m in mail.outbox)):
        assert "Zyxcanary" not in text and matter.case_number not in text and "Theft" not in text
    assert [e.kind for e in req.events.all()] == ["opened", "notified"]
    event = AuditEvent.objects.get(action="divert.coordination.opened")
    assert (event.actor, event.person, event.category) == (prosecutor_pat, matter.person, "legal")


def test_opening_twice_gives_the_same_request(login, prosecutor_pat, matter):
    client = login(prosecutor_pat)
    client.post(f"/legal/{matter.pk}/coordinate/", {"note": ""})
    client.post(f"/legal/{matter.pk}/coordinate/", {"note": ""})
    assert CoordinationRequest.objects.count() == 1
    assert Notification.objects.filter(kind="divert.coordination.requested").count() == 1


def test_a_feed_opens_one_without_an_actor(matter, case_manager_cam):
    req, created = actions.do_open_coordination_request(None, matter)
    assert created and req.opened_by is None
    assert AuditEvent.objects.get(action="divert.coordination.opened").details["automatic"] is True
    assert Notification.objects.filter(recipient=case_manager_cam).exists()


def test_without_a_case_manager_the_supervisors_are_told(matter, supervisor_sue, participant):
    participant.enrollments.update(case_manager=None)
    req, _ = actions.do_open_coordination_request(None, matter)
    assert req.case_manager is None
    assert Notification.objects.filter(recipient=supervisor_sue, kind="divert.coordination.requested").exists()


@pytest.mark.parametrize("name", ["case_manager_cam", "manager_mo", "defender_dana"])
def test_only_the_office_prosecutor_opens(name, personas, login, matter):
    assert login(getattr(personas, name)).post(f"/legal/{matter.pk}/coordinate/", {}).status_code == 403
    assert not CoordinationRequest.objects.exists()


@pytest.mark.parametrize("name", ["outsider_oscar", "case_manager_casey", "officer_olivia", "evaluator_eve"])
def test_strangers_get_404_on_the_open_form(name, personas, login, matter):
    assert login(getattr(personas, name)).get(f"/legal/{matter.pk}/coordinate/").status_code == 404


def test_another_office_cannot_open_on_our_matter(login, prosecutor_pete, matter):
    assert login(prosecutor_pete).get(f"/legal/{matter.pk}/coordinate/").status_code == 404


def test_a_closed_matter_refuses(login, prosecutor_pat, matter):
    actions.do_record_disposition(matter, actor=prosecutor_pat, disposition="dismissed",
                                  disposed_on=timezone.localdate())
    response = login(prosecutor_pat).post(f"/legal/{matter.pk}/coordinate/", {"note": "x"})
    assert response.status_code == 400 and "closed" in response.content.decode()
    assert not CoordinationRequest.objects.exists()


# --- The request page -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["prosecutor_pat", "case_manager_cam", "supervisor_sue", "manager_mo",
                                  "defender_dana"])
def test_the_request_page_works_for_both_sides_and_logs_the_read(name, personas, login, coordination_request):
    user = getattr(personas, name)
    response = login(user).get(f"/coordination/{coordination_request.pk}/")
    assert response.status_code == 200
    assert "What the release lets you see" in response.content.decode()
    assert AuditEvent.objects.filter(action="divert.coordination.viewed", actor=user, category="legal").exists()


@pytest.mark.parametrize("name", ["outsider_oscar", "case_manager_casey", "officer_olivia", "evaluator_eve",
                                  "admin_ada", "prosecutor_pete"])
def test_strangers_get_404_on_the_request(name, personas, login, coordination_request, request):
    user = request.getfixturevalue(name) if name == "prosecutor_pete" else getattr(personas, name)
    assert login(user).get(f"/coordination/{coordination_request.pk}/").status_code == 404


def test_the_prosecutor_reads_the_answer_under_the_release_and_it_is_accounted(login, prosecutor_pat, answered,
                                                                              prosecutor_release):
    body = login(prosecutor_pat).get(f"/coordination/{answered.pk}/").content.decode()
    assert RECOMMENDATION in body
    assert HOUSING_GOAL not in body  # picked goals are the team's record
    disclosure = Disclosure.objects.get(recipient=prosecutor_pat, categories=["partner_summary"])
    assert disclosure.release == prosecutor_release


def test_a_revoked_release_hides_the_answer_again(login, prosecutor_pat, answered, prosecutor_release,
                                                  case_manager_cam):
    from divert.privacy.actions import do_revoke_release
    from divert.privacy.models import Revocation

    do_revoke_release(prosecutor_release, actor=case_manager_cam, scope=Revocation.Scope.FULL,
                      effective_on=timezone.localdate())
    body = login(prosecutor_pat).get(f"/coordination/{answered.pk}/").content.decode()
    assert RECOMMENDATION not in body and "no release in effect today lets you read it" in body


# --- Answering --------------------------------------------------------------------------------------------------------

def test_the_case_manager_answers_with_a_recommendation(login, case_manager_cam, prosecutor_pat, coordination_request,
                                                        prosecutor_release, casefile):
    client = login(case_manager_cam)
    page = client.get(f"/coordination/{coordination_request.pk}/answer/").content.decode()
    assert f"#{prosecutor_release.pk}" in page and "will be able to read your recommendation" in page
    data = _answer_data(coordination_request, goals=[casefile["housing"].pk])
    response = client.post(f"/coordination/{coordination_request.pk}/answer/", data)
    assert response.status_code == 302
    req = CoordinationRequest.objects.get()
    assert (req.status, req.answer_kind, req.goals_text, req.answered_by, req.answer_release) == (
        "answered", "recommendation", RECOMMENDATION, case_manager_cam, prosecutor_release)
    assert list(req.goals.all()) == [casefile["housing"]]
    event = AuditEvent.objects.get(action="divert.coordination.answered")
    assert event.details["answer"] == "recommendation" and RECOMMENDATION not in str(event.details)
    # Sent twice (a double tap): one answer, no error.
    assert client.post(f"/coordination/{req.pk}/answer/", data).status_code == 302
    assert AuditEvent.objects.filter(action="divert.coordination.answered").count() == 1


def test_a_supervisor_may_answer_for_the_team(login, supervisor_sue, coordination_request):
    response = login(supervisor_sue).post(f"/coordination/{coordination_request.pk}/answer/",
                                          {"answer_kind": "nothing_to_share",
                                           "version": coordination_request.updated_at.isoformat()})
    assert response.status_code == 302
    assert CoordinationRequest.objects.get().answer_kind == "nothing_to_share"


def test_without_a_release_only_nothing_to_share_is_accepted(login, case_manager_cam, coordination_request):
    client = login(case_manager_cam)
    page = client.get(f"/coordination/{coordination_request.pk}/answer/").content.decode()
    assert "No release in effect lets Test Prosecutor&#x27;s Office read" in page
    response = client.post(f"/coordination/{coordination_request.pk}/answer/", _answer_data(coordination_request))
    assert response.status_code == 400
    req = CoordinationRequest.objects.get()
    assert req.status == "awaiting_answer" and req.goals_text == ""
    with pytest.raises(Exception, match="No release in effect"):
        actions.do_answer_coordination_request(req, actor=case_manager_cam, answer_kind="recommendation",
                                               goals_text="Something")
    response = client.post(f"/coordination/{req.pk}/answer/", {"answer_kind": "nothing_to_share",
                                                               "version": req.updated_at.isoformat()})
    assert response.status_code == 302
    assert CoordinationRequest.objects.get().answer_kind == "nothing_to_share"


def test_a_release_naming_the_prosecutor_seat_counts(login, case_manager_cam, coordination_request, release_to,
                                                     agencies):
    release = release_to((agencies.prosecutor, "prosecutor"))
    page = login(case_manager_cam).get(f"/coordination/{coordination_request.pk}/answer/").content.decode()
    assert f"#{release.pk}" in page


def test_an_empty_recommendation_is_refused(login, case_manager_cam, coordination_request, prosecutor_release):
    data = _answer_data(coordination_request, engagement="", goals_text="", helps="", setbacks="")
    response = login(case_manager_cam).post(f"/coordination/{coordination_request.pk}/answer/", data)
    assert response.status_code == 400
    assert CoordinationRequest.objects.get().status == "awaiting_answer"


def test_a_stale_answer_is_refused(login, case_manager_cam, supervisor_sue, coordination_request, prosecutor_release):
    old_version = coordination_request.updated_at.isoformat()
    actions.do_answer_coordination_request(coordination_request, actor=supervisor_sue, answer_kind="nothing_to_share")
    response = login(case_manager_cam).post(f"/coordination/{coordination_request.pk}/answer/",
                                            _answer_data(coordination_request, version=old_version))
    assert response.status_code == 409
    assert CoordinationRequest.objects.get().answer_kind == "nothing_to_share"


@pytest.mark.parametrize("name", ["prosecutor_pat", "manager_mo", "defender_dana"])
def test_readers_get_403_on_the_answer_form(name, personas, login, coordination_request):
    assert login(getattr(personas, name)).get(f"/coordination/{coordination_request.pk}/answer/").status_code == 403


@pytest.mark.parametrize("name", ["outsider_oscar", "case_manager_casey", "officer_olivia"])
def test_strangers_get_404_on_the_answer_form(name, personas, login, coordination_request):
    assert login(getattr(personas, name)).get(f"/coordination/{coordination_request.pk}/answer/").status_code == 404


# --- Deciding ---------------------------------------------------------------------------------------------------------

def test_the_prosecutor_decides_and_the_case_manager_is_told(login, prosecutor_pat, case_manager_cam, answered):
    review_by = timezone.localdate() + timedelta(days=60)
    client = login(prosecutor_pat)
    assert client.get(f"/coordination/{answered.pk}/decide/").status_code == 200
    data = {"decision": "hold", "review_by": review_by.isoformat(), "reason": ""}
    response = client.post(f"/coordination/{answered.pk}/decide/", data)
    assert response.status_code == 302
    req = CoordinationRequest.objects.get()
    assert (req.status, req.decision, req.review_by, req.decided_by) == ("decided", "hold", review_by, prosecutor_pat)
    assert not CoordinationRequest.objects.open().exists()
    assert Notification.objects.filter(recipient=case_manager_cam, kind="divert.coordination.decided").count() == 1
    assert AuditEvent.objects.get(action="divert.coordination.decided").details["decision"] == "hold"
    # The same decision sent again changes nothing; another one is refused.
    assert client.post(f"/coordination/{req.pk}/decide/", data).status_code == 302
    assert client.post(f"/coordination/{req.pk}/decide/", {"decision": "divert"}).status_code == 400
    assert CoordinationRequest.objects.get().decision == "hold"
    assert [e.kind for e in req.events.all()] == ["opened", "notified", "answered", "decided"]
    # Both sides see the timeline.
    for user in (prosecutor_pat, case_manager_cam):
        body = login(user).get(f"/coordination/{req.pk}/").content.decode()
        for label in ("Opened", "Answered", "Decided", "Hold for the plan"):
            assert label in body


@pytest.mark.parametrize(("data", "field"), [
    ({"decision": "decline", "reason": ""}, "reason"),
    ({"decision": "file", "reason": "  "}, "reason"),
    ({"decision": "hold", "reason": "plan"}, "review_by"),
    ({"decision": "hold", "review_by": "2020-01-01"}, "review_by"),
    ({"decision": "pardon"}, "decision"),
])
def test_bad_decisions_are_refused(data, field, login, prosecutor_pat, coordination_request):
    response = login(prosecutor_pat).post(f"/coordination/{coordination_request.pk}/decide/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert CoordinationRequest.objects.get().status == "awaiting_answer"
    assert not CoordinationEvent.objects.filter(kind="decided").exists()


def test_decline_with_a_reason(login, prosecutor_pat, coordination_request):
    response = login(prosecutor_pat).post(f"/coordination/{coordination_request.pk}/decide/",
                                          {"decision": "decline", "reason": "Engaged in the plan; not in the public "
                                                                            "interest."})
    assert response.status_code == 302 and CoordinationRequest.objects.get().decision == "decline"


@pytest.mark.parametrize("name", ["case_manager_cam", "manager_mo", "defender_dana", "supervisor_sue"])
def test_readers_get_403_on_the_decision_form(name, personas, login, coordination_request):
    assert login(getattr(personas, name)).post(f"/coordination/{coordination_request.pk}/decide/",
                                               {"decision": "divert"}).status_code == 403
    assert CoordinationRequest.objects.get().status == "awaiting_answer"


def test_another_office_gets_404_on_the_decision(login, prosecutor_pete, coordination_request):
    assert login(prosecutor_pete).get(f"/coordination/{coordination_request.pk}/decide/").status_code == 404


# --- The list -----------------------------------------------------------------------------------------------------

def test_the_list_shows_each_seat_its_requests(login, personas, coordination_request, prosecutor_pete):
    for name in ("prosecutor_pat", "case_manager_cam", "supervisor_sue", "manager_mo", "defender_dana"):
        response = login(getattr(personas, name)).get("/coordination/")
        assert response.status_code == 200 and coordination_request.reference in response.content.decode(), name
    assert "Waiting for your answer" in login(personas.case_manager_cam).get("/coordination/").content.decode()
    assert coordination_request.reference not in login(prosecutor_pete).get("/coordination/").content.decode()
    assert AuditEvent.objects.filter(action="divert.coordination.listed").exists()


@pytest.mark.parametrize("name", ["officer_olivia", "evaluator_eve", "admin_ada"])
def test_the_list_is_not_for_other_seats(name, personas, login):
    assert login(getattr(personas, name)).get("/coordination/").status_code == 403


def test_casey_sees_the_list_but_not_cams_request(login, case_manager_casey, coordination_request):
    body = login(case_manager_casey).get("/coordination/").content.decode()
    assert coordination_request.reference not in body


def test_a_release_opening_legal_does_not_seat_a_partner_in_coordination(login, personas, coordination_request,
                                                                         release_to, agencies, prosecutor_pete,
                                                                         other_office):
    # Police and another office read the matter under the release; the coordination stays between its parties.
    release_to(agencies.police, categories=["status", "partner_summary", "legal"])
    release_to(other_office, categories=["status", "partner_summary", "legal"])
    for user in (personas.officer_olivia, prosecutor_pete):
        client = login(user)
        assert client.get(f"/legal/{coordination_request.matter_id}/").status_code == 200
        assert client.get(f"/coordination/{coordination_request.pk}/").status_code == 404
