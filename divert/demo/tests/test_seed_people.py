"""The seed's lean path: only persons with their aliases and identifiers, drawn as the full seed draws them."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from divert.demo.seed import people, seed_people
from divert.participants.models import Alias, Enrollment, Identifier, Person
from divert.referrals.models import Referral

TODAY = date(2026, 6, 1)


def test_people_only_makes_persons_aliases_identifiers_and_the_enrolled_few(db):
    report = seed_people(40, seed=5, today=TODAY, enrolled=6)
    assert Person.objects.count() == 40
    assert Alias.objects.exists()
    # Every person has the jail's id; identifiers never collide.
    jail_ids = list(Identifier.objects.filter(kind=Identifier.Kind.JAIL_ID).values_list("value", flat=True))
    assert len(jail_ids) == 40 == len(set(jail_ids))
    enrolled = set(Enrollment.objects.values_list("person_id", flat=True))
    assert len(enrolled) == 6 and report.participants == 6
    first_six = set(Person.objects.order_by("pk").values_list("pk", flat=True)[:6])
    assert enrolled == first_six
    assert not Referral.objects.exists()  # nothing else of the site


def test_the_persons_are_the_seed_generators_and_the_same_each_time(db):
    generator = people(9, TODAY)
    drawn = [(p.first_name, p.last_name, p.date_of_birth) for p, _, _ in (next(generator) for _ in range(25))]
    seed_people(25, seed=9, today=TODAY)
    saved = list(Person.objects.order_by("pk").values_list("first_name", "last_name", "date_of_birth"))
    assert saved == drawn
    # Going on drawing gives new people with identifiers of their own (the benchmark's strangers).
    more = people(9, TODAY, start=25)
    _, _, identifiers = next(more)
    assert not Identifier.objects.filter(value__in=[i.value for i in identifiers]).exists()


def test_people_only_command_and_bad_input(db):
    out = StringIO()
    call_command("seed", "--people-only", "--participants", "12", "--enrolled", "2", "--seed", "3", stdout=out,
                 stderr=StringIO())
    assert "Seeded 12 people, 2 of them enrolled" in out.getvalue()
    with pytest.raises(CommandError, match="--enrolled goes with --people-only"):
        call_command("seed", "--participants", "5", "--enrolled", "2")
    with pytest.raises(CommandError, match="enrolled at most"):
        call_command("seed", "--people-only", "--participants", "5", "--enrolled", "9")
    assert Person.objects.count() == 12  # refused input changed nothing
