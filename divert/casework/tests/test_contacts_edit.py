"""Reading and editing a contact: /contacts/<id>/ and /contacts/<id>/edit/. The note's category decides who sees it."""

import pytest
from django.utils import timezone

from conftest import SUD_CANARY
from divert.audit.models import AuditEvent
from divert.casework.models import Contact
from divert.casework.tests.conftest_contacts import HEALTH_CANARY, NOT_SUD_SEATS
from divert.privacy.models import Disclosure, ReleaseKind

pytest_plugins = ["divert.casework.tests.conftest_contacts"]


def edit_data(contact, **changes):
    data = {"kind": contact.kind, "substantive": "on" if contact.substantive else "", "place": contact.place,
            "duration_minutes": contact.duration_minutes or "", "present": contact.present, "note": contact.note,
            "note_category": contact.note_category,
            "occurred_at": timezone.localtime(contact.occurred_at).strftime("%Y-%m-%dT%H:%M"),
            "version": contact.updated_at.isoformat()}
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


@pytest.mark.parametrize("category", ["casework", "health", "sud"])
@pytest.mark.parametrize("name", ["case_manager_cam", "supervisor_sue", "outreach_omar"])
def test_the_team_reads_every_category_and_each_read_is_audited(name, category, personas, contacts, login):
    contact = contacts[category]
    response = login(getattr(personas, name)).get(f"/contacts/{contact.pk}/")
    assert response.status_code == 200
    assert contact.note in response.content.decode()
    event = AuditEvent.objects.get(action="divert.casework.contact.viewed")
    assert (event.category, event.person_id, event.target_id) == (category, contact.person_id, str(contact.pk))


@pytest.mark.parametrize("name", NOT_SUD_SEATS)
@pytest.mark.parametrize("category", ["casework", "health", "sud"])
def test_other_seats_get_404_for_every_category(name, category, personas, contacts, login):
    client = login(getattr(personas, name))
    contact = contacts[category]
    assert client.get(f"/contacts/{contact.pk}/").status_code == 404
    assert client.get(f"/contacts/{contact.pk}/edit/").status_code == 404
    assert client.post(f"/contacts/{contact.pk}/edit/", edit_data(contact, note="changed")).status_code == 404
    contact.refresh_from_db()
    assert contact.note != "changed"
    assert not AuditEvent.objects.filter(action="divert.casework.contact.viewed").exists()


def test_a_casework_release_shows_casework_contacts_only(defender_dana, agencies, contacts, release, login):
    release(agencies.defender, ["status", "casework"])
    client = login(defender_dana)
    response = client.get(f"/contacts/{contacts['casework'].pk}/")
    assert response.status_code == 200
    assert Disclosure.objects.filter(recipient=defender_dana, categories=["casework"]).count() == 1
    assert client.get(f"/contacts/{contacts['health'].pk}/").status_code == 404
    assert client.get(f"/contacts/{contacts['sud'].pk}/").status_code == 404
    # Reading is not writing.
    assert client.get(f"/contacts/{contacts['casework'].pk}/edit/").status_code == 403
    assert client.post(f"/contacts/{contacts['casework'].pk}/edit/",
                       edit_data(contacts["casework"], note="x")).status_code == 403


def test_a_part2_consent_shows_the_sud_contact_with_the_redisclosure_notice(prosecutor_pat, agencies, contacts,
                                                                             release, login):
    release(agencies.prosecutor, ["status", "sud"], kind=ReleaseKind.PART2)
    response = login(prosecutor_pat).get(f"/contacts/{contacts['sud'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert SUD_CANARY in html and "42 CFR Part 2 notice" in html
    assert Disclosure.objects.get(recipient=prosecutor_pat).part2


def test_the_case_manager_edits_a_contact(case_manager_cam, contacts, login):
    contact = contacts["casework"]
    client = login(case_manager_cam)
    assert client.get(f"/contacts/{contact.pk}/edit/").status_code == 200
    response = client.post(f"/contacts/{contact.pk}/edit/", edit_data(contact, note="Housing form filed",
                                                                       note_category="health"))
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response.url == f"/people/{contact.person_id}/"
    contact.refresh_from_db()
    assert (contact.note, contact.note_category) == ("Housing form filed", "health")
    event = AuditEvent.objects.get(action="divert.casework.contact.edited")
    assert event.category == "health" and event.details["from_category"] == "casework"
    assert set(event.details["fields"]) == {"note", "note_category"}


def test_a_teammate_can_edit(supervisor_sue, contacts, login):
    contact = contacts["health"]
    response = login(supervisor_sue).post(f"/contacts/{contact.pk}/edit/", edit_data(contact, place="Clinic"))
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.place == "Clinic"


def test_a_stale_edit_is_refused(case_manager_cam, supervisor_sue, contacts, login):
    contact = contacts["casework"]
    opened = edit_data(contact, note="Cam's version")
    login(supervisor_sue).post(f"/contacts/{contact.pk}/edit/", edit_data(contact, note="Sue's version"))
    response = login(case_manager_cam).post(f"/contacts/{contact.pk}/edit/", opened)
    assert response.status_code == 409
    assert "changed by someone else since you opened it" in response.content.decode()
    contact.refresh_from_db()
    assert contact.note == "Sue's version"
    assert AuditEvent.objects.filter(action="divert.casework.contact.edited").count() == 1


@pytest.mark.parametrize("bad", [{"note_category": "legal"}, {"kind": ""}, {"version": "yesterday"},
                                 {"duration_minutes": "-5"}])
def test_a_bad_edit_is_refused(bad, case_manager_cam, contacts, login):
    contact = contacts["casework"]
    response = login(case_manager_cam).post(f"/contacts/{contact.pk}/edit/", edit_data(contact, note="new", **bad))
    assert response.status_code == 400
    assert Contact.objects.get(pk=contact.pk).note == contact.note


def test_health_notes_stay_with_the_team(manager_mo, contacts, login):
    response = login(manager_mo).get(f"/contacts/{contacts['health'].pk}/")
    assert response.status_code == 404 and HEALTH_CANARY not in response.content.decode()
