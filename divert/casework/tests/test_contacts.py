"""Logging a contact from a phone: /people/<id>/contacts/new/."""

import uuid
from html.parser import HTMLParser

import pytest

from divert.audit.models import AuditEvent
from divert.casework.models import Contact

pytest_plugins = ["divert.casework.tests.conftest_contacts"]


def url(person):
    return f"/people/{person.pk}/contacts/new/"


class FormDefaults(HTMLParser):
    """What the browser would send if the user touched nothing: every named control with its initial value."""

    def __init__(self):
        super().__init__()
        self.data, self.controls, self._textarea = {}, set(), None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if not name or name == "csrfmiddlewaretoken":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                self.controls.add(name)
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
            else:
                if kind != "hidden":
                    self.controls.add(name)
                self.data[name] = a.get("value", "")
        elif tag == "textarea":
            self.controls.add(name)
            self._textarea = name
            self.data[name] = ""
        elif tag == "select":
            self.controls.add(name)

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def defaults(client, person) -> FormDefaults:
    parser = FormDefaults()
    parser.feed(client.get(url(person)).content.decode())
    return parser


def test_the_assigned_case_manager_logs_a_field_contact_in_few_inputs(case_manager_cam, participant, login):
    client = login(case_manager_cam)
    page = client.get(url(participant))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="btn-check"' in html and 'data-pick="15"' in html and "contact-draft.js" in html
    form = defaults(client, participant)
    # A typical field contact: kind (already "field"), minutes, place, who was present, the note. Substantive and
    # the note's category (casework) are already right, and "when" is now.
    touched = {"duration_minutes": "15", "place": "3rd and Main", "present": "Just Alex",
               "note": "Checked in; wants help with an ID."}
    assert len(touched) <= 6
    assert form.data["kind"] == "field" and form.data["note_category"] == "casework"
    assert form.data["substantive"] == "on" and form.data["occurred_at"]
    response = client.post(url(participant), {**form.data, **touched})
    assert response.status_code == 302
    assert response.url.startswith(f"/people/{participant.pk}/?contact_saved=")
    contact = Contact.objects.get()
    assert (contact.kind, contact.substantive, contact.duration_minutes, contact.place) == (
        "field", True, 15, "3rd and Main")
    assert contact.recorded_by == case_manager_cam and contact.enrollment == participant.enrollments.get()
    assert str(contact.submission_key) == form.data["submission_key"]
    event = AuditEvent.objects.get(action="divert.casework.contact.recorded")
    assert event.person_id == participant.pk and event.category == "casework"
    assert "Checked in" not in str(event.details)
    # The person page tells the browser to forget the draft it kept for this form.
    landing = client.get(response.url)
    assert f'data-contact-saved="{contact.submission_key}"' in landing.content.decode()


def test_the_form_counts_its_inputs(case_manager_cam, participant, login):
    form = defaults(login(case_manager_cam), participant)
    assert form.controls == {"kind", "substantive", "duration_minutes", "place", "present", "note",
                             "note_category", "occurred_at"}


@pytest.mark.parametrize("name", ["supervisor_sue", "outreach_omar"])
def test_teammates_at_the_provider_can(name, personas, participant, login):
    client = login(getattr(personas, name))
    form = defaults(client, participant)
    response = client.post(url(participant), {**form.data, "kind": "phone", "note": "Called back"})
    assert response.status_code == 302
    assert Contact.objects.get().recorded_by == getattr(personas, name)


@pytest.mark.parametrize("name", ["outsider_oscar", "case_manager_casey", "officer_olivia", "prosecutor_pat",
                                  "defender_dana", "manager_mo", "evaluator_eve", "admin_ada"])
def test_seats_that_may_not_see_casework_get_404(name, personas, participant, login):
    client = login(getattr(personas, name))
    assert client.get(url(participant)).status_code == 404
    response = client.post(url(participant), {"kind": "field", "note_category": "casework", "substantive": "on",
                                              "occurred_at": "2026-01-10T10:00", "submission_key": str(uuid.uuid4())})
    assert response.status_code == 404
    assert not Contact.objects.exists()


def test_a_partner_reading_casework_under_a_release_may_not_write(defender_dana, agencies, participant, release,
                                                                 login):
    release(agencies.defender, ["status", "casework"])
    client = login(defender_dana)
    assert client.get(url(participant)).status_code == 403
    response = client.post(url(participant), {"kind": "field", "note_category": "casework", "substantive": "on",
                                              "occurred_at": "2026-01-10T10:00", "submission_key": str(uuid.uuid4())})
    assert response.status_code == 403
    assert not Contact.objects.exists()


@pytest.mark.parametrize("bad", [
    {"kind": "carrier_pigeon"},
    {"note_category": "legal"},
    {"duration_minutes": "0"},
    {"duration_minutes": "100000"},
    {"occurred_at": "not a time"},
    {"occurred_at": "2999-01-01T10:00"},
    {"submission_key": "not-a-uuid"},
])
def test_bad_input_is_refused_and_nothing_saved(bad, case_manager_cam, participant, login):
    client = login(case_manager_cam)
    form = defaults(client, participant)
    response = client.post(url(participant), {**form.data, "note": "x", **bad})
    assert response.status_code == 400
    assert not Contact.objects.exists()
    assert not AuditEvent.objects.filter(action="divert.casework.contact.recorded").exists()


def test_a_double_submit_records_one_contact(case_manager_cam, participant, login):
    client = login(case_manager_cam)
    data = {**defaults(client, participant).data, "note": "Met at the shelter"}
    first = client.post(url(participant), data)
    second = client.post(url(participant), data)
    assert first.status_code == second.status_code == 302
    assert Contact.objects.count() == 1
    assert AuditEvent.objects.filter(action="divert.casework.contact.recorded").count() == 1
    messages = [str(m) for m in second.wsgi_request._messages]
    assert "This contact was already saved." in messages


def test_a_draft_restored_after_a_lost_answer_keeps_its_key(case_manager_cam, participant, login):
    """The browser's draft keeps the submission key, so re-sending after a lost response finds the first save."""
    client = login(case_manager_cam)
    data = {**defaults(client, participant).data, "note": "Lost signal under the bridge"}
    client.post(url(participant), data)  # saved, but the phone never saw the answer
    fresh = defaults(client, participant).data  # the reload: a new key, which the draft script replaces
    assert fresh["submission_key"] != data["submission_key"]
    client.post(url(participant), {**fresh, "submission_key": data["submission_key"], "note": data["note"]})
    assert Contact.objects.count() == 1


def test_a_key_cannot_be_replayed_for_another_person(case_manager_cam, participant, login, agencies):
    from divert.participants.models import Door, Enrollment, Person

    other = Person.objects.create(first_name="Blake", last_name="Other")
    Enrollment.objects.create(person=other, door="community", provider=agencies.provider,
                              case_manager=case_manager_cam, status="active", referred_on="2026-01-05")
    assert Door.COMMUNITY == "community"
    client = login(case_manager_cam)
    data = defaults(client, participant).data
    client.post(url(participant), data)
    response = client.post(url(other), data)
    assert response.status_code == 400
    assert Contact.objects.count() == 1
