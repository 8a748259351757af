from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from divert.accounts.models import Agency, Membership, User
from divert.accounts.seats import DEMO_LOGINS, DEMO_PASSWORD
from divert.demo.seed import clear_participants, seed_site
from divert.notify.models import Notification
from divert.participants.models import Enrollment, EnrollmentStatus, Identifier, Person

TODAY = date(2026, 11, 26)


def _snapshot():
    people = list(Person.objects.order_by("id").values_list("first_name", "middle_name", "last_name", "date_of_birth",
                                                            "approximate_age"))
    aliases = sorted(Person.objects.values_list("aliases__name", "aliases__kind"), key=str)
    ids = sorted(Identifier.objects.values_list("kind", "value"))
    enrollments = list(Enrollment.objects.order_by("id").values_list("door", "status", "referred_on",
                                                                     "case_manager__username"))
    return people, aliases, ids, enrollments


def test_same_seed_same_site(db):
    seed_site(60, seed=7, today=TODAY, justice_feeds=False)
    first = _snapshot()
    clear_participants()
    seed_site(60, seed=7, today=TODAY, justice_feeds=False)
    assert _snapshot() == first
    clear_participants()
    seed_site(60, seed=8, today=TODAY, justice_feeds=False)
    assert _snapshot()[0] != first[0]


def test_the_site_is_believable(db):
    report = seed_site(400, seed=3, today=TODAY)
    assert Person.objects.count() == 400 == report.participants
    assert Agency.objects.filter(kind="court").exists() and Agency.objects.filter(kind="probation").exists()
    # every demo seat exists, signs in with the demo password, and sits at an agency of the right kind
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.seat.role == login.role
        Membership.full_clean(user.seat)
    statuses = Counter(Enrollment.objects.values_list("status", flat=True))
    assert set(statuses) <= set(EnrollmentStatus.values)
    assert statuses[EnrollmentStatus.ACTIVE] > statuses[EnrollmentStatus.EXITED] > 0
    # caseloads stay within the program's limits
    loads = Counter(Enrollment.objects.filter(status__in=["active", "inactive", "in_the_wind", "pending_intake"],
                                              case_manager__isnull=False).values_list("case_manager", flat=True))
    assert max(loads.values()) <= 25
    assert User.objects.get(username="casemanager").caseload.exists()
    # re-engagement is a new enrollment of the same person, never a new person
    assert Enrollment.objects.values("person").distinct().count() == 400 < Enrollment.objects.count()
    ages = [(TODAY - d).days // 365 for d in Person.objects.exclude(date_of_birth=None)
            .values_list("date_of_birth", flat=True)]
    assert min(ages) >= 18 and max(ages) <= 70
    assert Person.objects.filter(date_of_birth=None, approximate_age__isnull=False).exists()
    assert Identifier.objects.values("kind", "value").distinct().count() == Identifier.objects.count()


def test_seed_refuses_a_database_with_people(db):
    seed_site(5, seed=1, today=TODAY, justice_feeds=False)
    with pytest.raises(ValueError, match="already holds people"):
        seed_site(5, seed=1, today=TODAY, justice_feeds=False)
    assert Person.objects.count() == 5


def test_seed_command(db, capsys):
    call_command("seed", participants=30, seed=5)
    assert "Seeded 30 participants" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already holds people"):
        call_command("seed", participants=30, seed=5)
    call_command("seed", participants=12, seed=5, reset=True)
    assert Person.objects.count() == 12


def test_demo_prepares_once_and_reuses(db, settings, capsys):
    settings.DIVERT_DEMO = True
    call_command("demo", no_serve=True, participants=20, port=8123)
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8123/" in out
    for login in DEMO_LOGINS:
        assert login.username in out
    assert "divert-demo" in out
    call_command("demo", no_serve=True, participants=20)
    assert "Reusing the existing demo data" in capsys.readouterr().out
    assert Person.objects.count() == 20


def test_demo_refuses_outside_demo_mode(db, settings):
    settings.DIVERT_DEMO = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("demo", no_serve=True)


def test_seed_refuses_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never runs in production"):
        call_command("seed", participants=3, seed=1)
    assert not Person.objects.exists() and not User.objects.filter(username="officer").exists()


def test_every_module_has_a_month_of_work(db):
    from divert.casework.models import Assessment, Contact, Expense, Goal, MonthlyStatus, ServiceReferral
    from divert.participants.models import EnrollmentStatusChange
    from divert.privacy.models import ReleaseOfInformation, Revocation
    from divert.referrals.models import HandOff, OnCallShift, Referral

    seed_site(300, seed=5, today=TODAY)
    assert set(Referral.objects.values_list("door", flat=True)) == {"arrest", "social", "community"}
    assert {"awaiting_approval", "pending_intake", "enrolled", "ineligible", "declined", "intake_lapsed",
            "withdrawn"} <= set(Referral.objects.values_list("status", flat=True))
    assert HandOff.objects.exists() and OnCallShift.objects.exists()
    assert set(Enrollment.objects.values_list("status", flat=True)) == set(EnrollmentStatus.values)
    assert EnrollmentStatusChange.objects.count() >= Enrollment.objects.count()
    assert set(ReleaseOfInformation.objects.values_list("kind", flat=True)) == {"general", "part2", "part2_cj"}
    assert {"full", "partial"} <= set(Revocation.objects.values_list("scope", flat=True))
    assert Contact.objects.filter(note_category="sud").exists() and Contact.objects.filter(substantive=True).exists()
    for model in (Assessment, MonthlyStatus, Goal, ServiceReferral, Expense):
        assert model.objects.exists(), model
    # Coordination over a year, and a week of justice feeds with alerts and a review queue.
    from divert.coordination.models import (
        CoordinationRequest,
        Letter,
        OperationalWorkGroupMeeting,
        PCGDecision,
    )
    from divert.records.models import JusticeEvent, LinkCandidate

    meetings = OperationalWorkGroupMeeting.objects
    assert meetings.filter(starts_at__lt=timezone.now()).count() >= 24  # every other week for a year
    assert set(CoordinationRequest.objects.values_list("status", flat=True)) >= {"awaiting_answer", "decided"}
    assert PCGDecision.objects.exists() and Letter.objects.exists()
    assert JusticeEvent.objects.filter(kind="booking").exists() and LinkCandidate.objects.filter(status="open").exists()
    assert Notification.objects.filter(kind="divert.justice.update").exists()


def test_the_outcomes_have_unit_costs_and_justice_history(db):
    from divert.outcomes.costs import declared_unit_costs
    from divert.records.models import JusticeEvent

    seed_site(40, seed=5, today=TODAY, justice_feeds=False)
    assert declared_unit_costs(TODAY).bed_day_marginal is not None
    synthetic = JusticeEvent.objects.filter(source_profile__slug="synthetic-history")
    assert synthetic.count() == 480  # twelve a participant
    first = min(Enrollment.objects.values_list("referred_on", flat=True))
    assert synthetic.filter(occurred_on__lt=first).exists()
    assert synthetic.filter(kind="booking", jail_days__gte=1).exists()
