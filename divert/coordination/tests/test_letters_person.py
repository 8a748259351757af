"""The person page's letters section: the team sees its letters, the project manager only that letters were sent."""

import pytest
from django.urls import reverse
from django.utils import timezone

from divert.audit.models import AuditEvent
from divert.coordination import actions_letters as actions
from divert.coordination.tests.conftest_letters import STRANGERS, TEAM
from divert.privacy.categories import Category

pytest_plugins = ["divert.coordination.tests.conftest_letters"]

SECTION = "Letters to courts and probation"


@pytest.fixture
def letters(participant, case_manager_cam, court, casefile, court_release, require_pdf):
    sent = actions.do_draft_letter(participant, actor=case_manager_cam, recipient=court, addressee="Judge Ramos")
    sent = actions.do_send_letter(sent, actor=case_manager_cam, sent_on=timezone.localdate(), method="mailed",
                                  version=sent.version)
    draft = actions.do_draft_letter(participant, actor=case_manager_cam, recipient=court)
    return sent, draft


@pytest.mark.parametrize("name", TEAM)
def test_the_team_sees_drafts_and_sent_letters_with_links(name, personas, login, participant, letters):
    sent, draft = letters
    body = login(getattr(personas, name)).get(reverse("person", args=[participant.pk])).content.decode()
    assert SECTION in body
    assert reverse("letter", args=[sent.pk]) in body and reverse("letter", args=[draft.pk]) in body
    assert reverse("letter_new", args=[participant.pk]) in body
    listed = AuditEvent.objects.get(action="divert.letter.listed")
    assert (listed.person_id, listed.category, listed.details) == (participant.pk, Category.CASEWORK, {"count": 2})


def test_the_project_manager_sees_that_a_letter_was_sent_not_what_it_says(login, manager_mo, participant, letters):
    sent, draft = letters
    body = login(manager_mo).get(reverse("person", args=[participant.pk])).content.decode()
    assert SECTION in body and "To Test Municipal Court" in body and "mailed" in body
    assert body.count("To Test Municipal Court") == 1  # the draft is the team's business
    assert reverse("letter", args=[sent.pk]) not in body and reverse("letter_new", args=[participant.pk]) not in body
    assert "Judge Ramos" not in body and sent.engagement not in body
    assert AuditEvent.objects.get(action="divert.letter.listed").category == Category.STATUS


@pytest.mark.parametrize("name", STRANGERS)
def test_no_one_else_sees_the_section(name, personas, login, participant, letters):
    body = login(getattr(personas, name)).get(reverse("person", args=[participant.pk])).content.decode()
    assert SECTION not in body
    assert not AuditEvent.objects.filter(action="divert.letter.listed").exists()


def test_nothing_is_logged_when_there_are_no_letters(login, case_manager_cam, participant):
    body = login(case_manager_cam).get(reverse("person", args=[participant.pk])).content.decode()
    assert "No letters to a court or probation yet." in body
    assert not AuditEvent.objects.filter(action="divert.letter.listed").exists()
