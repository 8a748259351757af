"""The resolution, the MOU and other agreements: parties, signatories, dates, renewal."""

import uuid
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from divert.coordination import actions_pcg as actions
from divert.coordination.models.pcg import Agreement, AgreementParty, AgreementSignatory, PolicyDocument

from .test_pcg_support import READERS, TODAY, audit, build_group, noon

LIST = reverse("pcg_agreements")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(noon(TODAY), tick=False):
        yield


@pytest.fixture
def group(agencies, manager_mo):
    return build_group(agencies, manager_mo)


@pytest.fixture
def mou(manager_mo, agencies, group):
    agreement, _ = actions.do_add_agreement(actor=manager_mo, kind="mou", title="LEAD MOU",
                                            effective_on=date(2024, 4, 1), renewal_on=date(2027, 4, 1))
    actions.do_add_party(agreement, actor=manager_mo, agency=agencies.police, commitments="Officers divert")
    return agreement


def _url(name, agreement):
    return reverse(name, args=[agreement.pk])


def _new(**changes):
    return {"kind": "resolution", "title": "County resolution 2024-17", "effective_on": "2024-01-15",
            "renewal_on": "2027-01-15", "term": "Three years", "notes": "", "submission_key": str(uuid.uuid4()),
            **changes}


def _edit(agreement, **changes):
    return {"title": agreement.title, "effective_on": agreement.effective_on.isoformat(),
            "renewal_on": agreement.renewal_on.isoformat() if agreement.renewal_on else "", "term": agreement.term,
            "notes": agreement.notes, "version": agreement.updated_at.isoformat(), **changes}


def test_adding_an_agreement(login, manager_mo, group):
    client = login(manager_mo)
    assert client.get(LIST).status_code == 200
    data = _new()
    response = client.post(LIST, data)
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("pcg_agreement", agreement)
    assert client.post(LIST, data)["Location"] == response["Location"]  # a double tap: one agreement
    assert Agreement.objects.count() == 1
    assert agreement.document.kind == PolicyDocument.Kind.AGREEMENT and agreement.document.title == agreement.title
    assert audit("divert.pcg.agreement.added").get().details == {"kind": "resolution", "effective_on": "2024-01-15",
                                                                 "renewal_on": "2027-01-15"}


@pytest.mark.parametrize(("changes", "error"), [
    pytest.param({"renewal_on": "2024-01-14"}, "The renewal date must come after the effective date.",
                 id="renewal-before-effect"),
    pytest.param({"renewal_on": "2024-01-15"}, "The renewal date must come after the effective date.",
                 id="renewal-on-effect"),
    pytest.param({"title": ""}, "This field is required.", id="no-title"),
    pytest.param({"kind": "treaty"}, "Select a valid choice", id="unknown-kind"),
    pytest.param({"title": "LEAD MOU"}, "already exists", id="same-title"),
])
def test_bad_agreements_are_refused(login, manager_mo, mou, changes, error):
    response = login(manager_mo).post(LIST, _new(**changes))
    assert response.status_code == 400 and error in response.content.decode()
    assert Agreement.objects.count() == 1 and audit("divert.pcg.agreement.added").count() == 1


def test_parties_and_signatories(login, manager_mo, agencies, mou):
    client = login(manager_mo)
    assert client.post(_url("pcg_party_add", mou), {"agency": agencies.prosecutor.pk,
                                                    "commitments": "Holds diverted charges"}).status_code == 302
    assert client.post(_url("pcg_party_add", mou), {"agency": agencies.prosecutor.pk}).status_code == 302  # again
    assert mou.parties.count() == 2
    signatory = {"agency": agencies.prosecutor.pk, "name": "Jordan Reyes", "title": "County Prosecutor",
                 "signed_on": "2024-03-20"}
    assert client.post(_url("pcg_signatory_add", mou), signatory).status_code == 302
    assert client.post(_url("pcg_signatory_add", mou), signatory).status_code == 302  # a double tap
    assert AgreementSignatory.objects.get().party.agency == agencies.prosecutor
    assert audit("divert.pcg.agreement.party_added").count() == 2
    assert audit("divert.pcg.agreement.signatory_added").get().details == {"agency": agencies.prosecutor.pk,
                                                                           "signed_on": "2024-03-20"}
    text = client.get(_url("pcg_agreement", mou)).content.decode()
    assert "Jordan Reyes, County Prosecutor" in text and "signed 2024-03-20" in text
    assert "Holds diverted charges" in text


@pytest.mark.parametrize(("changes", "error"), [
    pytest.param({"agency": "DEFENDER"}, "That agency is not a party to this agreement: add it as a party first.",
                 id="not-a-party"),
    pytest.param({"signed_on": "2026-03-11"}, "A signature cannot be dated in the future.", id="future"),
    pytest.param({"name": ""}, "This field is required.", id="no-name"),
    pytest.param({"title": ""}, "This field is required.", id="no-title"),
])
def test_bad_signatories_are_refused(login, manager_mo, agencies, mou, changes, error):
    data = {"agency": agencies.police.pk, "name": "Chief Ruiz", "title": "Chief of Police", "signed_on": "",
            **changes}
    if data["agency"] == "DEFENDER":
        data["agency"] = agencies.defender.pk
    response = login(manager_mo).post(_url("pcg_signatory_add", mou), data)
    assert response.status_code == 400 and error in response.content.decode()
    assert not AgreementSignatory.objects.exists()


def test_a_party_twice_by_the_action_is_refused(manager_mo, agencies, mou):
    with pytest.raises(Exception, match="already a party"):
        actions.do_add_party(mou, actor=manager_mo, agency=agencies.police)
    with pytest.raises(Exception, match="not a party"):
        actions.do_add_signatory(mou, actor=manager_mo, agency=agencies.defender, name="A", title="B")


def test_renewing_moves_the_date(login, manager_mo, mou):
    client = login(manager_mo)
    assert client.get(_url("pcg_agreement_edit", mou)).status_code == 200
    assert client.post(_url("pcg_agreement_edit", mou), _edit(mou, renewal_on="2030-04-01")).status_code == 302
    mou.refresh_from_db()
    assert mou.renewal_on == date(2030, 4, 1)
    assert audit("divert.pcg.agreement.changed").get().details == {
        "fields": ["renewal_on"], "renewal_on": {"from": "2027-04-01", "to": "2030-04-01"}}


def test_a_renewal_before_the_effective_date_is_refused(login, manager_mo, mou):
    response = login(manager_mo).post(_url("pcg_agreement_edit", mou), _edit(mou, renewal_on="2024-03-01"))
    assert response.status_code == 400 and "must come after the effective date" in response.content.decode()
    mou.refresh_from_db()
    assert mou.renewal_on == date(2027, 4, 1)


def test_a_stale_edit_is_refused(login, manager_mo, mou):
    seen = _edit(mou, renewal_on="2030-04-01")
    with time_machine.travel(noon(TODAY) + timedelta(minutes=1), tick=False):
        actions.do_change_agreement(mou, actor=manager_mo, if_unchanged_since=None, notes="Council asked to review")
    response = login(manager_mo).post(_url("pcg_agreement_edit", mou), seen)
    assert response.status_code == 409 and "changed by someone else" in response.content.decode()
    mou.refresh_from_db()
    assert mou.renewal_on == date(2027, 4, 1) and mou.notes == "Council asked to review"


@pytest.mark.parametrize("seat", READERS)
def test_readers_read_but_do_not_write(request, login, agencies, mou, seat):
    client = login(request.getfixturevalue(seat))
    assert client.get(LIST).status_code == 200
    page = client.get(_url("pcg_agreement", mou))
    assert page.status_code == 200 and "Officers divert" in page.content.decode()
    assert "Record a signatory" not in page.content.decode()
    assert client.post(LIST, _new()).status_code == 403
    assert client.get(_url("pcg_agreement_edit", mou)).status_code == 403
    assert client.post(_url("pcg_agreement_edit", mou), _edit(mou, renewal_on="2030-01-01")).status_code == 403
    assert client.post(_url("pcg_party_add", mou), {"agency": agencies.defender.pk}).status_code == 403
    assert client.post(_url("pcg_signatory_add", mou), {"agency": agencies.police.pk, "name": "X",
                                                        "title": "Y"}).status_code == 403
    assert Agreement.objects.count() == 1 and AgreementParty.objects.count() == 1
    assert not AgreementSignatory.objects.exists()


def test_outsiders_are_refused(login, outsider_oscar, mou):
    client = login(outsider_oscar)
    assert client.get(LIST).status_code == 403
    assert client.get(_url("pcg_agreement", mou)).status_code == 403


def test_a_party_needs_an_agency(login, manager_mo, mou):
    response = login(manager_mo).post(_url("pcg_party_add", mou), {"agency": "", "commitments": "x"})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert mou.parties.count() == 1 and audit("divert.pcg.agreement.party_added").count() == 1
