import re
import uuid

import pytest
from django.utils import timezone

from divert.audit.models import AuditEvent
from divert.casework.models import Answer, Assessment
from divert.privacy.policy import Category

pytest_plugins = ["divert.casework.tests.conftest_assessment"]

REQUIRED = {"q_race_ethnicity": ["black", "hispanic_latino"], "q_housing": "unsheltered",
            "q_income_sources": ["ssi"], "q_employment": "informal"}


def url(person):
    return f"/people/{person.pk}/assessments/new/"


def post(client, person, **data):
    form = {"kind": "intake", "assessed_on": timezone.localdate().isoformat(), "submission_key": str(uuid.uuid4()),
            **REQUIRED}
    form.update(data)
    return client.post(url(person), {k: v for k, v in form.items() if v is not None})


def test_the_assigned_case_manager_records_an_intake(case_manager_cam, participant, instrument, login):
    client = login(case_manager_cam)
    page = client.get(url(participant))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Race and ethnicity" in html and "Substance use" in html and 'value="prefer_not_to_say"' in html
    response = post(client, participant, q_sud_notes="Uses fentanyl daily", q_children_under_18="2",
                    q_veteran="no")
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response.url == f"/assessments/{assessment.pk}/"
    assert assessment.kind == "intake" and assessment.instrument == instrument
    assert assessment.enrollment == participant.enrollments.get()
    values = {a.question.key: a.value for a in assessment.answers.select_related("question")}
    assert values["race_ethnicity"] == ["black", "hispanic_latino"]
    assert values["children_under_18"] == 2 and values["veteran"] == "no"
    assert values["sud_notes"] == "Uses fentanyl daily"
    # Each answer carries its question's data category.
    assert Answer.objects.get(question__key="sud_notes").category == Category.SUD
    event = AuditEvent.objects.get(action="divert.casework.assessment.recorded")
    assert event.actor == case_manager_cam and event.person == participant


@pytest.mark.parametrize("name", ["supervisor_sue", "outreach_omar"])
def test_teammates_can_record(name, personas, participant, instrument, login):
    assert post(login(getattr(personas, name)), participant).status_code == 302
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize("name", ["case_manager_casey", "manager_mo", "officer_olivia", "sergeant_sam",
                                  "prosecutor_pat", "defender_dana", "evaluator_eve", "admin_ada", "outsider_oscar"])
def test_seats_that_may_not_see_casework_get_404(name, personas, participant, instrument, login):
    client = login(getattr(personas, name))
    assert client.get(url(participant)).status_code == 404
    assert post(client, participant).status_code == 404
    assert not Assessment.objects.exists()


def test_a_partner_reading_casework_under_a_release_gets_403(defender_dana, participant, instrument, login,
                                                              casework_release):
    casework_release()
    client = login(defender_dana)
    assert client.get(url(participant)).status_code == 403
    assert post(client, participant).status_code == 403
    assert not Assessment.objects.exists()


def test_required_questions_are_enforced(case_manager_cam, participant, instrument, login):
    response = post(login(case_manager_cam), participant, q_housing=None)
    assert response.status_code == 400
    assert not Assessment.objects.exists() and not Answer.objects.exists()


@pytest.mark.parametrize("bad", [
    {"q_housing": "palace"},
    {"q_race_ethnicity": ["white", "prefer_not_to_say"]},
    {"q_children_under_18": "many"},
    {"q_children_under_18": "-1"},
    {"q_veteran": "maybe"},
    {"assessed_on": "2999-01-01"},
    {"kind": "verdict"},
])
def test_bad_values_are_refused(bad, case_manager_cam, participant, instrument, login):
    response = post(login(case_manager_cam), participant, **bad)
    assert response.status_code == 400
    assert not Assessment.objects.exists() and not Answer.objects.exists()


def test_a_second_intake_is_refused_but_a_reassessment_is_recorded(case_manager_cam, participant, instrument,
                                                                   login):
    client = login(case_manager_cam)
    assert post(client, participant).status_code == 302
    assert re.search(r'value="reassessment" selected', client.get(url(participant)).content.decode())
    assert post(client, participant).status_code == 400
    assert post(client, participant, kind="reassessment", q_housing="shelter").status_code == 302
    assert list(Assessment.objects.order_by("id").values_list("kind", flat=True)) == ["intake", "reassessment"]


def test_a_double_submission_records_once(case_manager_cam, participant, instrument, login):
    client = login(case_manager_cam)
    key = str(uuid.uuid4())
    first = post(client, participant, submission_key=key)
    second = post(client, participant, submission_key=key)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Assessment.objects.count() == 1


def test_without_a_published_instrument_the_page_says_so(case_manager_cam, participant, login):
    from divert.casework.models import Instrument
    Instrument.objects.update(state="draft")  # the migration installs and publishes the default one
    page = login(case_manager_cam).get(url(participant))
    assert page.status_code == 200 and b"No assessment instrument is published" in page.content
