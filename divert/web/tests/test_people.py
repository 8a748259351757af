import pytest

from conftest import IDENTITY_CANARY
from divert.audit.models import AuditEvent

CANNOT_KNOW = ["officer_olivia", "sergeant_sam", "prosecutor_pat", "defender_dana", "evaluator_eve", "admin_ada",
               "outsider_oscar"]


def test_case_manager_opens_their_participant(case_manager_cam, participant, login):
    response = login(case_manager_cam).get(f"/people/{participant.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alex Zyxcanary" in html and "SID00000001" in html and "Social contact" in html
    event = AuditEvent.objects.get(action="divert.person.viewed")
    assert (event.actor, event.person_id, event.category) == (case_manager_cam, participant.pk, "status")


def test_colleague_at_the_provider_can_look_them_up(case_manager_casey, participant, login):
    response = login(case_manager_casey).get(f"/people/{participant.pk}/")
    assert response.status_code == 200
    assert "Who accessed this record" not in response.content.decode()


@pytest.mark.parametrize("name", CANNOT_KNOW)
def test_seats_that_may_not_know_the_person_get_404(name, personas, participant, login):
    client = login(getattr(personas, name))
    assert client.get(f"/people/{participant.pk}/").status_code == 404
    assert client.get(f"/people/{participant.pk}/access/").status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="divert.person.").exists()


def test_unknown_person_is_404(manager_mo, login, db):
    assert login(manager_mo).get("/people/999999/").status_code == 404


def test_people_search(case_manager_cam, participant, login):
    client = login(case_manager_cam)
    assert "Alex Zyxcanary" in client.get("/people/?q=zyxcan").content.decode()
    assert "Alex Zyxcanary" not in client.get("/people/?q=nobody").content.decode()
    assert AuditEvent.objects.filter(action="divert.person.searched").count() == 2


def test_people_search_refuses_nothing_on_odd_input(case_manager_cam, participant, login):
    client = login(case_manager_cam)
    assert client.get("/people/", {"q": "x" * 5000, "page": "abc"}).status_code == 200
    assert client.get("/people/", {"page": "-4"}).status_code == 200


@pytest.mark.parametrize("name", ["manager_mo", "supervisor_sue"])
def test_access_page_lists_who_looked(name, personas, case_manager_cam, participant, login):
    login(case_manager_cam).get(f"/people/{participant.pk}/")
    client = login(getattr(personas, name))
    response = client.get(f"/people/{participant.pk}/access/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "case_manager_cam" in html and "viewed a person&#x27;s record" in html
    assert AuditEvent.objects.filter(action="divert.person.access_log.viewed", actor=getattr(personas, name)).exists()


@pytest.mark.parametrize("name", ["case_manager_cam", "case_manager_casey", "outreach_omar"])
def test_access_page_is_403_for_seats_that_know_the_person(name, personas, participant, login):
    assert login(getattr(personas, name)).get(f"/people/{participant.pk}/access/").status_code == 403


def test_audit_log_is_the_project_managers(personas, login, participant):
    assert login(personas.manager_mo).get("/audit/", {"action": "divert.session", "user": "x"}).status_code == 200
    for name in ("case_manager_cam", "officer_olivia", "admin_ada"):
        assert login(getattr(personas, name)).get("/audit/").status_code == 403


@pytest.mark.parametrize("name", CANNOT_KNOW)
def test_identity_never_leaks_to_seats_that_may_not_know(name, personas, participant, login):
    """Leak test: the participant's name appears in no page a seat without a rule or consent can reach."""
    login(personas.case_manager_cam).get(f"/people/{participant.pk}/")  # leaves audit events naming the person
    client = login(getattr(personas, name))
    pages = ["/", "/people/", "/people/?q=yxcanar", "/people/?q=Alex", f"/people/{participant.pk}/",
             f"/people/{participant.pk}/access/", "/audit/", "/account/", "/admin/",
             "/admin/accounts/user/", "/admin/audit/auditevent/"]
    for url in pages:
        response = client.get(url, follow=True)
        assert IDENTITY_CANARY not in response.content.decode(), url


def test_status_only_colleague_does_not_see_the_referral_door(case_manager_casey, case_manager_cam, participant,
                                                              login):
    assert "Social contact" not in login(case_manager_casey).get(f"/people/{participant.pk}/").content.decode()
    assert "Social contact" in login(case_manager_cam).get(f"/people/{participant.pk}/").content.decode()


def test_audit_log_pages_keep_their_filters(manager_mo, login):
    from divert.audit.log import log_event

    for i in range(60):
        log_event("divert.test.paged", actor=manager_mo, details={"i": i})
    html = login(manager_mo).get("/audit/", {"action": "divert.test", "user": "manager_mo"}).content.decode()
    assert "action=divert.test" in html and "user=manager_mo" in html and "page=2" in html
