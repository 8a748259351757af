"""Possible matches with known people, and the minimal intake that creates the enrollment."""

from datetime import date

import pytest
from django.urls import reverse

from divert.audit.models import AuditEvent
from divert.participants.models import Enrollment, EnrollmentStatus, Person
from divert.referrals.models import PossibleMatch, ReferralStatus

from .factories import arrest_referral


@pytest.fixture
def known_person(agencies):
    """Someone the provider worked with before (exited): re-engaging them must never make a second record."""
    person = Person.objects.create(first_name="Robyn", last_name="Quillfeather", date_of_birth=date(1990, 4, 2))
    Enrollment.objects.create(person=person, door="social", provider=agencies.provider, status="exited",
                              referred_on="2024-01-01", exited_on="2025-01-01")
    return person


def test_a_new_referral_finds_the_known_person(protocol, officer_olivia, known_person, case_manager_cam, login):
    referral = arrest_referral(protocol, officer_olivia)
    match = PossibleMatch.objects.get(referral=referral)
    assert match.person == known_person and match.score >= 0.75
    page = login(case_manager_cam).get(reverse("referral", args=[referral.pk])).content.decode()
    assert "Possible matches with people already known" in page and "Robyn Quillfeather" in page


def test_a_match_never_reveals_another_providers_participant(protocol, officer_olivia, known_person, agencies,
                                                            outsider_oscar, login):
    known_person.enrollments.update(provider=agencies.other_provider)
    referral = arrest_referral(protocol, officer_olivia)
    assert PossibleMatch.objects.filter(referral=referral).exists()  # recorded, for whoever may know the person
    from conftest import make_user
    cam_here = make_user("case_manager_here", "case_manager", agencies.provider)
    page = login(cam_here).get(reverse("referral", args=[referral.pk])).content.decode()
    assert "Robyn" not in page and "Possible matches" not in page
    page = login(outsider_oscar).get(reverse("referral", args=[referral.pk])).content.decode()
    assert "Robyn Quillfeather" in page  # the other provider's own former participant


def test_the_officer_learns_nothing_about_matches(protocol, officer_olivia, known_person, login):
    referral = arrest_referral(protocol, officer_olivia)
    page = login(officer_olivia).get(reverse("referral", args=[referral.pk])).content.decode()
    assert "Robyn" not in page and "Possible matches" not in page


def test_link_then_intake_enrolls_the_known_person(protocol, officer_olivia, known_person, case_manager_cam,
                                                    agencies, login):
    referral = arrest_referral(protocol, officer_olivia)
    match = PossibleMatch.objects.get(referral=referral)
    client = login(case_manager_cam)
    client.post(reverse("match_decide", args=[referral.pk, match.pk, "link"]))
    referral.refresh_from_db()
    assert referral.person == known_person
    response = client.post(reverse("referral_intake", args=[referral.pk]), {
        "provider": agencies.provider.pk, "case_manager": case_manager_cam.pk, "intake_on": date.today().isoformat()})
    assert response.status_code == 302
    referral.refresh_from_db()
    enrollment = referral.enrollment
    assert referral.status == ReferralStatus.ENROLLED
    assert enrollment.person == known_person and enrollment.status == EnrollmentStatus.ACTIVE
    assert enrollment.case_manager == case_manager_cam and enrollment.door == "arrest"
    assert Person.objects.count() == 1  # never a second record for the same person
    assert list(enrollment.status_changes.values_list("to_status", flat=True)) == ["pending_intake", "active"]
    assert AuditEvent.objects.filter(action="divert.referral.intake_completed").exists()


def test_dismissed_match_and_intake_creates_a_person(protocol, officer_olivia, known_person, case_manager_cam,
                                                     agencies, login):
    referral = arrest_referral(protocol, officer_olivia)
    match = PossibleMatch.objects.get(referral=referral)
    client = login(case_manager_cam)
    client.post(reverse("match_decide", args=[referral.pk, match.pk, "dismiss"]))
    client.post(reverse("referral_intake", args=[referral.pk]), {
        "provider": agencies.provider.pk, "case_manager": case_manager_cam.pk, "intake_on": date.today().isoformat()})
    referral.refresh_from_db()
    assert referral.person != known_person and referral.person.last_name == "Quillfeather"
    assert referral.person.aliases.count() == 0


@pytest.mark.parametrize("intake_on,message", [("2099-01-01", "between the referral date and today"),
                                               ("2000-01-01", "between the referral date and today"),
                                               ("", "This field is required")])
def test_bad_intake_date_changes_nothing(protocol, officer_olivia, case_manager_cam, agencies, login, intake_on,
                                         message):
    referral = arrest_referral(protocol, officer_olivia)
    response = login(case_manager_cam).post(reverse("referral_intake", args=[referral.pk]), {
        "provider": agencies.provider.pk, "case_manager": case_manager_cam.pk, "intake_on": intake_on})
    assert response.status_code == 400 and message in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING_INTAKE
    assert not Enrollment.objects.exists()


def test_case_manager_of_another_provider_cannot_record_intake(protocol, officer_olivia, outsider_oscar, agencies,
                                                               login):
    referral = arrest_referral(protocol, officer_olivia)
    referral.provider = agencies.provider
    referral.save()
    assert login(outsider_oscar).get(reverse("referral_intake", args=[referral.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["officer_olivia", "prosecutor_pat", "manager_mo"])
def test_other_seats_cannot_record_intake(protocol, officer_olivia, login, request, persona):
    referral = arrest_referral(protocol, officer_olivia)
    response = login(request.getfixturevalue(persona)).get(reverse("referral_intake", args=[referral.pk]))
    assert response.status_code == 403


def test_the_person_declined(protocol, officer_olivia, outreach_omar, login):
    referral = arrest_referral(protocol, officer_olivia)
    client = login(outreach_omar)
    assert client.post(reverse("referral_close", args=[referral.pk]), {"outcome": "declined"}).status_code == 400
    client.post(reverse("referral_close", args=[referral.pk]), {"outcome": "declined", "reason": "Not now"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
