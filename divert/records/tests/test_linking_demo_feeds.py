# ruff: noqa: F811 - the fixtures imported from linking_support are used as arguments
"""The demo's week of jail feeds: imported, linked, alerts for participants and pairs for the demo logins."""

import random
from datetime import date

from faker import Faker

from conftest import make_user
from divert.accounts.roles import Role
from divert.demo.seed_feeds import seed_feeds
from divert.participants.models import Door, Enrollment, EnrollmentStatus, Identifier, Person
from divert.records.models import FeedImport, ImportStatus, LinkCandidate, LinkStatus, StagedRecord
from divert.records.review import open_candidates
from divert.records.tests.linking_support import _linkage_settings, active_model, linked_rows, trained_model  # noqa: F401


def test_a_week_of_feeds_links_and_fills_the_review_queue(agencies, personas, active_model, linked_rows):
    demo_cm = make_user("casemanager", Role.CASE_MANAGER, agencies.provider)
    for n in range(3):
        person = Person.objects.create(first_name=f"Demo{n}", last_name="Caseload", date_of_birth=date(1980, 1, n + 1))
        Identifier.objects.create(person=person, kind=Identifier.Kind.JAIL_ID, value=f"J{n:07d}")
        Identifier.objects.create(person=person, kind=Identifier.Kind.STATE_ID, value=f"SID{n:08d}")
        Enrollment.objects.create(person=person, door=Door.SOCIAL_CONTACT, provider=agencies.provider,
                                  case_manager=demo_cm, status=EnrollmentStatus.ACTIVE, referred_on="2026-01-05")
    fake = Faker("en_US")
    fake.seed_instance(3)
    rows = seed_feeds(random.Random(3), fake, date(2026, 3, 1))
    assert rows == StagedRecord.objects.count() > 150
    assert FeedImport.objects.filter(status=ImportStatus.FINISHED).count() == 7
    assert StagedRecord.objects.filter(link_status=LinkStatus.LINKED, person__last_name="Caseload").exists()
    assert linked_rows
    assert not StagedRecord.objects.filter(link_status=LinkStatus.UNLINKED).exists()
    assert open_candidates(demo_cm).exists()
    assert open_candidates(personas.manager_mo).count() == LinkCandidate.objects.filter(status="open").count()
