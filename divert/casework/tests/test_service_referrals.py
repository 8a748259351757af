import pytest
from django.utils import timezone

from conftest import SUD_CANARY
from divert.audit.models import AuditEvent
from divert.casework.models import ServiceCategory, ServiceReferral, ServiceReferralStatus
from divert.casework.timeline import timeline_for
from divert.privacy.models import Disclosure
from divert.privacy.policy import Category

pytest_plugins = ["divert.casework.tests.conftest_services"]

MAT_LABEL = b"Medication for addiction treatment"
HEALTH_CANARY = "CANARY-HEALTH-41b2"  # as in conftest_services


def new_url(person) -> str:
    return f"/people/{person.pk}/service-referrals/new/"


def detail_url(referral) -> str:
    return f"/service-referrals/{referral.pk}/"


def send(client, person, provider, category=ServiceCategory.MAT, **extra):
    data = {"category": category, "provider": provider.pk, "sent_on": timezone.localdate().isoformat(),
            "note": "Called ahead"}
    data.update(extra)
    return client.post(new_url(person), data)


def move(client, referral, to_status, **extra):
    referral.refresh_from_db()
    data = {"to_status": to_status, "outcome": "", "note": "", "updated_at": referral.updated_at.isoformat()}
    data.update(extra)
    return client.post(detail_url(referral), data)


# --- Sending a referral -----------------------------------------------------------------------------------------

def test_first_step_asks_for_the_kind_of_service(login, case_manager_cam, participant, directory):
    response = login(case_manager_cam).get(new_url(participant))
    assert response.status_code == 200
    assert b"What kind of service?" in response.content


def test_second_step_offers_only_providers_of_that_service(login, case_manager_cam, participant, directory):
    response = login(case_manager_cam).get(new_url(participant), {"category": ServiceCategory.SHELTER})
    assert response.status_code == 200
    providers = list(response.context["form"].fields["provider"].queryset)
    assert providers == [directory["housing"]]  # the inactive shelter is not offered


def test_assigned_case_manager_sends_a_referral(login, case_manager_cam, participant, directory):
    response = send(login(case_manager_cam), participant, directory["mat"])
    referral = ServiceReferral.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(referral)
    assert (referral.status, referral.data_category, referral.created_by) == ("sent", Category.SUD, case_manager_cam)
    assert referral.enrollment == participant.enrollments.get()
    assert [(c.from_status, c.to_status) for c in referral.status_changes.all()] == [("", "sent")]
    event = AuditEvent.objects.get(action="divert.casework.service_referral.sent")
    assert (event.person, event.category, event.actor) == (participant, Category.SUD, case_manager_cam)
    assert "Called ahead" not in str(event.details)


@pytest.mark.parametrize("who", ["supervisor_sue", "outreach_omar"])
def test_teammates_send_referrals(login, personas, participant, directory, who):
    assert send(login(getattr(personas, who)), participant, directory["food"], ServiceCategory.FOOD).status_code == 302
    assert ServiceReferral.objects.get().data_category == Category.CASEWORK


@pytest.mark.parametrize("who", ["case_manager_casey", "outsider_oscar", "officer_olivia", "prosecutor_pat",
                                 "manager_mo", "evaluator_eve", "admin_ada"])
def test_outsiders_get_404(login, personas, participant, directory, who):
    client = login(getattr(personas, who))
    assert client.get(new_url(participant)).status_code == 404
    assert send(client, participant, directory["food"], ServiceCategory.FOOD).status_code == 404
    assert not ServiceReferral.objects.exists()


def test_a_partner_reading_casework_under_a_release_gets_403(login, defender_dana, participant, directory,
                                                              services_release):
    services_release()
    client = login(defender_dana)
    assert client.get(new_url(participant)).status_code == 403
    assert send(client, participant, directory["food"], ServiceCategory.FOOD).status_code == 403
    assert not ServiceReferral.objects.exists()


@pytest.mark.parametrize("bad", [
    {"provider": "food", "category": ServiceCategory.MAT},      # does not offer it
    {"provider": "closed", "category": ServiceCategory.SHELTER},  # inactive
    {"provider": None, "category": ServiceCategory.FOOD},
    {"provider": "food", "category": ServiceCategory.FOOD, "sent_on": "2999-01-01"},
    {"provider": "food", "category": ServiceCategory.FOOD, "sent_on": "yesterday"},
])
def test_bad_input_is_refused(login, case_manager_cam, participant, directory, bad):
    data = {"category": bad["category"], "provider": directory[bad["provider"]].pk if bad["provider"] else "",
            "sent_on": bad.get("sent_on", timezone.localdate().isoformat())}
    response = login(case_manager_cam).post(new_url(participant), data)
    assert response.status_code == 400
    assert not ServiceReferral.objects.exists()
    assert not AuditEvent.objects.filter(action="divert.casework.service_referral.sent").exists()


def test_unknown_category_shows_the_chooser_with_an_error(login, case_manager_cam, participant, directory):
    response = login(case_manager_cam).get(new_url(participant), {"category": "nope"})
    assert response.status_code == 400


# --- The closed loop --------------------------------------------------------------------------------------------

def test_forward_moves_are_recorded_with_history(login, case_manager_cam, participant, housing_referral):
    client = login(case_manager_cam)
    assert move(client, housing_referral, "accepted", note="Navigator called back").status_code == 302
    assert move(client, housing_referral, "connected", outcome="Moved into a studio").status_code == 302
    housing_referral.refresh_from_db()
    assert housing_referral.status == "connected"
    assert housing_referral.outcome == "Moved into a studio"
    changes = [(c.from_status, c.to_status, c.changed_by) for c in housing_referral.status_changes.all()]
    assert changes == [("", "sent", case_manager_cam), ("sent", "accepted", case_manager_cam),
                       ("accepted", "connected", case_manager_cam)]
    events = AuditEvent.objects.filter(action="divert.casework.service_referral.status_changed").order_by("id")
    assert [e.details["to"] for e in events] == ["accepted", "connected"]
    page = client.get(detail_url(housing_referral))
    assert b"Navigator called back" in page.content
    assert b"send a new referral" in page.content


@pytest.mark.parametrize(("path", "refused"), [
    ([], "connected"),                                # sent → connected skips acceptance
    ([], "not_connected"),
    ([], "sent"),
    (["accepted"], "sent"),                           # backwards
    (["accepted"], "declined"),
    (["declined"], "accepted"),                       # declined closes the loop
    (["accepted", "connected"], "not_connected"),
    (["accepted", "not_connected"], "accepted"),
])
def test_backward_and_skipping_moves_are_refused(login, case_manager_cam, housing_referral, path, refused):
    client = login(case_manager_cam)
    for step in path:
        assert move(client, housing_referral, step).status_code == 302
    response = move(client, housing_referral, refused)
    assert response.status_code == 400
    housing_referral.refresh_from_db()
    assert housing_referral.status == (path[-1] if path else "sent")
    assert housing_referral.status_changes.count() == len(path) + 1


def test_stale_status_change_is_refused(login, case_manager_cam, supervisor_sue, housing_referral):
    stamp = housing_referral.updated_at.isoformat()
    assert move(login(supervisor_sue), housing_referral, "accepted").status_code == 302
    response = login(case_manager_cam).post(detail_url(housing_referral), {
        "to_status": "declined", "outcome": "", "note": "", "updated_at": stamp})
    assert response.status_code == 400
    assert b"changed by someone else" in response.content
    housing_referral.refresh_from_db()
    assert housing_referral.status == "accepted"


@pytest.mark.parametrize("who", ["supervisor_sue", "outreach_omar"])
def test_teammates_read_and_move_referrals(login, personas, sud_referral, who):
    client = login(getattr(personas, who))
    assert client.get(detail_url(sud_referral)).status_code == 200
    assert move(client, sud_referral, "connected").status_code == 302


@pytest.mark.parametrize("who", ["case_manager_casey", "outsider_oscar", "officer_olivia", "prosecutor_pat",
                                 "defender_dana", "manager_mo", "evaluator_eve", "admin_ada"])
def test_outsiders_get_404_on_the_referral(login, personas, housing_referral, who):
    client = login(getattr(personas, who))
    assert client.get(detail_url(housing_referral)).status_code == 404
    assert move(client, housing_referral, "accepted").status_code == 404


def test_unknown_referral_is_404(login, case_manager_cam, db):
    assert login(case_manager_cam).get("/service-referrals/999999/").status_code == 404


def test_partner_reads_a_casework_referral_under_a_release_but_may_not_move_it(
        login, defender_dana, housing_referral, services_release):
    services_release()
    client = login(defender_dana)
    page = client.get(detail_url(housing_referral))
    assert page.status_code == 200
    assert b"Record what happened" not in page.content
    assert move(client, housing_referral, "accepted").status_code == 403
    housing_referral.refresh_from_db()
    assert housing_referral.status == "sent"


def test_reading_a_referral_is_audited_in_its_category(login, case_manager_cam, sud_referral):
    login(case_manager_cam).get(detail_url(sud_referral))
    event = AuditEvent.objects.filter(action="divert.casework.service_referral.viewed").latest("id")
    assert (event.category, event.target_id, event.actor) == (Category.SUD, str(sud_referral.pk), case_manager_cam)


# --- Category-based hiding ----------------------------------------------------------------------------------------

def test_the_team_sees_the_mat_referral_everywhere(login, case_manager_cam, participant, sud_referral):
    client = login(case_manager_cam)
    assert SUD_CANARY.encode() in client.get(detail_url(sud_referral)).content
    person_page = client.get(f"/people/{participant.pk}/")
    assert MAT_LABEL in person_page.content
    assert AuditEvent.objects.filter(action="divert.casework.service_referral.viewed", category=Category.SUD,
                                     details__where="person page").exists()


@pytest.mark.parametrize("who", ["case_manager_casey", "manager_mo", "officer_olivia", "sergeant_sam",
                                 "prosecutor_pat", "defender_dana"])
def test_a_mat_referral_never_reaches_seats_without_sud(login, personas, participant, sud_referral,
                                                        services_release, who):
    # Even a partner who may read casework under a general release learns nothing of treatment.
    services_release(categories=(Category.CASEWORK, Category.HEALTH, Category.STATUS))
    client = login(getattr(personas, who))
    assert client.get(detail_url(sud_referral)).status_code == 404
    for response in (client.get(f"/people/{participant.pk}/"), client.get("/funds/"), client.get("/funds.csv")):
        assert SUD_CANARY.encode() not in response.content
        assert MAT_LABEL not in response.content
        assert b"Riverside Opioid Treatment Program" not in response.content
    # The directory names services and providers, never participants.
    assert SUD_CANARY.encode() not in client.get("/services/").content
    assert not AuditEvent.objects.filter(action="divert.casework.service_referral.viewed",
                                         actor=getattr(personas, who)).exists()


def test_health_referrals_follow_the_health_category(login, defender_dana, participant, health_referral,
                                                     housing_referral, services_release):
    services_release(categories=(Category.CASEWORK,))
    page = login(defender_dana).get(f"/people/{participant.pk}/")
    assert b"Riverside Housing Navigation" in page.content
    assert b"Eastside Community Clinic" not in page.content
    assert HEALTH_CANARY.encode() not in page.content
    # Casework shown under the release is written to the accounting of disclosures.
    disclosed = Disclosure.objects.filter(person=participant, recipient=defender_dana)
    assert any(Category.CASEWORK in d.categories for d in disclosed)


def test_a_seat_seeing_nothing_gets_no_services_heading(login, case_manager_casey, participant, housing_referral):
    page = login(case_manager_casey).get(f"/people/{participant.pk}/")
    assert page.status_code == 200
    assert b"Service referrals" not in page.content


# --- The timeline -------------------------------------------------------------------------------------------------

def test_timeline_shows_referral_moves_by_category(case_manager_cam, manager_mo, defender_dana, participant,
                                                   sud_referral, housing_referral, services_release):
    services_release()
    cam_kinds = [(i.kind, i.category) for i in timeline_for(case_manager_cam, participant)]
    assert ("service_referral", Category.SUD) in cam_kinds
    assert ("service_referral", Category.CASEWORK) in cam_kinds
    dana_items = [i for i in timeline_for(defender_dana, participant) if i.kind == "service_referral"]
    assert dana_items and all(i.category == Category.CASEWORK for i in dana_items)
    assert all(SUD_CANARY not in f"{i.title} {i.detail}" for i in timeline_for(defender_dana, participant))
    assert not [i for i in timeline_for(manager_mo, participant) if i.kind == "service_referral"]


def test_statuses_are_the_closed_loop():
    assert ServiceReferralStatus.values == ["sent", "accepted", "declined", "connected", "not_connected"]
