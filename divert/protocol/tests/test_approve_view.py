"""/protocol/<version>/approve/: record the Policy Coordinating Group's approval with an effective date."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from divert.audit.models import AuditEvent
from divert.protocol.actions import do_set_offenses
from divert.protocol.models import DiversionProtocol

from .factories import OTHER_SEATS, noon

TODAY = date(2026, 3, 10)


def _url(version):
    return reverse("protocol:approve", args=[version])


@pytest.fixture
def mo(login, manager_mo):
    with time_machine.travel(noon(TODAY), tick=False):
        yield login(manager_mo)


def _approvals():
    return AuditEvent.objects.filter(action="divert.protocol.approved", actor__isnull=False)


def test_the_form(mo, draft):
    response = mo.get(_url(draft.version))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Record approval of version 2" in text and 'value="2026-03-10"' in text
    assert 'type="date"' in text and "Approval record" in text


def test_approval_is_recorded(mo, draft, manager_mo):
    response = mo.post(_url(draft.version), {"approved_on": "2026-03-09", "effective_on": "2026-04-01",
                                             "record": "PCG meeting of 9 March 2026, minutes item 4"})
    assert response.status_code == 302 and response["Location"] == reverse("protocol:detail", args=[2])
    draft.refresh_from_db()
    assert draft.is_approved and draft.approved_by == manager_mo
    assert (draft.approved_on, draft.effective_on) == (date(2026, 3, 9), date(2026, 4, 1))
    assert _approvals().get().details == {"version": 2, "approved_on": "2026-03-09", "effective_on": "2026-04-01"}
    text = mo.get(response["Location"]).content.decode()
    assert "Approved by the Policy Coordinating Group on 2026-03-09, effective 2026-04-01." in text
    assert "Takes effect 2026-04-01" in text
    assert DiversionProtocol.objects.in_effect(TODAY).version == 1


@pytest.mark.parametrize(("data", "error"), [
    pytest.param({"approved_on": "2026-03-11", "effective_on": "2026-03-11", "record": "PCG"},
                 "The approval date cannot be in the future", id="approved-tomorrow"),
    pytest.param({"approved_on": "2026-03-09", "effective_on": "2026-03-08", "record": "PCG"},
                 "A version cannot take effect before the policy group approved it.", id="effective-before-approval"),
    pytest.param({"approved_on": "2026-03-09", "effective_on": "2026-03-09", "record": ""},
                 "This field is required.", id="no-record"),
    pytest.param({"approved_on": "2026-03-09", "effective_on": "2026-03-09", "record": "   "},
                 "This field is required.", id="blank-record"),
    pytest.param({"approved_on": "next week", "effective_on": "2026-03-09", "record": "PCG"},
                 "Enter a valid date.", id="not-a-date"),
])
def test_bad_input_is_refused(mo, draft, data, error):
    response = mo.post(_url(draft.version), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_approved and not _approvals().exists()


def test_validation_errors_from_the_write_are_shown(mo, draft, manager_mo):
    do_set_offenses(draft, [], actor=manager_mo)
    response = mo.post(_url(draft.version), {"approved_on": "2026-03-09", "effective_on": "2026-03-09",
                                             "record": "PCG"})
    assert response.status_code == 400
    assert "List at least one divertible offense before approval." in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_approved


def test_an_approved_version_cannot_be_approved_again(mo, seattle):
    response = mo.post(_url(seattle.version), {"approved_on": "2026-03-09", "effective_on": "2026-03-09",
                                               "record": "PCG"})
    assert response.status_code == 403
    assert "approved versions cannot change; start a new draft" in response.content.decode()
    seattle.refresh_from_db()
    assert seattle.approved_on == date(2026, 1, 1)


@pytest.mark.parametrize("seat", OTHER_SEATS)
def test_other_seats_are_refused(request, login, draft, seat):
    client = login(request.getfixturevalue(seat))
    assert client.get(_url(draft.version)).status_code == 403
    response = client.post(_url(draft.version), {"approved_on": "2026-03-09", "effective_on": "2026-03-09",
                                                 "record": "PCG"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert not draft.is_approved


def test_anonymous_goes_to_sign_in(client, draft):
    response = client.get(_url(draft.version))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
