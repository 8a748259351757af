"""/protocol/: the project manager's overview of the version in effect, the draft and every version."""

import pytest
from django.urls import reverse

from .factories import OTHER_SEATS

URL = reverse("protocol:index")


def test_the_manager_sees_the_version_in_effect_the_draft_and_every_version(login, manager_mo, draft):
    page = login(manager_mo).get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "In effect today" in text and "Version 1: Seattle-style pilot" in text
    assert "Approved by the Policy Coordinating Group on 2026-01-01, effective 2026-01-01." in text
    assert reverse("protocol:edit", args=[2]) in text and reverse("protocol:approve", args=[2]) in text
    assert text.count("<tr>") == 3  # header, version 2 (draft), version 1
    assert "Draft" in text and "In effect" in text


def test_without_any_version_the_manager_chooses_an_example(login, manager_mo):
    text = login(manager_mo).get(URL).content.decode()
    assert "No version is in effect" in text
    for name in ("Seattle-style", "Santa Fe-style", "Three-door site"):
        assert name in text
    assert 'name="example"' in text


def test_without_a_draft_the_manager_may_start_one(login, manager_mo, seattle):
    text = login(manager_mo).get(URL).content.decode()
    assert "Start a draft from version 1" in text


@pytest.mark.parametrize("seat", OTHER_SEATS)
def test_other_seats_are_refused(request, login, seattle, seat):
    assert login(request.getfixturevalue(seat)).get(URL).status_code == 403


def test_anonymous_goes_to_sign_in(client, seattle):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_current_leads_every_seat_to_the_version_in_effect(login, officer_olivia, seattle, draft):
    response = login(officer_olivia).get(reverse("protocol:current"))
    assert response.status_code == 302 and response["Location"] == reverse("protocol:detail", args=[1])


def test_current_without_a_version_in_effect_is_404(login, officer_olivia, db):
    assert login(officer_olivia).get(reverse("protocol:current")).status_code == 404
