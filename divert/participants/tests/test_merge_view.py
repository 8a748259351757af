from datetime import date

import pytest

from divert.audit.models import AuditEvent
from divert.participants.models import Door, Enrollment, EnrollmentStatus, Person


@pytest.fixture
def duplicate(agencies, case_manager_casey):
    person = Person.objects.create(first_name="Alexander", last_name="Zyxcanary", date_of_birth=date(1990, 2, 3))
    Enrollment.objects.create(person=person, door=Door.COMMUNITY, provider=agencies.provider,
                              case_manager=case_manager_casey, status=EnrollmentStatus.PENDING_INTAKE,
                              referred_on=date(2026, 2, 1))
    return person


def url(person):
    return f"/people/{person.pk}/merge/"


@pytest.mark.parametrize("name", ["supervisor_sue", "manager_mo"])
def test_merge_shows_both_side_by_side_then_merges(name, personas, participant, duplicate, login):
    client = login(getattr(personas, name))
    assert client.get(url(participant)).status_code == 200
    preview = client.get(url(participant), {"duplicate": duplicate.pk})
    html = preview.content.decode()
    assert preview.status_code == 200 and "Alexander Zyxcanary" in html and "Alex Zyxcanary" in html
    assert "Merge these records" in html and "1990" in html
    response = client.post(url(participant), {"duplicate": duplicate.pk, "reason": "Same person, two intakes"})
    assert response.status_code == 302 and response.url == f"/people/{participant.pk}/"
    duplicate.refresh_from_db()
    assert duplicate.merged_into == participant and participant.enrollments.count() == 2
    assert AuditEvent.objects.filter(action="divert.person.merged").count() == 2


def test_tombstone_page_redirects_to_the_survivor(supervisor_sue, participant, duplicate, login):
    client = login(supervisor_sue)
    client.post(url(participant), {"duplicate": duplicate.pk, "reason": "Same person"})
    response = client.get(f"/people/{duplicate.pk}/")
    assert response.status_code == 302 and response.url == f"/people/{participant.pk}/"


def test_tombstone_of_someone_you_may_not_see_is_404(supervisor_sue, outsider_oscar, participant, duplicate, login):
    login(supervisor_sue).post(url(participant), {"duplicate": duplicate.pk, "reason": "Same person"})
    assert login(outsider_oscar).get(f"/people/{duplicate.pk}/").status_code == 404


@pytest.mark.parametrize("name", ["outsider_oscar", "officer_olivia", "prosecutor_pat", "evaluator_eve", "admin_ada"])
def test_outsiders_get_404(name, personas, participant, duplicate, login):
    client = login(getattr(personas, name))
    assert client.get(url(participant)).status_code == 404
    assert client.post(url(participant), {"duplicate": duplicate.pk, "reason": "x"}).status_code == 404
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


@pytest.mark.parametrize("name", ["case_manager_cam", "case_manager_casey", "outreach_omar"])
def test_seats_that_may_see_but_not_merge_get_403(name, personas, participant, duplicate, login):
    client = login(getattr(personas, name))
    assert client.get(url(participant)).status_code == 403
    assert client.post(url(participant), {"duplicate": duplicate.pk, "reason": "x"}).status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_bad_input_is_refused(supervisor_sue, participant, duplicate, agencies, login):
    hidden = Person.objects.create(first_name="Hidden", last_name="Elsewhere")
    Enrollment.objects.create(person=hidden, door=Door.COMMUNITY, provider=agencies.other_provider,
                              status=EnrollmentStatus.ACTIVE, referred_on=date(2026, 1, 1))
    client = login(supervisor_sue)
    for data in ({"duplicate": duplicate.pk, "reason": " "}, {"duplicate": participant.pk, "reason": "x"},
                 {"duplicate": hidden.pk, "reason": "x"}, {"duplicate": "abc", "reason": "x"},
                 {"duplicate": 999999, "reason": "x"}):
        assert client.post(url(participant), data).status_code == 400
    duplicate.refresh_from_db()
    hidden.refresh_from_db()
    assert duplicate.merged_into is None and hidden.merged_into is None
    assert not AuditEvent.objects.filter(action="divert.person.merged").exists()


def test_a_supervisor_may_not_merge_in_another_providers_history(supervisor_sue, participant, agencies, login):
    from divert.participants.models import Door, Enrollment, Person
    elsewhere = Person.objects.create(first_name="Alex", last_name="Zyxcanary")
    Enrollment.objects.create(person=elsewhere, door=Door.SOCIAL_CONTACT, provider=agencies.other_provider,
                              status="exited", referred_on="2025-01-01")
    Enrollment.objects.create(person=elsewhere, door=Door.SOCIAL_CONTACT, provider=agencies.provider,
                              status="active", referred_on="2026-02-01")
    client = login(supervisor_sue)
    response = client.post(f"/people/{participant.pk}/merge/", {"duplicate": elsewhere.pk, "reason": "same"})
    assert response.status_code == 403
    elsewhere.refresh_from_db()
    assert elsewhere.merged_into_id is None
