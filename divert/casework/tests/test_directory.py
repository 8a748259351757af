import pytest

from divert.audit.models import AuditEvent
from divert.casework.models import ServiceCategory, ServiceProvider

pytest_plugins = ["divert.casework.tests.conftest_services"]

NEW = "/services/new/"


def edit_url(provider) -> str:
    return f"/services/{provider.pk}/edit/"


def provider_data(**extra) -> dict:
    data = {"name": "Riverside Legal Aid", "address": "12 Court St", "phone": "555-0199",
            "website": "https://legal.example.org", "hours": "Mon–Fri 9–5", "languages": "English, Spanish",
            "accepts_walk_ins": "on", "notes": "Ask for the intake desk.", "active": "on",
            "categories": [ServiceCategory.LEGAL_AID, ServiceCategory.ID_DOCUMENTS]}
    data.update(extra)
    return data


# --- The directory -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["case_manager_cam", "case_manager_casey", "outreach_omar", "supervisor_sue",
                                 "manager_mo", "outsider_oscar"])
def test_the_case_management_team_and_project_manager_read_the_directory(login, personas, directory, who):
    response = login(getattr(personas, who)).get("/services/")
    assert response.status_code == 200
    assert b"Harbor Food Bank" in response.content
    assert b"555-0100" in response.content


@pytest.mark.parametrize("who", ["officer_olivia", "sergeant_sam", "prosecutor_pat", "defender_dana",
                                 "evaluator_eve", "admin_ada"])
def test_other_seats_get_403(login, personas, directory, who):
    assert login(getattr(personas, who)).get("/services/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, directory):
    response = client.get("/services/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_filter_by_category(login, case_manager_cam, directory):
    response = login(case_manager_cam).get("/services/", {"category": ServiceCategory.FOOD})
    assert b"Harbor Food Bank" in response.content
    assert b"Riverside Opioid Treatment Program" not in response.content


def test_search_by_name(login, case_manager_cam, directory):
    response = login(case_manager_cam).get("/services/", {"q": "opioid"})
    assert b"Riverside Opioid Treatment Program" in response.content
    assert b"Harbor Food Bank" not in response.content


def test_bad_filter_is_refused(login, case_manager_cam, directory):
    assert login(case_manager_cam).get("/services/", {"category": "nope"}).status_code == 400


def test_only_editors_see_the_add_link(login, case_manager_cam, supervisor_sue, directory):
    assert b"/services/new/" not in login(case_manager_cam).get("/services/").content
    assert b"/services/new/" in login(supervisor_sue).get("/services/").content


# --- Adding and editing providers ------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["supervisor_sue", "manager_mo"])
def test_supervisors_and_the_project_manager_add_providers(login, personas, who):
    response = login(getattr(personas, who)).post(NEW, provider_data())
    assert response.status_code == 302
    provider = ServiceProvider.objects.get(name="Riverside Legal Aid")
    assert sorted(provider.category_values) == sorted([ServiceCategory.LEGAL_AID, ServiceCategory.ID_DOCUMENTS])
    assert provider.accepts_walk_ins
    event = AuditEvent.objects.get(action="divert.casework.service_provider.added")
    assert event.actor == getattr(personas, who)
    assert event.target_id == str(provider.pk)


@pytest.mark.parametrize("who", ["case_manager_cam", "outreach_omar", "officer_olivia", "admin_ada"])
def test_others_may_not_add_or_edit(login, personas, directory, who):
    client = login(getattr(personas, who))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, provider_data()).status_code == 403
    assert client.post(edit_url(directory["food"]), provider_data(name="Renamed")).status_code == 403
    assert not ServiceProvider.objects.filter(name__in=["Riverside Legal Aid", "Renamed"]).exists()


def test_unknown_provider_is_404(login, manager_mo, directory):
    assert login(manager_mo).get("/services/999999/edit/").status_code == 404


@pytest.mark.parametrize("bad", [{"name": ""}, {"categories": []}, {"categories": ["nope"]},
                                 {"website": "not a url"}])
def test_bad_input_is_refused(login, supervisor_sue, bad):
    response = login(supervisor_sue).post(NEW, provider_data(**bad))
    assert response.status_code == 400
    assert not ServiceProvider.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="divert.casework.service_provider").exists()


def test_duplicate_name_is_refused(login, supervisor_sue, directory):
    response = login(supervisor_sue).post(NEW, provider_data(name="Harbor Food Bank"))
    assert response.status_code == 400
    assert ServiceProvider.objects.filter(name="Harbor Food Bank").count() == 1


def test_edit_replaces_categories(login, manager_mo, directory):
    provider = directory["housing"]
    client = login(manager_mo)
    form = client.get(edit_url(provider))
    assert form.status_code == 200
    stamp = form.context["form"].initial["updated_at"]
    response = client.post(edit_url(provider), provider_data(name=provider.name, categories=[ServiceCategory.SHELTER],
                                                             updated_at=stamp.isoformat()))
    assert response.status_code == 302
    assert provider.category_values == [ServiceCategory.SHELTER]
    assert AuditEvent.objects.filter(action="divert.casework.service_provider.changed").count() == 1


def test_stale_edit_is_refused(login, manager_mo, supervisor_sue, directory):
    provider = directory["housing"]
    stamp = provider.updated_at
    login(supervisor_sue).post(edit_url(provider), provider_data(name=provider.name, updated_at=stamp.isoformat(),
                                                                 categories=[ServiceCategory.HOUSING]))
    response = login(manager_mo).post(edit_url(provider), provider_data(name="Mine", updated_at=stamp.isoformat()))
    assert response.status_code == 400
    assert b"changed by someone else" in response.content
    assert not ServiceProvider.objects.filter(name="Mine").exists()
