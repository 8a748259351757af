"""/protocol/<version>/: every setting in words, the offenses, what officers are asked, what approvers check."""

import pytest
from django.urls import reverse

from conftest import make_user

from .factories import OTHER_SEATS


def _url(version):
    return reverse("protocol:detail", args=[version])


def test_an_approved_version_in_plain_words(login, manager_mo, three_door):
    text = login(manager_mo).get(_url(1)).content.decode()
    assert "Approved by the Policy Coordinating Group on 2026-01-01, effective 2026-01-01." in text
    assert "Record: Example protocol loaded for a demonstration site." in text
    assert "In effect." in text
    for words in ("Over 4 g is presumptively ineligible", "18 years on the day of the referral",
                  "14 days after the referral", "Northside, Downtown, Riverside, Eastgate",
                  "Social contact, Community referral", "20 open cases per case manager",
                  "Liaison prosecutor (always: the prosecutor holds the charge)",
                  "Social contact: the qualifying conduct must be no older than 24 months"):
        assert words in text, words
    assert "<code>THEFT-3</code>" in text and "Theft under $750" in text and "Low-level theft" in text


def test_the_page_shows_the_officer_questions_for_each_open_door(login, manager_mo, santa_fe):
    text = login(manager_mo).get(_url(1)).content.decode()
    assert "What the referrer is asked" in text
    assert "Drug quantity in grams" in text and "Are the drugs prescription pills?" in text
    assert "How is the past conduct known?" in text
    assert "only when a drug offense is chosen" in text


def test_the_page_shows_the_approver_checks(login, manager_mo, three_door):
    text = login(manager_mo).get(_url(1)).content.decode()
    assert "What the approver confirms at review" in text
    assert "The person is not a confidential informant." in text
    assert "Checked against the roster" in text
    assert "No screening questions: community referrals" in text


@pytest.mark.parametrize("seat", OTHER_SEATS)
def test_every_seat_reads_an_approved_version(request, login, seattle, seat):
    response = login(request.getfixturevalue(seat)).get(_url(1))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Drug possession" in text
    assert reverse("protocol:edit", args=[1]) not in text and reverse("protocol:index") not in text


@pytest.mark.parametrize("seat", OTHER_SEATS)
def test_other_seats_do_not_see_that_a_draft_exists(request, login, draft, seat):
    assert login(request.getfixturevalue(seat)).get(_url(draft.version)).status_code == 404


def test_the_manager_reads_a_draft_with_its_actions(login, manager_mo, draft):
    text = login(manager_mo).get(_url(draft.version)).content.decode()
    assert "Not policy yet" in text
    for name in ("edit", "approve", "discard", "diff"):
        assert reverse(f"protocol:{name}", args=[draft.version]) in text


def test_an_unknown_version_is_404(login, manager_mo, seattle):
    assert login(manager_mo).get(_url(99)).status_code == 404


def test_anonymous_goes_to_sign_in(client, seattle):
    response = client.get(_url(1))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_user_without_a_seat_is_refused(login, seattle):
    assert login(make_user("nobody_nora")).get(_url(1)).status_code == 403
