"""A decision reached by consensus approves a protocol draft, through the protocol's own approval, and the
protocol pages link to it; without consensus nothing is approved and nothing is recorded."""

import uuid
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from divert.coordination.models.pcg import PCGDecision, Stance
from divert.protocol.actions import do_create_draft, do_set_offenses, load_example
from divert.protocol.models import DiversionProtocol

from .test_pcg_support import TODAY, audit, build_group, noon, position_data


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(noon(TODAY), tick=False):
        yield


@pytest.fixture
def group(agencies, manager_mo):
    return build_group(agencies, manager_mo)


@pytest.fixture
def draft(db, manager_mo):
    approved = load_example("seattle", approved_on=date(2026, 1, 1))
    return do_create_draft(actor=manager_mo, based_on=approved)


def _post(client, group, draft, effective="2026-04-01", **stances):
    data = {"title": "Approve protocol version 2", "text": "The group approves version 2.",
            "submission_key": str(uuid.uuid4()), "protocol": draft.pk, "protocol_effective_on": effective,
            **position_data(group, **stances)}
    return client.post(reverse("pcg_decision_new", args=[group.held.pk]), data)


def test_a_consensus_decision_approves_the_draft(login, manager_mo, officer_olivia, group, draft):
    client = login(manager_mo)
    form = client.get(reverse("pcg_decision_new", args=[group.held.pk])).content.decode()
    assert f"Version {draft.version}: " in form
    response = _post(client, group, draft, defender=(Stance.STAND_ASIDE, ""))
    assert response.status_code == 302
    decision = PCGDecision.objects.get()
    draft.refresh_from_db()
    assert draft.is_approved and decision.protocol == draft and decision.protocol_effective_on == date(2026, 4, 1)
    assert (draft.approved_on, draft.effective_on, draft.approved_by) == (date(2026, 3, 3), date(2026, 4, 1),
                                                                          manager_mo)
    assert draft.approval_record == ("Policy Coordinating Group decision PCG 2026-03-03 #1, meeting of 2026-03-03: "
                                     "Approve protocol version 2")
    assert audit("divert.protocol.approved").get(actor=manager_mo).details == {
        "version": draft.version, "approved_on": "2026-03-03", "effective_on": "2026-04-01"}
    assert audit("divert.pcg.decision.recorded").get().details["protocol_version"] == draft.version
    # The decision links to the protocol, and every seat's protocol page links back to the decision.
    assert reverse("protocol:detail", args=[draft.version]) in client.get(response["Location"]).content.decode()
    page = login(officer_olivia).get(reverse("protocol:detail", args=[draft.version])).content.decode()
    assert decision.get_absolute_url() in page and "PCG 2026-03-03 #1" in page


@pytest.mark.parametrize(("stances", "outcome"), [
    pytest.param({"police": (Stance.BLOCK, "Not yet")}, "Blocked: no consensus", id="blocked"),
    pytest.param({k: (Stance.STAND_ASIDE, "") for k in ("police", "prosecutor", "defender", "project")},
                 "no member agency agreed", id="no-support"),
])
def test_without_consensus_nothing_is_approved(login, manager_mo, group, draft, stances, outcome):
    response = _post(login(manager_mo), group, draft, **stances)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Only a decision reached by consensus can approve a protocol version." in text and outcome in text
    draft.refresh_from_db()
    assert not draft.is_approved and not PCGDecision.objects.exists()
    assert not audit("divert.protocol.approved").filter(actor=manager_mo).exists()


def test_without_quorum_nothing_is_approved(manager_mo, group, draft):
    from divert.coordination import actions_pcg as actions

    actions.do_set_quorum_rule(actor=manager_mo, quorum="all")  # 5 of 5 needed; 4 came
    rows = [(m.pk, Stance.AGREE, "") for m in actions.represented_members(group.held)]
    with pytest.raises(Exception, match="No quorum"):
        actions.do_record_decision(group.held, actor=manager_mo, title="Approve", text="X", positions=rows,
                                   protocol=draft, protocol_effective_on=date(2026, 4, 1))
    draft.refresh_from_db()
    assert not draft.is_approved and not PCGDecision.objects.exists()


@pytest.mark.parametrize(("effective", "error"), [
    pytest.param("", "Say when the approved protocol version takes effect.", id="no-date"),
    pytest.param("2026-03-02", "A version cannot take effect before the policy group approved it.",
                 id="before-the-meeting"),
])
def test_the_protocol_s_own_checks_apply(login, manager_mo, group, draft, effective, error):
    response = _post(login(manager_mo), group, draft, effective=effective)
    assert response.status_code == 400 and error in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_approved and not PCGDecision.objects.exists()


def test_a_draft_without_offenses_is_not_approved(login, manager_mo, group, draft):
    do_set_offenses(draft, [], actor=manager_mo)
    response = _post(login(manager_mo), group, draft)
    assert response.status_code == 400 and "List at least one divertible offense" in response.content.decode()
    assert not PCGDecision.objects.exists()
    assert DiversionProtocol.objects.get(pk=draft.pk).state == DiversionProtocol.State.DRAFT


def test_an_approved_version_is_not_offered(login, manager_mo, group, draft):
    approved = DiversionProtocol.objects.approved().get()
    response = _post(login(manager_mo), group, approved)
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
