"""The webhook pages: the site administrator's only; the secret shown once; the delivery log."""

import pytest

from divert.audit.models import AuditEvent
from divert.interop.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

NEW = {"url": "https://hooks.example.org/divert", "description": "Provider tool", "events": ["referral.created"]}


@pytest.fixture
def on(settings):
    settings.DIVERT_WEBHOOKS = True


@pytest.fixture
def endpoint(on, admin_ada):
    endpoint = WebhookEndpoint.objects.create(url="https://hooks.example.org/x", secret="whsec_shown_once",
                                              created_by=admin_ada, events=["alert.raised"])
    WebhookDelivery.objects.create(endpoint=endpoint, event="alert.raised", payload={"type": "alert.raised"},
                                   attempts=2, last_status_code=500, last_error="HTTP 500")
    return endpoint


def test_site_admin_adds_an_endpoint_and_sees_the_secret_once(login, admin_ada, on):
    client = login(admin_ada)
    assert client.get("/webhooks/").status_code == 200
    response = client.post("/webhooks/", NEW)
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 200 and endpoint.secret.encode() in response.content
    assert endpoint.events == ["referral.created"] and endpoint.active
    assert endpoint.secret.encode() not in client.get("/webhooks/").content
    assert endpoint.secret.encode() not in client.get(f"/webhooks/{endpoint.pk}/").content
    event = AuditEvent.objects.get(action="divert.interop.webhook.created")
    assert endpoint.secret not in str(event.details)


def test_delivery_log_and_turning_off_and_on(login, admin_ada, endpoint):
    client = login(admin_ada)
    page = client.get(f"/webhooks/{endpoint.pk}/")
    assert page.status_code == 200 and b"HTTP 500" in page.content and b"whsec_shown_once" not in page.content
    assert client.post(f"/webhooks/{endpoint.pk}/toggle/").status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.active
    client.post(f"/webhooks/{endpoint.pk}/toggle/")
    endpoint.refresh_from_db()
    assert endpoint.active
    assert AuditEvent.objects.filter(action__in=["divert.interop.webhook.disabled",
                                                 "divert.interop.webhook.enabled"]).count() == 2


def test_new_secret(login, admin_ada, endpoint):
    response = login(admin_ada).post(f"/webhooks/{endpoint.pk}/secret/")
    endpoint.refresh_from_db()
    assert endpoint.secret != "whsec_shown_once" and endpoint.secret.encode() in response.content


@pytest.mark.parametrize("data", [
    {**NEW, "url": "http://hooks.example.org/divert"},   # plain http to another machine
    {**NEW, "url": "ftp://hooks.example.org/"},
    {**NEW, "url": "https://user:pw@hooks.example.org/"},
    {**NEW, "events": []},
    {**NEW, "events": ["person.viewed"]},
])
def test_bad_input_is_refused(login, admin_ada, on, data):
    assert login(admin_ada).post("/webhooks/", data).status_code == 400
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("persona", ["manager_mo", "case_manager_cam", "supervisor_sue", "evaluator_eve",
                                     "officer_olivia", "outsider_oscar"])
def test_other_seats_are_refused(login, personas, endpoint, persona):
    client = login(getattr(personas, persona))
    assert client.get("/webhooks/").status_code == 403
    assert client.post("/webhooks/", NEW).status_code == 403
    assert client.get(f"/webhooks/{endpoint.pk}/").status_code == 403
    assert client.post(f"/webhooks/{endpoint.pk}/toggle/").status_code == 403
    assert client.post(f"/webhooks/{endpoint.pk}/secret/").status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.secret == "whsec_shown_once" and WebhookEndpoint.objects.count() == 1


def test_when_off_the_pages_say_so_and_change_nothing(login, admin_ada, endpoint, settings):
    settings.DIVERT_WEBHOOKS = False
    client = login(admin_ada)
    assert b"DIVERT_WEBHOOKS" in client.get("/webhooks/").content
    assert client.post("/webhooks/", NEW).status_code == 400
    assert client.get(f"/webhooks/{endpoint.pk}/").status_code == 404
    assert WebhookEndpoint.objects.count() == 1


def test_menu_link_only_for_the_site_admin_when_on(login, admin_ada, manager_mo, on):
    assert b'href="/webhooks/"' in login(admin_ada).get("/").content
    assert b'href="/webhooks/"' not in login(manager_mo).get("/").content
    assert b'href="/hmis/"' in login(manager_mo).get("/").content
