"""The demo's contacts, partner summaries and tasks."""

import random
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from divert.casework.models import Contact, PartnerSummary, Task
from divert.demo.seed_contacts import seed_contacts
from divert.participants.models import EnrollmentStatus

pytest_plugins = ["divert.casework.tests.conftest_contacts"]


def test_seed_fills_open_enrollments_quietly_and_in_bulk(case_manager_cam, case_manager_casey, load_caseload,
                                                         capsys):
    load_caseload(case_manager_cam, 150)
    load_caseload(case_manager_casey, 40, status=EnrollmentStatus.IN_THE_WIND)
    load_caseload(case_manager_casey, 10, status=EnrollmentStatus.EXITED)
    with CaptureQueriesContext(connection) as queries:
        written = seed_contacts(random.Random(7), None, date(2026, 3, 1))
    assert written == Contact.objects.count() + PartnerSummary.objects.count() + Task.objects.count()
    assert len(queries) < 20  # batches, not a query per row
    assert Contact.objects.filter(note_category="sud").exists()
    assert Contact.objects.filter(note_category="health").exists()
    assert not Contact.objects.filter(enrollment__status=EnrollmentStatus.EXITED).exists()
    wind = Contact.objects.filter(enrollment__status=EnrollmentStatus.IN_THE_WIND)
    assert wind.exists() and all(c.occurred_at.date() < date(2026, 2, 1) for c in wind)
    assert capsys.readouterr().out == ""
