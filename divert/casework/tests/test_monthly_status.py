from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from divert.audit.models import AuditEvent
from divert.casework.actions_assessment import do_record_monthly_status
from divert.casework.models import MonthlyStatus
from divert.privacy.policy import Category

pytest_plugins = ["divert.casework.tests.conftest_assessment"]


def url(person):
    return f"/people/{person.pk}/monthly-status/"


def this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def post(client, person, **data):
    form = {"month": this_month(), "housing": "shelter", "income_sources": ["snap", "ssi"], "employment": "training"}
    form.update(data)
    return client.post(url(person), form)


def test_the_assigned_case_manager_records_this_month(case_manager_cam, participant, login):
    client = login(case_manager_cam)
    assert client.get(url(participant)).status_code == 200
    response = post(client, participant)
    assert response.status_code == 302
    row = MonthlyStatus.objects.get()
    assert row.month == timezone.localdate().replace(day=1)
    assert (row.housing, row.income_sources, row.employment) == ("shelter", ["snap", "ssi"], "training")
    assert row.enrollment == participant.enrollments.get() and row.recorded_by == case_manager_cam
    assert AuditEvent.objects.filter(action="divert.casework.monthly_status.recorded", person=participant).exists()
    page = client.get(url(participant))
    assert b"Emergency shelter" in page.content and b"<svg" in page.content
    assert AuditEvent.objects.filter(action="divert.casework.monthly_status.viewed",
                                     category=Category.CASEWORK).exists()


@pytest.mark.parametrize("name", ["supervisor_sue", "outreach_omar"])
def test_teammates_can_record(name, personas, participant, login):
    assert post(login(getattr(personas, name)), participant).status_code == 302


@pytest.mark.parametrize("name", ["case_manager_casey", "manager_mo", "officer_olivia", "prosecutor_pat",
                                  "defender_dana", "outsider_oscar", "evaluator_eve"])
def test_seats_that_may_not_see_casework_get_404(name, personas, participant, login):
    client = login(getattr(personas, name))
    assert client.get(url(participant)).status_code == 404
    assert post(client, participant).status_code == 404
    assert not MonthlyStatus.objects.exists()


def test_a_partner_under_a_casework_release_reads_but_gets_403_on_write(defender_dana, participant, login,
                                                                         casework_release, case_manager_cam):
    casework_release()
    do_record_monthly_status(participant, month=date(2026, 3, 1), housing="unsheltered", income_sources=["none"],
                             employment="not_working", actor=case_manager_cam)
    client = login(defender_dana)
    page = client.get(url(participant))
    assert page.status_code == 200 and b"Unsheltered" in page.content and b'name="housing"' not in page.content
    assert post(client, participant).status_code == 403
    assert MonthlyStatus.objects.count() == 1


@pytest.mark.parametrize("bad", [
    {"housing": "mansion"},
    {"employment": "failed"},
    {"income_sources": ["lottery"]},
    {"income_sources": ["none", "ssi"]},
    {"income_sources": []},
    {"month": "2026-13"},
    {"month": "March"},
    {"month": (timezone.localdate().replace(day=1) + timedelta(days=40)).strftime("%Y-%m")},
])
def test_bad_values_are_refused(bad, case_manager_cam, participant, login):
    response = post(login(case_manager_cam), participant, **bad)
    assert response.status_code == 400
    assert not MonthlyStatus.objects.exists()


def test_one_status_per_month(case_manager_cam, participant, login):
    client = login(case_manager_cam)
    assert post(client, participant).status_code == 302
    # A second record for the same month without opening the first is refused.
    response = post(client, participant, housing="permanent")
    assert response.status_code == 400 and b"already recorded" in response.content
    assert MonthlyStatus.objects.get().housing == "shelter"
    with pytest.raises(IntegrityError):
        MonthlyStatus.objects.create(person=participant, month=timezone.localdate().replace(day=1),
                                     housing="other", employment="not_working", recorded_by=case_manager_cam)


def test_a_month_is_changed_with_its_version_and_a_stale_change_is_refused(case_manager_cam, supervisor_sue,
                                                                           participant, login):
    client = login(case_manager_cam)
    post(client, participant)
    row = MonthlyStatus.objects.get()
    opened = row.updated_at.isoformat()
    page = client.get(url(participant) + f"?month={this_month()}")
    assert opened.encode() in page.content
    assert post(client, participant, housing="transitional", version=opened).status_code == 302
    assert AuditEvent.objects.filter(action="divert.casework.monthly_status.changed").exists()
    response = post(login(supervisor_sue), participant, housing="permanent", version=opened)
    assert response.status_code == 409
    assert b"changed by someone else since you opened it" in response.content
    assert MonthlyStatus.objects.get().housing == "transitional"


def test_bad_values_are_refused_by_the_database_too(case_manager_cam, participant):
    with pytest.raises(IntegrityError):
        MonthlyStatus.objects.create(person=participant, month=date(2026, 1, 1), housing="castle",
                                     employment="not_working", recorded_by=case_manager_cam)
