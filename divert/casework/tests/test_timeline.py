"""One page per person: the timeline shows every event the viewer may see, and nothing else."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import SUD_CANARY
from divert.audit.models import AuditEvent
from divert.casework import timeline as timeline_module
from divert.casework.tests.conftest_contacts import CASEWORK_CANARY, HEALTH_CANARY, NOT_SUD_SEATS, SUMMARY_TEXT
from divert.casework.timeline import TimelineItem, register_timeline_source, timeline_for
from divert.participants.actions import do_change_status
from divert.privacy.models import ReleaseKind
from divert.privacy.policy import Category

pytest_plugins = ["divert.casework.tests.conftest_contacts"]


@pytest.fixture
def history(participant, contacts, summary, sud_task, case_manager_cam):
    enrollment = participant.enrollments.get()
    do_change_status(enrollment, "in_the_wind", actor=case_manager_cam, reason="Not seen for three weeks")
    return participant


def kinds(items):
    return {(item.kind, item.category) for item in items}


def test_the_assigned_case_manager_sees_everything(case_manager_cam, history):
    items = timeline_for(case_manager_cam, history)
    assert {"contact", "status"} <= {i.kind for i in items}
    assert {i.category for i in items if i.kind == "contact"} == {"casework", "health", "sud"}
    assert [i.at for i in items] == sorted((i.at for i in items), reverse=True)


def test_a_colleague_not_assigned_sees_status_only(case_manager_casey, history):
    items = timeline_for(case_manager_casey, history)
    assert items and {i.category for i in items} == {"status"}


def test_the_project_manager_sees_no_casework(manager_mo, history):
    items = timeline_for(manager_mo, history)
    assert items and {i.category for i in items} <= {"referral", "status", "legal"}


@pytest.mark.parametrize("name", ["officer_olivia", "prosecutor_pat", "defender_dana", "evaluator_eve",
                                  "outsider_oscar", "admin_ada"])
def test_partners_without_a_release_see_nothing(name, personas, history):
    assert timeline_for(getattr(personas, name), history) == []


def test_a_status_release_shows_status_events_only(defender_dana, agencies, history, release):
    release(agencies.defender, ["status"])
    items = timeline_for(defender_dana, history)
    assert items and {i.category for i in items} == {"status"}
    assert ("consent", "status") in kinds(items)


def test_a_part2_consent_is_shown_only_to_those_it_names(defender_dana, case_manager_casey, agencies, history,
                                                          release):
    release(agencies.prosecutor, ["status", "sud"], kind=ReleaseKind.PART2)
    release(agencies.defender, ["status"])
    dana = [i.title for i in timeline_for(defender_dana, history) if i.kind == "consent"]
    assert dana and not any("Part 2" in t for t in dana)
    assert not any("Part 2" in i.title for i in timeline_for(case_manager_casey, history))


def test_registered_sources_are_filtered_by_category(case_manager_casey, case_manager_cam, history, monkeypatch):
    monkeypatch.setattr(timeline_module, "_SOURCES", [])

    @register_timeline_source
    def careless(user, person, may):
        # A source that forgets to ask: the timeline asks for it.
        return [TimelineItem(timezone.now() - timedelta(hours=1), "goal", "Goal: housing", category=Category.CASEWORK),
                TimelineItem(timezone.now() - timedelta(hours=2), "court", "Court date", category=Category.LEGAL)]

    register_timeline_source(careless)
    assert len(timeline_module._SOURCES) == 1
    assert {i.kind for i in timeline_for(case_manager_casey, history)} & {"goal", "court"} == set()
    assert {"goal", "court"} <= {i.kind for i in timeline_for(case_manager_cam, history)}


def test_referral_events_appear_for_those_who_may_see_the_referral(case_manager_cam, manager_mo, agencies,
                                                                    participant, personas):
    from divert.protocol.actions import load_example
    from divert.referrals.models import Referral, ReferralEvent

    protocol = load_example("three_door", approved_on=timezone.localdate() - timedelta(days=30), record="test")
    referral = Referral.objects.create(
        door="social", protocol=protocol, status="enrolled", first_name="Alex", last_name="Zyxcanary",
        eligibility="eligible", approver_role="", provider=agencies.provider, person=participant,
        referred_by=personas.officer_olivia, referring_agency=agencies.police)
    ReferralEvent.objects.create(referral=referral, kind="created", actor=personas.officer_olivia)
    ReferralEvent.objects.create(referral=referral, kind="intake_completed", actor=case_manager_cam)
    for user in (case_manager_cam, manager_mo):
        titles = [i.title for i in timeline_for(user, participant) if i.category == "referral"]
        assert any("Intake completed" in t for t in titles) and any("Referred" in t for t in titles)
    # The referring officer may read the referral, but not this person's record.
    assert timeline_for(personas.officer_olivia, participant) == []


# --- The person page ---------------------------------------------------------------------------------------

def test_the_person_page_shows_the_timeline_to_the_team_and_audits_the_read(case_manager_cam, history, login):
    html = login(case_manager_cam).get(f"/people/{history.pk}/").content.decode()
    for text in (CASEWORK_CANARY, HEALTH_CANARY, SUD_CANARY, SUMMARY_TEXT, "Log a contact"):
        assert text in html
    categories = set(AuditEvent.objects.filter(action="divert.casework.timeline.viewed", person=history)
                     .values_list("category", flat=True))
    assert categories == {"casework", "health", "sud"}


@pytest.mark.parametrize("name", NOT_SUD_SEATS)
def test_the_sud_canary_never_reaches_the_person_page_of_other_seats(name, personas, history, login):
    response = login(getattr(personas, name)).get(f"/people/{history.pk}/")
    # Without a release only the project manager and the provider's colleague may know the person at all.
    assert response.status_code == (200 if name in ("manager_mo", "case_manager_casey") else 404)
    html = response.content.decode()
    assert SUD_CANARY not in html and HEALTH_CANARY not in html and CASEWORK_CANARY not in html
    assert "Log a contact" not in html
    assert not AuditEvent.objects.filter(action="divert.casework.timeline.viewed",
                                         category__in=["sud", "health", "casework"]).exists()


def test_a_colleague_sees_status_but_no_summary(case_manager_casey, history, login):
    html = login(case_manager_casey).get(f"/people/{history.pk}/").content.decode()
    assert "Status:" in html and SUMMARY_TEXT not in html


def test_a_partner_summary_release_shows_the_summary_and_logs_the_disclosure(prosecutor_pat, agencies, history,
                                                                               release, login):
    from divert.privacy.models import Disclosure

    release(agencies.prosecutor, ["status", "partner_summary"])
    html = login(prosecutor_pat).get(f"/people/{history.pk}/").content.decode()
    assert SUMMARY_TEXT in html and SUD_CANARY not in html and CASEWORK_CANARY not in html
    shown = [c for d in Disclosure.objects.filter(recipient=prosecutor_pat) for c in d.categories]
    assert "partner_summary" in shown and "sud" not in shown
