"""Seats: a role only at the kind of agency it belongs to, none at courts or probation, and at most one
active seat per person (what a user may see follows from that one seat)."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conftest import make_user
from divert.accounts.models import Agency, Membership, User
from divert.accounts.roles import RECIPIENT_ONLY_KINDS, ROLES_BY_AGENCY_KIND, AgencyKind, Role

FITTING = [(kind, role) for kind, roles in ROLES_BY_AGENCY_KIND.items() for role in sorted(roles)]
MISFITTING = [(kind, role) for kind in AgencyKind.values for role in Role.values
              if kind not in RECIPIENT_ONLY_KINDS and role not in ROLES_BY_AGENCY_KIND[kind]]


@pytest.fixture
def nobody(db):
    return make_user("new_hire", mfa=False)


def agency_of(kind: str) -> Agency:
    return Agency.objects.create(name=f"A {kind} agency", kind=kind)


def test_every_agency_kind_has_a_rule():
    assert set(ROLES_BY_AGENCY_KIND) == set(AgencyKind.values)
    assert set(RECIPIENT_ONLY_KINDS) == {AgencyKind.COURT, AgencyKind.PROBATION}


@pytest.mark.parametrize(("kind", "role"), FITTING)
def test_a_role_fits_its_own_kind_of_agency(nobody, kind, role):
    seat = Membership(user=nobody, agency=agency_of(kind), role=role)
    seat.full_clean()


def test_an_officer_seat_at_a_provider_is_refused(nobody, agencies):
    seat = Membership(user=nobody, agency=agencies.provider, role=Role.OFFICER)
    with pytest.raises(ValidationError) as refused:
        seat.full_clean()
    assert list(refused.value.message_dict) == ["role"]
    assert "cannot hold the Officer seat" in refused.value.message_dict["role"][0]
    assert "Case-management provider" in refused.value.message_dict["role"][0]


@pytest.mark.parametrize(("kind", "role"), MISFITTING)
def test_every_misfitting_role_is_refused(nobody, kind, role):
    seat = Membership(user=nobody, agency=agency_of(kind), role=role)
    with pytest.raises(ValidationError) as refused:
        seat.full_clean()
    assert "role" in refused.value.message_dict


@pytest.mark.parametrize("kind", sorted(RECIPIENT_ONLY_KINDS))
@pytest.mark.parametrize("role", Role.values)
def test_no_seat_at_all_at_a_court_or_probation(nobody, kind, role):
    seat = Membership(user=nobody, agency=agency_of(kind), role=role)
    with pytest.raises(ValidationError) as refused:
        seat.full_clean()
    assert refused.value.message_dict["agency"] == ["Courts and probation receive letters only; they have no seats."]


def test_an_unknown_role_is_refused(nobody, agencies):
    seat = Membership(user=nobody, agency=agencies.police, role="chief")
    with pytest.raises(ValidationError) as refused:
        seat.full_clean()
    assert "role" in refused.value.message_dict


def test_a_user_has_at_most_one_active_seat(officer_olivia, agencies):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=officer_olivia, agency=agencies.police, role=Role.SERGEANT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=officer_olivia, agency=agencies.provider, role=Role.CASE_MANAGER)
    assert officer_olivia.memberships.count() == 1


def test_reactivating_a_second_seat_is_refused_too(officer_olivia, agencies):
    old = Membership.objects.create(user=officer_olivia, agency=agencies.police, role=Role.SERGEANT, active=False)
    old.active = True
    with pytest.raises(IntegrityError), transaction.atomic():
        old.save()


def test_inactive_seats_are_history_and_do_not_count(officer_olivia, agencies):
    Membership.objects.create(user=officer_olivia, agency=agencies.police, role=Role.SERGEANT, active=False)
    Membership.objects.create(user=officer_olivia, agency=agencies.provider, role=Role.OUTREACH, active=False)
    assert officer_olivia.memberships.count() == 3
    assert officer_olivia.role == Role.OFFICER


def test_moving_seat_means_ending_the_old_one_first(officer_olivia, agencies):
    current = officer_olivia.memberships.get()
    current.active = False
    current.save()
    Membership.objects.create(user=officer_olivia, agency=agencies.police, role=Role.SERGEANT)
    assert User.objects.get(pk=officer_olivia.pk).role == Role.SERGEANT


def test_a_seat_at_an_inactive_agency_gives_no_role(officer_olivia, agencies):
    agencies.police.active = False
    agencies.police.save()
    user = User.objects.get(pk=officer_olivia.pk)
    assert user.seat is None
    assert user.role is None
    assert user.has_role(Role.OFFICER) is False


def test_an_inactive_user_has_no_role_powers(officer_olivia):
    officer_olivia.is_active = False
    assert officer_olivia.has_role(Role.OFFICER) is False


def test_the_admin_refuses_a_misfitting_seat(admin_ada, nobody, agencies, login):
    admin_ada.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="accounts", codename__in=["add_membership", "view_membership"]))
    client = login(admin_ada)
    response = client.post("/admin/accounts/membership/add/",
                           {"user": nobody.pk, "agency": agencies.provider.pk, "role": Role.OFFICER, "active": "on"})
    assert response.status_code == 200
    assert "cannot hold the Officer seat" in response.content.decode()
    response = client.post("/admin/accounts/membership/add/",
                           {"user": nobody.pk, "agency": agencies.court.pk, "role": Role.CASE_MANAGER, "active": "on"})
    assert response.status_code == 200
    assert "they have no seats" in response.content.decode()
    assert not Membership.objects.filter(user=nobody).exists()


def test_the_admin_refuses_a_second_active_seat(admin_ada, officer_olivia, agencies, login):
    admin_ada.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="accounts", codename__in=["add_membership", "view_membership"]))
    client = login(admin_ada)
    response = client.post("/admin/accounts/membership/add/", {
        "user": officer_olivia.pk, "agency": agencies.police.pk, "role": Role.SERGEANT, "active": "on"})
    assert response.status_code == 200  # a form error, not a crash
    assert "one_active_seat_per_user" in response.content.decode()
    assert officer_olivia.memberships.count() == 1
