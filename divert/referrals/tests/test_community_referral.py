"""The public community referral form: no account, a honeypot, a rate limit, the project manager's queue."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from divert.audit.models import AuditEvent
from divert.referrals.models import Referral, ReferralStatus

URL = reverse("community_referral")


@pytest.fixture(autouse=True)
def _clear_cache(db):
    cache.clear()


def form(**overrides):
    data = {"submission_key": "8a1f5a52-0000-4000-8000-0000000000c1", "website": "",
            "referrer_name": "Pat Neighbor", "referrer_relationship": "Neighbor", "referrer_phone": "555-0100",
            "first_name": "Jo", "last_name": "Fernhollow", "approximate_age": "35",
            "how_to_reach": "At the library most mornings", "area": "Riverside", "probation_status": "unknown",
            "needs": ["housing", "food"], "unsure_if_qualifies": "on"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_anyone_can_refer_and_it_lands_in_triage(client, protocol, manager_mo, login):
    assert client.get(URL).status_code == 200
    response = client.post(URL, form())
    assert response.status_code == 302 and response["Location"] == reverse("community_referral_thanks")
    referral = Referral.objects.get()
    assert referral.door == "community" and referral.status == ReferralStatus.AWAITING_APPROVAL
    assert referral.approver_role == "project_manager" and referral.referred_by is None
    assert referral.needs == ["housing", "food"] and referral.unsure_if_qualifies
    queue = login(manager_mo).get(reverse("referrals") + "?queue=approval")
    assert [r.pk for r in queue.context["page"]] == [referral.pk]


def test_the_form_asks_nothing_about_informants(client, protocol):
    assert "informant" not in client.get(URL).content.decode().lower()


def test_honeypot_keeps_nothing(client, protocol):
    response = client.post(URL, form(website="http://spam.example"))
    assert response.status_code == 302
    assert not Referral.objects.exists()
    assert AuditEvent.objects.filter(action="divert.referral.spam_blocked").exists()


def test_rate_limit(client, protocol, settings):
    settings.DIVERT_PUBLIC_REFERRALS_PER_HOUR = 2
    for i in range(2):
        client.post(URL, form(submission_key=f"8a1f5a52-0000-4000-8000-00000000000{i}"))
    response = client.post(URL, form(submission_key="8a1f5a52-0000-4000-8000-000000000009"))
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert Referral.objects.count() == 2


@pytest.mark.parametrize("overrides,message", [
    ({"referrer_phone": "", "referrer_email": ""}, "Give a phone number or an email address"),
    ({"how_to_reach": ""}, "This field is required"),
    ({"date_of_birth": "2099-01-01"}, "cannot be in the future"),
    ({"referrer_email": "not-an-email", "referrer_phone": ""}, "Enter a valid email address"),
    ({"first_name": ""}, "This field is required"),
])
def test_bad_input_creates_nothing(client, protocol, overrides, message):
    response = client.post(URL, form(**overrides))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Referral.objects.exists()


def test_double_submit_keeps_one(client, protocol):
    client.post(URL, form())
    client.post(URL, form())
    assert Referral.objects.count() == 1


def test_closed_when_the_protocol_has_no_community_door(client, db):
    from datetime import date

    from divert.protocol.actions import load_example
    load_example("seattle", approved_on=date(2026, 1, 1))
    assert client.get(URL).status_code == 404
    assert client.post(URL, form()).status_code == 404
    assert not Referral.objects.exists()
