"""The permission matrix: every endpoint, every persona's token, against what the privacy policy answers; and the
canary leak test: the SUD and identity canaries never reach a seat that may not see them, on any endpoint."""

import pytest

from conftest import IDENTITY_CANARY, PERSONAS, SUD_CANARY
from divert.accounts.roles import Role
from divert.coordination.access import visible_coordination_requests
from divert.notify.models import Notification
from divert.privacy.policy import (
    Category,
    can_see,
    may_see_release,
    visible_legal_matters,
    visible_persons,
    visible_referrals,
)


def _ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def expected(user, participant, casefile) -> dict:
    """What the policy says this user may see, endpoint by endpoint: list path -> ids of ours in it."""
    sees = {category: bool(can_see(user, participant, category)) for category in Category.ALL}
    contacts = {c.pk for cat, c in casefile["contacts"].items() if sees[cat]}
    goals = {g.pk for g in casefile["goals"].values() if sees[g.category]}
    services = {s.pk for s in casefile["services"].values() if sees[s.data_category]}
    return {
        "/persons": {participant.pk} if visible_persons(user).filter(pk=participant.pk).exists() else set(),
        "/enrollments": {casefile["enrollment"].pk} if sees[Category.STATUS] else set(),
        "/contacts": contacts,
        "/plans": {casefile["plan"].pk} if sees[Category.CASEWORK] else set(),
        "/goals": goals,
        "/service-referrals": services,
        "/releases": {casefile["release"].pk} if may_see_release(user, casefile["release"]) else set(),
        "/legal-matters": set(visible_legal_matters(user).values_list("pk", flat=True)),
        "/coordination-requests": set(visible_coordination_requests(user).values_list("pk", flat=True)),
        "/referrals": set(visible_referrals(user).values_list("pk", flat=True)),
        "/alerts": set(Notification.objects.filter(recipient=user).values_list("pk", flat=True)),
        "/assessments": set(),
    }


DETAIL = {"/persons": "/persons/{}", "/enrollments": "/enrollments/{}", "/contacts": "/contacts/{}",
          "/plans": "/plans/{}", "/service-referrals": "/service-referrals/{}", "/releases": "/releases/{}",
          "/legal-matters": "/legal-matters/{}", "/coordination-requests": "/coordination-requests/{}",
          "/referrals": "/referrals/{}", "/alerts": "/alerts/{}"}


def all_ids(casefile, participant) -> dict:
    return {"/persons": {participant.pk}, "/enrollments": {casefile["enrollment"].pk},
            "/contacts": {c.pk for c in casefile["contacts"].values()}, "/plans": {casefile["plan"].pk},
            "/service-referrals": {s.pk for s in casefile["services"].values()},
            "/releases": {casefile["release"].pk}, "/legal-matters": {casefile["matter"].pk},
            "/coordination-requests": {casefile["coordination"].pk}, "/referrals": {casefile["referral"]["id"]},
            "/alerts": {casefile["alert"].pk}}


@pytest.mark.parametrize("name", list(PERSONAS))
def test_every_endpoint_answers_as_the_policy_does_and_leaks_no_canary(name, personas, participant, casefile, api):
    user = getattr(personas, name)
    client = api(user)
    want = expected(user, participant, casefile)
    bodies = []
    for path, ids in want.items():
        response = client.get(path)
        bodies.append(response.content.decode())
        assert _ids(response) == ids, (name, path)
    for path, ids in all_ids(casefile, participant).items():
        for pk in ids:
            response = client.get(DETAIL[path].format(pk))
            bodies.append(response.content.decode())
            # Denied objects are absent from lists, and a read of one answers 404 like a missing one.
            assert response.status_code == (200 if pk in want[path] else 404), (name, path, pk)
            if response.status_code == 404:
                assert response["Content-Type"] == "application/problem+json"
    imports = client.get("/imports")
    assert imports.status_code == (200 if user.has_role(Role.PROJECT_MANAGER) else 403)
    text = "\n".join(bodies)
    if not can_see(user, participant, Category.SUD):
        assert SUD_CANARY not in text, name
    if not visible_persons(user).filter(pk=participant.pk).exists():
        assert IDENTITY_CANARY not in text, name


def test_the_matrix_is_not_empty_for_the_team_and_empty_for_an_outsider(personas, participant, casefile, api):
    """The policy-derived expectations above must not be vacuous: pin a few by hand."""
    cam = expected(personas.case_manager_cam, participant, casefile)
    assert cam["/contacts"] == {c.pk for c in casefile["contacts"].values()}
    assert len(cam["/service-referrals"]) == 2
    olivia = expected(personas.officer_olivia, participant, casefile)
    assert olivia["/enrollments"] and not olivia["/contacts"] and not olivia["/goals"]
    assert olivia["/referrals"] == {casefile["referral"]["id"]}
    pat = expected(personas.prosecutor_pat, participant, casefile)
    assert pat["/legal-matters"] == {casefile["matter"].pk} and not pat["/contacts"]
    oscar = api(personas.outsider_oscar)
    for path in ("/persons", "/contacts", "/legal-matters", "/goals", "/service-referrals", "/releases"):
        assert _ids(oscar.get(path)) == set(), path


def test_a_partners_read_under_a_release_is_a_disclosure(personas, participant, casefile, api):
    from divert.privacy.models import Disclosure

    olivia = api(personas.officer_olivia)
    assert olivia.get(f"/enrollments/{casefile['enrollment'].pk}").status_code == 200
    disclosure = Disclosure.objects.get(recipient=personas.officer_olivia)
    assert disclosure.release_id == casefile["release"].pk and disclosure.categories == [Category.STATUS]
    # The team's own reads are not disclosures.
    api(personas.case_manager_cam).get(f"/enrollments/{casefile['enrollment'].pk}")
    assert not Disclosure.objects.filter(recipient=personas.case_manager_cam).exists()


def test_sensitive_reads_are_audited_with_the_token(personas, participant, casefile, api, token_for):
    from divert.api.models import ApiCall, ApiToken
    from divert.audit.models import AuditEvent

    cam = api(personas.case_manager_cam)
    sud = casefile["contacts"]["sud"]
    assert cam.get(f"/contacts/{sud.pk}").status_code == 200
    event = AuditEvent.objects.filter(action="divert.casework.contact.viewed", target_id=str(sud.pk)).get()
    token = ApiToken.objects.get(prefix=event.details["api_token"])
    assert token.user == personas.case_manager_cam and event.category == Category.SUD
    assert ApiCall.objects.filter(token=token, path=f"/api/v1/contacts/{sud.pk}", status=200).exists()
