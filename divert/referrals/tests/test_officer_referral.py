"""An officer refers from a phone: arrest diversion and social contact."""

import pytest
from django.urls import reverse

from divert.audit.models import AuditEvent
from divert.referrals.models import ChargeStatus, Referral, ReferralStatus

URL = reverse("referral_new", args=["arrest"])


@pytest.fixture
def olivia(login, officer_olivia, protocol):
    return login(officer_olivia)


def test_form_asks_nothing_about_informants_or_sources(olivia):
    page = olivia.get(URL).content.decode().lower()
    assert "informant" not in page
    assert "source" not in page
    social = olivia.get(reverse("referral_new", args=["social"])).content.decode().lower()
    assert "informant" not in social


def test_eligible_arrest_diversion_holds_the_charge(olivia, arrest_post, officer_olivia):
    response = olivia.post(URL, arrest_post())
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("referral", args=[referral.pk])
    assert referral.eligibility == "eligible"
    assert referral.status == ReferralStatus.PENDING_INTAKE
    assert referral.charge_status == ChargeStatus.HELD
    assert referral.referred_by == officer_olivia
    assert referral.approver_role == "prosecutor"
    assert AuditEvent.objects.filter(action="divert.referral.created", target_id=str(referral.pk)).exists()
    page = olivia.get(response["Location"]).content.decode()
    assert "Eligible" in page and "Request a case manager" in page


def test_arrest_without_a_drug_offense_skips_the_drug_questions(olivia, arrest_post, protocol):
    # The form hides (and the browser does not send) the drug questions when no drug offense is ticked.
    theft = protocol.offenses.get(code="THEFT-3")
    response = olivia.post(URL, arrest_post(offenses=[str(theft.pk)], q_drug_grams=None, q_dealing_for_profit=None))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.eligibility == "eligible"
    assert "drug_grams" not in referral.answers and "dealing_for_profit" not in referral.answers


def test_over_the_ceiling_is_presumptively_ineligible_with_the_reason(olivia, arrest_post):
    olivia.post(URL, arrest_post(q_drug_grams="4.5"))
    referral = Referral.objects.get()
    assert referral.eligibility == "ineligible" and referral.status == ReferralStatus.INELIGIBLE
    page = olivia.get(reverse("referral", args=[referral.pk])).content.decode()
    assert "4.5 g is over the 4 g ceiling." in page


def test_needs_review_can_still_be_referred(olivia, arrest_post):
    olivia.post(URL, arrest_post(q_violent_conviction="unknown"))
    referral = Referral.objects.get()
    assert referral.eligibility == "review"
    assert referral.status == ReferralStatus.PENDING_INTAKE


def test_double_tap_creates_one_referral(olivia, arrest_post):
    first = olivia.post(URL, arrest_post())
    second = olivia.post(URL, arrest_post())
    assert Referral.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


@pytest.mark.parametrize("field,value,message", [
    ("incident_at", "2099-01-01T10:00", "The arrest cannot be in the future."),
    ("date_of_birth", "2099-01-01", "A date of birth cannot be in the future."),
    ("date_of_birth", "1800-01-01", "too long ago"),
    ("approximate_age", "400", "less than or equal to 110"),
    ("offenses", "999999", "Select a valid choice"),
    ("agreed_to_talk", None, "needs the person"),
    ("incident_number", "", "This field is required"),
    ("q_exploits_minors", None, "Answer this question."),
])
def test_bad_input_is_refused_and_creates_nothing(olivia, arrest_post, field, value, message):
    response = olivia.post(URL, arrest_post(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Referral.objects.exists()
    assert not AuditEvent.objects.filter(action="divert.referral.created").exists()


def test_closed_door_creates_nothing(olivia, protocol, offense):
    from divert.protocol.models import DiversionProtocol
    DiversionProtocol.objects.filter(pk=protocol.pk).update(social_door_open=False)  # as if the PCG closed it
    url = reverse("referral_new", args=["social"])
    assert "does not take" in olivia.get(url).content.decode()
    response = olivia.post(url, {"first_name": "Sky", "offenses": [str(offense.pk)], "agreed_to_talk": "on"})
    assert response.status_code == 409
    assert not Referral.objects.exists()
    assert olivia.get(reverse("referral_new", args=["community"])).status_code == 404


def test_no_protocol_in_effect_says_so(login, officer_olivia, arrest_post, offense):
    from divert.protocol.models import DiversionProtocol
    DiversionProtocol.objects.update(effective_on="2099-01-01")
    client = login(officer_olivia)
    response = client.post(URL, arrest_post())
    assert response.status_code == 409 and "No protocol is in effect" in response.content.decode()
    assert not Referral.objects.exists()


def test_social_contact_awaits_the_sergeant(olivia, protocol, offense):
    response = olivia.post(reverse("referral_new", args=["social"]), {
        "submission_key": "8a1f5a52-0000-4000-8000-000000000002", "offenses": [str(offense.pk)],
        "area": "Northside", "first_name": "Sky", "approximate_age": "40", "q_exploits_minors": "no",
        "q_promotes_prostitution": "no", "q_violent_conviction": "no", "q_treatment_court": "no",
        "q_no_contact_order": "no", "q_conduct_last_seen": "2026-01-02", "q_verification_basis": "observed",
        "agreed_to_talk": "on"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.AWAITING_APPROVAL and referral.approver_role == "sergeant"
    assert referral.charge_status == ""


@pytest.mark.parametrize("persona", ["case_manager_cam", "prosecutor_pat", "manager_mo", "evaluator_eve",
                                     "defender_dana", "admin_ada"])
def test_only_police_seats_refer(login, request, persona, protocol):
    client = login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, protocol):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
