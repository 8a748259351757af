"""Member agencies (one vote each), their representatives and alternates, and the quorum rule."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from divert.coordination import actions_pcg as actions
from divert.coordination.models.pcg import PCGMember, PCGRepresentative, PCGRules, QuorumRule

from .test_pcg_support import READERS, TODAY, audit, build_group, noon

MEMBERS = reverse("pcg_members")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(noon(TODAY), tick=False):
        yield


@pytest.fixture
def group(agencies, manager_mo):
    return build_group(agencies, manager_mo)


def _member_url(member):
    return reverse("pcg_member", args=[member.pk])


# --- The list and adding a member -----------------------------------------------------------------------------

def test_the_project_manager_adds_a_member(login, manager_mo, agencies, group):
    client = login(manager_mo)
    page = client.get(MEMBERS)
    assert page.status_code == 200
    assert "Test Police Department" in page.content.decode() and "Add a member agency" in page.content.decode()
    response = client.post(MEMBERS, {"agency": agencies.evaluator.pk, "joined_on": "2026-03-01", "note": "advisory"})
    member = PCGMember.objects.get(agency=agencies.evaluator)
    assert response.status_code == 302 and response["Location"] == _member_url(member)
    assert member.joined_on == date(2026, 3, 1) and member.note == "advisory"
    event = audit("divert.pcg.member.added").get(target_id=str(member.pk))
    assert event.actor == manager_mo and event.details == {"agency": agencies.evaluator.pk, "joined_on": "2026-03-01"}
    again = client.post(MEMBERS, {"agency": agencies.evaluator.pk, "joined_on": "2026-03-01", "note": "advisory"})
    assert again["Location"] == _member_url(member)  # a double tap: one membership
    assert PCGMember.objects.filter(agency=agencies.evaluator).count() == 1


@pytest.mark.parametrize("seat", READERS)
def test_readers_read_but_do_not_write(request, login, agencies, group, seat):
    client = login(request.getfixturevalue(seat))
    page = client.get(MEMBERS)
    assert page.status_code == 200 and "Add a member agency" not in page.content.decode()
    response = client.post(MEMBERS, {"agency": agencies.evaluator.pk, "joined_on": "2026-03-01"})
    assert response.status_code == 403
    assert not PCGMember.objects.filter(agency=agencies.evaluator).exists()
    assert client.post(reverse("pcg_rules"), {"quorum": "all"}).status_code == 403


def test_outsiders_are_refused(login, outsider_oscar, group):
    client = login(outsider_oscar)
    assert client.get(MEMBERS).status_code == 403
    assert client.get(_member_url(group.members["police"])).status_code == 403


@pytest.mark.parametrize(("data", "error"), [
    pytest.param({"agency": "", "joined_on": "2026-03-01"}, "This field is required.", id="no-agency"),
    pytest.param({"agency": "POLICE", "joined_on": "2026-03-01"}, "Select a valid choice", id="already-a-member"),
    pytest.param({"agency": "EVAL", "joined_on": "March"}, "Enter a valid date.", id="bad-date"),
])
def test_bad_input_is_refused(login, manager_mo, agencies, group, data, error):
    data = {**data, "agency": {"POLICE": agencies.police.pk, "EVAL": agencies.evaluator.pk}.get(data["agency"], "")}
    response = login(manager_mo).post(MEMBERS, data)
    assert response.status_code == 400 and error in response.content.decode()
    assert PCGMember.objects.count() == 5 and not audit("divert.pcg.member.added").filter(
        details__agency=agencies.evaluator.pk).exists()


def test_an_agency_is_a_member_once_at_a_time(manager_mo, agencies, group):
    with pytest.raises(Exception, match="already a member"):
        actions.do_add_member(actor=manager_mo, agency=agencies.police, joined_on=date(2026, 1, 1))


# --- One member: dates, representatives -----------------------------------------------------------------------

def test_recording_that_an_agency_left(login, manager_mo, group):
    police = group.members["police"]
    client = login(manager_mo)
    page = client.get(_member_url(police))
    assert page.status_code == 200
    response = client.post(_member_url(police), {"joined_on": "2025-01-01", "left_on": "2026-03-31", "note": "",
                                                 "version": police.updated_at.isoformat()})
    assert response.status_code == 302
    police.refresh_from_db()
    assert police.left_on == date(2026, 3, 31)
    event = audit("divert.pcg.member.changed").get()
    assert event.details["changes"] == {"left_on": {"from": None, "to": "2026-03-31"}}


def test_a_stale_edit_is_refused(login, manager_mo, group):
    police = group.members["police"]
    seen = police.updated_at.isoformat()
    with time_machine.travel(noon(TODAY) + timedelta(minutes=1), tick=False):  # someone else saves meanwhile
        actions.do_change_member(police, actor=manager_mo, if_unchanged_since=None, note="co-chair")
    response = login(manager_mo).post(_member_url(police), {"joined_on": "2025-01-01", "left_on": "2026-03-31",
                                                            "note": "", "version": seen})
    assert response.status_code == 409 and "changed by someone else" in response.content.decode()
    police.refresh_from_db()
    assert police.left_on is None and police.note == "co-chair"


def test_leaving_before_joining_is_refused(login, manager_mo, group):
    police = group.members["police"]
    response = login(manager_mo).post(_member_url(police), {"joined_on": "2025-01-01", "left_on": "2024-12-31",
                                                            "version": police.updated_at.isoformat()})
    assert response.status_code == 400 and "An agency cannot leave before it joined." in response.content.decode()
    police.refresh_from_db()
    assert police.left_on is None


def test_representatives_and_alternates(login, manager_mo, officer_olivia, group):
    police = group.members["police"]
    client = login(manager_mo)
    url = reverse("pcg_representative_add", args=[police.pk])
    data = {"kind": "representative", "name": "Chief Rosa Ruiz", "title": "Chief of Police",
            "email": "chief@example.org", "phone": ""}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double tap adds nobody twice
    assert client.post(url, {"kind": "alternate", "user": officer_olivia.pk, "name": "", "title": "Officer"}
                       ).status_code == 302
    reps = {r.name: r for r in police.representatives.all()}
    assert set(reps) == {"Chief Rosa Ruiz", "Olivia Tester"} and reps["Olivia Tester"].user == officer_olivia
    assert audit("divert.pcg.representative.added").count() == 2
    page = client.get(_member_url(police)).content.decode()
    assert "Chief Rosa Ruiz" in page and "Alternate" in page

    remove = reverse("pcg_representative_remove", args=[reps["Chief Rosa Ruiz"].pk])
    assert client.post(remove).status_code == 302
    assert client.post(remove).status_code == 302  # already gone: nothing more happens
    assert not PCGRepresentative.objects.filter(name="Chief Rosa Ruiz").exists()
    assert audit("divert.pcg.representative.removed").count() == 1


def test_a_representative_needs_a_name_or_an_account(login, manager_mo, group):
    police = group.members["police"]
    response = login(manager_mo).post(reverse("pcg_representative_add", args=[police.pk]),
                                      {"kind": "representative", "name": " ", "title": "Chief"})
    assert response.status_code == 400 and "Give the name, or choose their Divert account." in \
        response.content.decode()
    assert not police.representatives.exists()


def test_readers_cannot_name_or_remove_representatives(login, officer_olivia, manager_mo, group):
    police = group.members["police"]
    rep = actions.do_add_representative(police, actor=manager_mo, name="Chief Ruiz", kind="representative")
    client = login(officer_olivia)
    assert client.get(_member_url(police)).status_code == 200
    assert client.post(reverse("pcg_representative_add", args=[police.pk]),
                       {"kind": "alternate", "name": "Someone"}).status_code == 403
    assert client.post(reverse("pcg_representative_remove", args=[rep.pk])).status_code == 403
    assert client.post(_member_url(police), {"joined_on": "2025-01-01", "left_on": "2026-03-31",
                                             "version": police.updated_at.isoformat()}).status_code == 403
    assert police.representatives.count() == 1


def test_the_quorum_rule(login, manager_mo, group):
    client = login(manager_mo)
    assert client.post(reverse("pcg_rules"), {"quorum": "two_thirds"}).status_code == 302
    assert PCGRules.current().quorum == QuorumRule.TWO_THIRDS
    assert audit("divert.pcg.rules.changed").get().details == {"quorum": {"from": None, "to": "two_thirds"}}
    assert client.post(reverse("pcg_rules"), {"quorum": "two_thirds"}).status_code == 302  # no change, no event
    assert audit("divert.pcg.rules.changed").count() == 1
    response = client.post(reverse("pcg_rules"), {"quorum": "half"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert "4 represented" in client.get(MEMBERS).content.decode()
