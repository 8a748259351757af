import pytest

from conftest import SUD_CANARY
from divert.audit.models import AuditEvent
from divert.casework.tests.conftest_assessment import CASEWORK_CANARY, HEALTH_CANARY, LEGAL_CANARY
from divert.privacy.models import Disclosure, ReleaseKind
from divert.privacy.policy import Category

pytest_plugins = ["divert.casework.tests.conftest_assessment"]

PARTNERS = ["officer_olivia", "sergeant_sam", "prosecutor_pat", "defender_dana"]


def url(assessment):
    return f"/assessments/{assessment.pk}/"


@pytest.mark.parametrize("name", ["case_manager_cam", "supervisor_sue", "outreach_omar"])
def test_the_team_reads_every_answer_grouped_by_section(name, personas, assessment, login):
    page = login(getattr(personas, name)).get(url(assessment))
    assert page.status_code == 200
    html = page.content.decode()
    for canary in (CASEWORK_CANARY, HEALTH_CANARY, SUD_CANARY, LEGAL_CANARY):
        assert canary in html
    assert html.index("Housing") < html.index("Substance use") < html.index("Legal obligations")
    assert "Prefer not to say" in html and "Emergency shelter" in html


def test_reads_are_audited_per_category(case_manager_cam, assessment, login):
    login(case_manager_cam).get(url(assessment))
    events = AuditEvent.objects.filter(action="divert.casework.assessment.viewed")
    assert set(events.values_list("category", flat=True)) == {Category.CASEWORK, Category.HEALTH, Category.SUD,
                                                              Category.LEGAL}
    assert all(e.person_id == assessment.person_id and e.actor == case_manager_cam for e in events)
    # The team reads under its seat: nothing is a disclosure.
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("name", ["case_manager_casey", "manager_mo", *PARTNERS, "evaluator_eve", "admin_ada",
                                  "outsider_oscar"])
def test_seats_that_may_not_see_casework_get_404_and_no_canary(name, personas, assessment, login):
    client = login(getattr(personas, name))
    page = client.get(url(assessment))
    assert page.status_code == 404
    assert SUD_CANARY.encode() not in page.content
    person_page = client.get(f"/people/{assessment.person_id}/")
    assert SUD_CANARY.encode() not in person_page.content
    assert not AuditEvent.objects.filter(action="divert.casework.assessment.viewed").exists()


def test_a_partner_under_a_casework_release_sees_only_casework_answers(defender_dana, assessment, login,
                                                                      casework_release):
    release = casework_release()
    page = login(defender_dana).get(url(assessment))
    assert page.status_code == 200
    html = page.content.decode()
    assert CASEWORK_CANARY in html
    for canary in (HEALTH_CANARY, SUD_CANARY, LEGAL_CANARY):
        assert canary not in html
    # Absent, not blanked: neither the questions nor their sections appear.
    assert "Substance use" not in html and "Physical health" not in html and "Legal obligations" not in html
    assert "Record a reassessment" not in html
    disclosure = Disclosure.objects.get()
    assert disclosure.release == release and disclosure.categories == [Category.CASEWORK]
    assert not disclosure.part2
    assert list(AuditEvent.objects.filter(action="divert.casework.assessment.viewed")
                .values_list("category", flat=True)) == [Category.CASEWORK]


def test_a_general_release_naming_sud_still_does_not_open_sud(defender_dana, assessment, login, casework_release):
    casework_release(categories=[Category.CASEWORK, Category.SUD])
    html = login(defender_dana).get(url(assessment)).content.decode()
    assert CASEWORK_CANARY in html and SUD_CANARY not in html


def test_a_part2_consent_opens_sud_with_the_redisclosure_notice(defender_dana, assessment, login, casework_release):
    casework_release(categories=[Category.CASEWORK, Category.SUD], kind=ReleaseKind.PART2)
    html = login(defender_dana).get(url(assessment)).content.decode()
    assert SUD_CANARY in html and "42 CFR Part 2" in html and HEALTH_CANARY not in html
    assert Disclosure.objects.get().part2


def test_unknown_assessment_is_404(case_manager_cam, participant, login):
    assert login(case_manager_cam).get("/assessments/424242/").status_code == 404


def test_the_person_page_summary_shows_the_latest_assessment(case_manager_cam, assessment, login):
    page = login(case_manager_cam).get(f"/people/{assessment.person_id}/")
    assert page.status_code == 200
    assert f"/assessments/{assessment.pk}/".encode() in page.content
    assert AuditEvent.objects.filter(action="divert.casework.summary.viewed", category=Category.CASEWORK).exists()


def test_a_partner_with_nothing_to_read_gets_no_section_and_no_log(defender_dana, participant, login,
                                                                   casework_release):
    casework_release()
    page = login(defender_dana).get(f"/people/{participant.pk}/")
    assert page.status_code == 200 and b"assessment-summary-heading" not in page.content
    assert not AuditEvent.objects.filter(action="divert.casework.summary.viewed").exists()
