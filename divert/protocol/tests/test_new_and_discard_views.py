"""/protocol/new/ starts a draft; /protocol/<version>/discard/ throws one away."""

import pytest
from django.urls import reverse

from divert.audit.models import AuditEvent
from divert.protocol.models import DiversionProtocol

from .factories import OTHER_SEATS

NEW = reverse("protocol:new")


def _discard(version):
    return reverse("protocol:discard", args=[version])


@pytest.fixture
def mo(login, manager_mo):
    return login(manager_mo)


def test_a_draft_starts_from_the_version_in_effect(mo, seattle, manager_mo):
    response = mo.post(NEW)
    draft = DiversionProtocol.objects.get(state="draft")
    assert response.status_code == 302 and response["Location"] == reverse("protocol:edit", args=[draft.version])
    assert draft.based_on == seattle and draft.offenses.count() == 3
    assert AuditEvent.objects.get(action="divert.protocol.draft_created", actor=manager_mo).details == {
        "version": 2, "based_on": 1}


@pytest.mark.parametrize(("key", "name", "offenses"), [
    pytest.param("seattle", "Seattle-style pilot", 3, id="seattle"),
    pytest.param("santa_fe", "Santa Fe-style", 4, id="santa-fe"),
    pytest.param("three_door", "Three-door site", 8, id="three-door"),
])
def test_without_a_version_a_draft_starts_from_an_example(mo, db, key, name, offenses):
    assert mo.post(NEW, {"example": key}).status_code == 302
    draft = DiversionProtocol.objects.get()
    assert draft.name.startswith(name) and draft.based_on is None and draft.offenses.count() == offenses


@pytest.mark.parametrize("data", [pytest.param({}, id="no-choice"), pytest.param({"example": "atlantis"}, id="bad")])
def test_without_a_version_an_example_must_be_chosen(mo, db, data):
    response = mo.post(NEW, data, follow=True)
    assert "Choose an example protocol to start from." in response.content.decode()
    assert not DiversionProtocol.objects.exists()


def test_a_second_draft_is_refused_with_a_message(mo, draft):
    response = mo.post(NEW, follow=True)
    assert "A draft already exists: edit it, or discard it first." in response.content.decode()
    assert DiversionProtocol.objects.filter(state="draft").count() == 1


def test_new_is_post_only(mo, seattle):
    assert mo.get(NEW).status_code == 405


@pytest.mark.parametrize("seat", OTHER_SEATS)
def test_other_seats_cannot_start_or_discard(request, login, draft, seat):
    client = login(request.getfixturevalue(seat))
    assert client.post(NEW).status_code == 403
    assert client.post(_discard(draft.version)).status_code == 403
    assert DiversionProtocol.objects.filter(pk=draft.pk).exists()


def test_anonymous_goes_to_sign_in(client, draft):
    for url in (NEW, _discard(draft.version)):
        response = client.post(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert DiversionProtocol.objects.count() == 2


def test_discarding_a_draft(mo, draft, manager_mo):
    response = mo.post(_discard(draft.version))
    assert response.status_code == 302 and response["Location"] == reverse("protocol:index")
    assert not DiversionProtocol.objects.filter(state="draft").exists()
    assert AuditEvent.objects.get(action="divert.protocol.draft_discarded").details == {"version": 2}


def test_an_approved_version_cannot_be_discarded(mo, seattle):
    response = mo.post(_discard(seattle.version))
    assert response.status_code == 403
    assert "approved versions cannot change; start a new draft" in response.content.decode()
    assert DiversionProtocol.objects.filter(pk=seattle.pk).exists()


def test_discard_is_post_only(mo, draft):
    assert mo.get(_discard(draft.version)).status_code == 405
