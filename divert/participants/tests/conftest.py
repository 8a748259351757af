"""Fixtures for people and enrollments: the shared participant's enrollment, and more case managers."""

from datetime import date

import pytest

from conftest import make_user
from divert.accounts.roles import Role
from divert.participants.models import Door, Enrollment, EnrollmentStatus, Person


@pytest.fixture
def enrollment(participant) -> Enrollment:
    """Alex Zyxcanary's one enrollment: active at the provider, assigned to case_manager_cam."""
    return participant.enrollments.get()


@pytest.fixture
def load_caseload(agencies):
    """Give a case manager `n` open enrollments at the provider."""

    def _load(case_manager, n: int, status=EnrollmentStatus.ACTIVE):
        people = Person.objects.bulk_create([Person(first_name=f"Load{i}", last_name="Person") for i in range(n)])
        Enrollment.objects.bulk_create([
            Enrollment(person=p, door=Door.COMMUNITY, provider=agencies.provider, case_manager=case_manager,
                       status=status, referred_on=date(2026, 1, 1)) for p in people
        ])

    return _load


@pytest.fixture
def case_manager_carla(agencies):
    """A third case manager at the provider."""
    return make_user("case_manager_carla", Role.CASE_MANAGER, agencies.provider)
