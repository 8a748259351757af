"""Approvers decide social contact and community referrals; the liaison prosecutor reviews arrest diversions."""

import pytest
from django.urls import reverse

from divert.audit.models import AuditEvent
from divert.participants.models import Door, Enrollment, EnrollmentStatus, Person
from divert.referrals.models import ChargeStatus, Referral, ReferralStatus

from .factories import arrest_referral, community_referral, social_referral


def test_sergeant_approves_a_social_contact(protocol, officer_olivia, sergeant_sam, login):
    referral = social_referral(protocol, officer_olivia)
    client = login(sergeant_sam)
    assert referral.pk in [r.pk for r in client.get(reverse("referrals") + "?queue=approval").context["page"]]
    response = client.post(reverse("referral_decide", args=[referral.pk]),
                           {"decision": "approve", "check_not_informant": "on", "check_no_contact_checked": "on"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING_INTAKE and referral.decided_by == sergeant_sam
    assert AuditEvent.objects.filter(action="divert.referral.approved", target_id=str(referral.pk)).exists()


def test_approval_needs_every_review_check(protocol, officer_olivia, sergeant_sam, login):
    referral = social_referral(protocol, officer_olivia)
    response = login(sergeant_sam).post(reverse("referral_decide", args=[referral.pk]), {"decision": "approve"})
    assert response.status_code == 400 and "Confirm every review check" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_APPROVAL


def test_not_eligible_needs_a_reason(protocol, officer_olivia, sergeant_sam, login):
    referral = social_referral(protocol, officer_olivia)
    client = login(sergeant_sam)
    assert client.post(reverse("referral_decide", args=[referral.pk]), {"decision": "ineligible"}).status_code == 400
    client.post(reverse("referral_decide", args=[referral.pk]),
                {"decision": "ineligible", "reason": "Lives out of town"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.INELIGIBLE and referral.decision_reason == "Lives out of town"


def test_only_the_named_approver_decides(protocol, officer_olivia, manager_mo, prosecutor_pat, case_manager_cam,
                                         login):
    referral = social_referral(protocol, officer_olivia)  # the three-door protocol names the sergeant
    for user in (manager_mo, prosecutor_pat, case_manager_cam, officer_olivia):
        response = login(user).post(reverse("referral_decide", args=[referral.pk]), {"decision": "approve"})
        assert response.status_code in (403, 404)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_APPROVAL


def test_approver_can_override_a_presumption_with_a_reason(protocol, officer_olivia, sergeant_sam):
    from divert.referrals.actions import do_decide
    referral = social_referral(protocol, officer_olivia, exploits_minors="yes")
    assert referral.status == ReferralStatus.INELIGIBLE
    do_decide(referral, actor=sergeant_sam, approve=True, reason="Report was about someone else",
              checks={"not_informant": True, "no_contact_checked": True})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING_INTAKE and referral.overrode_protocol


def test_capacity_gate_holds_social_and_community_approvals(protocol, officer_olivia, sergeant_sam,
                                                            case_manager_cam, case_manager_casey, agencies):
    from django.core.exceptions import ValidationError

    from divert.referrals.actions import capacity_remaining, do_decide
    people = Person.objects.bulk_create([Person(first_name="P", last_name=str(i)) for i in range(50)])
    Enrollment.objects.bulk_create([
        Enrollment(person=p, door=Door.ARREST_DIVERSION, provider=agencies.provider, status=EnrollmentStatus.ACTIVE,
                   case_manager=case_manager_cam if i % 2 else case_manager_casey, referred_on="2026-01-01")
        for i, p in enumerate(people)])
    assert capacity_remaining(protocol) == 25  # outsider_oscar's empty caseload at the other provider
    from divert.accounts.models import Membership
    Membership.objects.filter(user__username="outsider_oscar").update(active=False)
    assert capacity_remaining(protocol) == 0
    referral = social_referral(protocol, officer_olivia)
    with pytest.raises(ValidationError, match="capacity"):
        do_decide(referral, actor=sergeant_sam, approve=True, checks={"not_informant": True,
                                                                       "no_contact_checked": True})
    # Arrest diversions are never held back by capacity.
    assert arrest_referral(protocol, officer_olivia).status == ReferralStatus.PENDING_INTAKE


def test_project_manager_triages_community_referrals(protocol, manager_mo, login):
    referral = community_referral(protocol)
    client = login(manager_mo)
    queue = client.get(reverse("referrals") + "?queue=approval")
    assert referral.pk in [r.pk for r in queue.context["page"]]
    client.post(reverse("referral_decide", args=[referral.pk]),
                {"decision": "approve", "check_not_informant": "on", "check_no_contact_checked": "on"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING_INTAKE


def test_prosecutor_accepts_the_diversion(protocol, officer_olivia, prosecutor_pat, login):
    referral = arrest_referral(protocol, officer_olivia)
    client = login(prosecutor_pat)
    assert referral.pk in [r.pk for r in client.get(reverse("referrals")).context["page"]]
    client.post(reverse("referral_review", args=[referral.pk]),
                {"decision": "accept", "check_not_informant": "on", "check_no_contact_checked": "on"})
    referral.refresh_from_db()
    assert referral.charge_status == ChargeStatus.ACCEPTED and referral.status == ReferralStatus.PENDING_INTAKE


def test_prosecutor_finds_it_not_eligible_with_a_reason(protocol, officer_olivia, prosecutor_pat, login):
    referral = arrest_referral(protocol, officer_olivia)
    client = login(prosecutor_pat)
    response = client.post(reverse("referral_review", args=[referral.pk]), {"decision": "not_eligible"})
    assert response.status_code == 400
    client.post(reverse("referral_review", args=[referral.pk]),
                {"decision": "not_eligible", "reason": "Quantity was 40 g, report corrected"})
    referral.refresh_from_db()
    assert referral.charge_status == ChargeStatus.NOT_ELIGIBLE and referral.status == ReferralStatus.INELIGIBLE


def test_prosecutor_does_not_see_social_or_community_referrals(protocol, officer_olivia, prosecutor_pat, login):
    social = social_referral(protocol, officer_olivia)
    community = community_referral(protocol)
    client = login(prosecutor_pat)
    for referral in (social, community):
        assert client.get(reverse("referral", args=[referral.pk])).status_code == 404


def test_officer_sees_only_pending_enrolled_or_not(protocol, officer_olivia, prosecutor_pat, login):
    referral = arrest_referral(protocol, officer_olivia)
    client = login(officer_olivia)
    row = client.get(reverse("referrals")).content.decode()
    assert "Pending" in row and "Pending intake" not in row
    from divert.referrals.actions import do_review
    do_review(referral, actor=prosecutor_pat, accept=False, reason="Not divertible after all")
    assert "Not enrolled" in client.get(reverse("referrals")).content.decode()
    assert Referral.objects.count() == 1
