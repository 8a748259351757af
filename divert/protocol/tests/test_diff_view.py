"""/protocol/<version>/diff/: what changed from the version a draft started from, for the policy group."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from divert.protocol.actions import do_approve, do_set_offenses, do_update_draft
from divert.protocol.models import DiversionProtocol
from divert.protocol.wording import differences

from .factories import OTHER_SEATS


def _url(version):
    return reverse("protocol:diff", args=[version])


@pytest.fixture
def changed_draft(draft, manager_mo):
    do_update_draft(draft, actor=manager_mo, changes={
        "drug_quantity_max_grams": Decimal("4"), "intake_deadline_days": 14, "community_door_open": True,
        "summary": "Open the community door."})
    do_set_offenses(draft, [("VUCSA-POSS", "Drug possession", "drug"), ("PROST", "Sex work", "sex_work"),
                            ("THEFT-3", "Theft under $750", "theft")], actor=manager_mo)
    return DiversionProtocol.objects.get(pk=draft.pk)


def test_differences_in_words(seattle, changed_draft):
    diff = differences(seattle, changed_draft)
    assert [(c.label, c.before, c.after) for c in diff.settings] == [
        ("Community referral door open", "Closed", "Open"),
        ("Drug quantity ceiling (grams)",
         "Over 3 g is presumptively ineligible (arrest diversions for drug offenses)",
         "Over 4 g is presumptively ineligible (arrest diversions for drug offenses)"),
        ("Intake deadline (days after referral)", "30 days after the referral", "14 days after the referral"),
    ]
    assert diff.offenses_added == [("THEFT-3", "Theft under $750", "Low-level theft")]
    assert diff.offenses_removed == [("VUCSA-DEL", "Drug delivery, subsistence level",
                                      "Drug delivery or possession with intent (subsistence)")]
    assert [(c.code, c.before, c.after) for c in diff.offenses_changed] == [
        ("PROST", "Prostitution (Sex work)", "Sex work (Sex work)")]


def test_the_page(login, manager_mo, changed_draft):
    response = login(manager_mo).get(_url(changed_draft.version))
    assert response.status_code == 200
    text = response.content.decode()
    assert "What changed in version 2" in text and "Compared with version 1" in text
    assert "Open the community door." in text
    assert "30 days after the referral" in text and "14 days after the referral" in text
    assert "THEFT-3" in text and "VUCSA-DEL" in text


def test_no_differences(login, manager_mo, draft):
    text = login(manager_mo).get(_url(draft.version)).content.decode()
    assert "No differences: the settings and offenses are the same." in text


def test_a_version_started_from_an_example_has_nothing_to_compare(login, manager_mo, seattle):
    text = login(manager_mo).get(_url(seattle.version)).content.decode()
    assert "nothing to compare" in text


@pytest.mark.parametrize("seat", OTHER_SEATS)
def test_other_seats_read_approved_differences_but_not_a_draft(request, login, changed_draft, manager_mo, seat):
    client = login(request.getfixturevalue(seat))
    assert client.get(_url(changed_draft.version)).status_code == 404
    do_approve(changed_draft, actor=manager_mo, approved_on=date(2026, 2, 1), effective_on=date(2026, 2, 1),
               record="PCG")
    response = client.get(_url(changed_draft.version))
    assert response.status_code == 200 and "14 days after the referral" in response.content.decode()


def test_anonymous_goes_to_sign_in(client, seattle):
    response = client.get(_url(seattle.version))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
