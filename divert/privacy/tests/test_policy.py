import pytest

from divert.participants.models import Door, Enrollment, EnrollmentStatus, Person
from divert.privacy.policy import Category, can_see, visible_persons

CASEWORK_LIKE = [Category.CASEWORK, Category.HEALTH, Category.SUD]
PARTNERS = ["officer_olivia", "sergeant_sam", "prosecutor_pat", "defender_dana"]
NOBODY = PARTNERS + ["evaluator_eve", "admin_ada", "outsider_oscar"]


@pytest.mark.parametrize("name", ["case_manager_cam", "supervisor_sue", "outreach_omar"])
def test_case_management_team_sees_every_category(name, personas, participant):
    user = getattr(personas, name)
    for category in Category.ALL:
        decision = can_see(user, participant, category)
        assert decision.allowed, (name, category)
        assert decision.reason
    assert list(visible_persons(user)) == [participant]


def test_colleague_at_the_provider_sees_status_not_casework(case_manager_casey, participant):
    assert can_see(case_manager_casey, participant, Category.IDENTITY)
    assert can_see(case_manager_casey, participant, Category.STATUS).reason == "same case-management provider"
    for category in CASEWORK_LIKE + [Category.LEGAL, Category.REFERRAL]:
        assert not can_see(case_manager_casey, participant, category), category


def test_project_manager_sees_referral_status_legal_only(manager_mo, participant):
    for category in (Category.IDENTITY, Category.REFERRAL, Category.STATUS, Category.LEGAL):
        assert can_see(manager_mo, participant, category), category
    for category in CASEWORK_LIKE + [Category.PARTNER_SUMMARY]:
        assert not can_see(manager_mo, participant, category), category


@pytest.mark.parametrize("name", NOBODY)
def test_seats_without_a_rule_or_consent_see_nothing(name, personas, participant):
    user = getattr(personas, name)
    for category in Category.ALL:
        decision = can_see(user, participant, category)
        assert not decision.allowed and decision.consent is None
    assert not visible_persons(user).exists()


def test_team_access_to_casework_ends_when_the_enrollment_is_exited(case_manager_cam, participant):
    participant.enrollments.update(status=EnrollmentStatus.EXITED)
    for category in CASEWORK_LIKE + [Category.LEGAL, Category.REFERRAL, Category.PARTNER_SUMMARY]:
        assert not can_see(case_manager_cam, participant, category), category


@pytest.mark.parametrize("name", ["case_manager_cam", "case_manager_casey", "supervisor_sue", "outreach_omar"])
def test_provider_team_still_finds_people_who_exited(name, personas, participant):
    # They re-engage people after an exit; finding the existing person keeps re-engagement from creating a new one.
    participant.enrollments.update(status=EnrollmentStatus.EXITED)
    user = getattr(personas, name)
    assert list(visible_persons(user)) == [participant]
    assert can_see(user, participant, Category.STATUS).reason == "previously enrolled at the provider"
    assert not can_see(user, participant, Category.CASEWORK)


def test_other_providers_participants_are_invisible(case_manager_cam, outsider_oscar, agencies, participant):
    theirs = Person.objects.create(first_name="Jordan", last_name="Lee")
    Enrollment.objects.create(person=theirs, door=Door.ARREST_DIVERSION, provider=agencies.other_provider,
                              case_manager=outsider_oscar, status=EnrollmentStatus.ACTIVE, referred_on="2026-02-01")
    assert list(visible_persons(outsider_oscar)) == [theirs]
    assert list(visible_persons(case_manager_cam)) == [participant]
    assert not can_see(case_manager_cam, theirs, Category.IDENTITY)


def test_inactive_users_and_seats_see_nothing(case_manager_cam, participant):
    case_manager_cam.memberships.update(active=False)
    case_manager_cam.__dict__.pop("seat", None)
    assert not can_see(case_manager_cam, participant, Category.STATUS)
    case_manager_cam.memberships.update(active=True)
    case_manager_cam.__dict__.pop("seat", None)
    case_manager_cam.is_active = False
    assert not visible_persons(case_manager_cam).exists()


def test_anonymous_sees_nothing(participant):
    from django.contrib.auth.models import AnonymousUser

    assert not can_see(AnonymousUser(), participant, Category.IDENTITY)
    assert not visible_persons(AnonymousUser()).exists()


def test_unknown_category_is_an_error(case_manager_cam, participant):
    with pytest.raises(ValueError):
        can_see(case_manager_cam, participant, "gossip")


def test_visible_persons_has_no_duplicates(supervisor_sue, agencies, participant):
    Enrollment.objects.create(person=participant, door=Door.COMMUNITY, provider=agencies.provider,
                              status=EnrollmentStatus.PENDING_INTAKE, referred_on="2026-03-01")
    assert visible_persons(supervisor_sue).count() == 1
