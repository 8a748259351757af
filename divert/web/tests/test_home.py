import pytest

from conftest import PERSONAS
from divert.audit.models import AuditEvent

HEADINGS = {
    "officer_olivia": "Officer",
    "sergeant_sam": "Sergeant",
    "outreach_omar": "Outreach",
    "case_manager_cam": "Your caseload",
    "case_manager_casey": "Your caseload",
    "supervisor_sue": "Caseloads",
    "prosecutor_pat": "Liaison prosecutor",
    "defender_dana": "Public defender",
    "manager_mo": "Program overview",
    "evaluator_eve": "Evaluation",
    "admin_ada": "Site administration",
    "outsider_oscar": "Your caseload",
}


@pytest.mark.parametrize("name", list(PERSONAS))
def test_each_seat_lands_on_its_own_home(name, personas, participant, login):
    response = login(getattr(personas, name)).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert HEADINGS[name] in html


def test_navigation_follows_the_seat(personas, login):
    manager = login(personas.manager_mo).get("/").content.decode()
    assert 'href="/people/"' in manager and 'href="/audit/"' in manager and 'href="/admin/"' not in manager
    officer = login(personas.officer_olivia).get("/").content.decode()
    assert 'href="/people/"' not in officer and 'href="/audit/"' not in officer
    admin = login(personas.admin_ada).get("/").content.decode()
    assert 'href="/admin/"' in admin and 'href="/people/"' not in admin


def test_case_manager_home_lists_their_caseload(case_manager_cam, participant, login):
    html = login(case_manager_cam).get("/").content.decode()
    assert "Alex Zyxcanary" in html
    assert "1 open enrollment is assigned to you" in html


def test_supervisor_sees_caseload_balance(supervisor_sue, case_manager_cam, participant, login):
    response = login(supervisor_sue).get("/")
    staff = {u.username: u.open_count for u in response.context["staff"]}
    assert staff["case_manager_cam"] == 1
    assert staff["case_manager_casey"] == 0
    assert "outsider_oscar" not in staff


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_user_without_a_seat_is_told_so(db, client):
    from conftest import make_user

    user = make_user("nobody_nora")
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = client.get("/")
    assert response.status_code == 200
    assert "no seat" in response.content.decode()
    assert not AuditEvent.objects.filter(action="divert.person.viewed").exists()


def test_site_admin_seat_carries_account_rights_only(admin_ada, case_manager_cam, login):
    client = login(admin_ada)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/accounts/agency/").status_code == 200
    assert client.get("/admin/audit/auditevent/").status_code == 403
    assert admin_ada.has_perm("accounts.change_user") and not admin_ada.has_perm("audit.view_auditevent")
    assert not case_manager_cam.has_perm("accounts.change_user")


def test_site_admin_deactivates_accounts_rather_than_deleting_them(admin_ada, officer_olivia, login):
    client = login(admin_ada)
    assert client.get(f"/admin/accounts/user/{officer_olivia.pk}/delete/").status_code == 403
    assert "delete_selected" not in client.get("/admin/accounts/agency/").content.decode()
