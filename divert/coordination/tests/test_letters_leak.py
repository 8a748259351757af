"""The leak test: substance-use and health information in the case file never reaches a letter, its pages or its
PDF, unless the case manager typed it into a section of a letter with treatment information, under a Part 2
consent naming the recipient, and then the PDF carries the 42 CFR 2.32 notice."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import SUD_CANARY
from divert.coordination import actions_letters as actions
from divert.coordination.tests.conftest_letters import (
    HEALTH_GOAL_CANARY,
    LEGAL_GOAL_CANARY,
    REDISCLOSURE_PHRASE,
    STRANGERS,
    TREATMENT_GOAL_CANARY,
)
from divert.lib.pdf import pdf_text
from divert.privacy.categories import Category

pytest_plugins = ["divert.coordination.tests.conftest_letters"]

CANARIES = (SUD_CANARY, HEALTH_GOAL_CANARY, TREATMENT_GOAL_CANARY, LEGAL_GOAL_CANARY)


def _every_goal_a_letter_accepts(casefile, include_sud: bool):
    return [g for key, g in casefile.items()
            if key in ("housing", "documents", "jobs") or (include_sud and key == "treatment")]


def _pages(client, letter) -> str:
    return "".join(client.get(reverse(view, args=[letter.pk])).content.decode()
                   for view in ("letter", "letter_edit", "letter_send"))


def test_nothing_health_or_substance_use_reaches_a_letter_without_treatment_information(
        login, case_manager_cam, participant, court, casefile, court_release, require_pdf):
    client = login(case_manager_cam)
    letter = actions.do_draft_letter(participant, actor=case_manager_cam, recipient=court,
                                     goals=_every_goal_a_letter_accepts(casefile, include_sud=False))
    pages = _pages(client, letter) + client.get(reverse("letter_new", args=[participant.pk])).content.decode()
    for canary in (SUD_CANARY, HEALTH_GOAL_CANARY, LEGAL_GOAL_CANARY):
        assert canary not in pages
    sent = actions.do_send_letter(letter, actor=case_manager_cam, sent_on=timezone.localdate(), method="handed",
                                  version=letter.version)
    text = pdf_text(bytes(sent.pdf))
    for canary in CANARIES:
        assert canary not in text
    assert REDISCLOSURE_PHRASE not in " ".join(text.split())
    assert SUD_CANARY not in _pages(client, sent)
    assert SUD_CANARY not in client.get(reverse("letter_pdf", args=[sent.pk])).content.decode("latin-1")


def test_a_letter_with_treatment_information_carries_only_what_the_case_manager_put_in(
        login, case_manager_cam, participant, court, casefile, court_release, release, require_pdf):
    release(court, [Category.SUD])
    letter = actions.do_draft_letter(participant, actor=case_manager_cam, recipient=court, include_sud=True,
                                     goals=_every_goal_a_letter_accepts(casefile, include_sud=True))
    # Pre-filled from the treatment goal she chose, never from contact or health notes.
    assert SUD_CANARY not in letter.treatment + letter.progress + letter.barriers + letter.outlook
    letter = actions.do_edit_letter(letter, actor=case_manager_cam, version=letter.version,
                                    treatment=f"Enrolled in medication treatment since January ({SUD_CANARY}).")
    sent = actions.do_send_letter(letter, actor=case_manager_cam, sent_on=timezone.localdate(), method="mailed",
                                  version=letter.version)
    text = " ".join(pdf_text(bytes(sent.pdf)).split())
    assert SUD_CANARY in text and REDISCLOSURE_PHRASE in text and "42 CFR 2.32" in text
    assert HEALTH_GOAL_CANARY not in text and LEGAL_GOAL_CANARY not in text


@pytest.mark.parametrize("name", [*STRANGERS, "manager_mo"])
def test_no_other_seat_sees_a_letter_on_the_person_page(name, personas, login, participant, case_manager_cam, court,
                                                        casefile, court_release, release, require_pdf):
    release(court, [Category.SUD])
    letter = actions.do_draft_letter(participant, actor=case_manager_cam, recipient=court, include_sud=True)
    actions.do_edit_letter(letter, actor=case_manager_cam, version=letter.version,
                           treatment=f"On MAT {SUD_CANARY}", progress="Progress words CANARY-LETTER-b1")
    letter.refresh_from_db()
    actions.do_send_letter(letter, actor=case_manager_cam, sent_on=timezone.localdate(), method="mailed",
                           version=letter.version)
    response = login(getattr(personas, name)).get(reverse("person", args=[participant.pk]))
    body = response.content.decode()
    assert SUD_CANARY not in body and "CANARY-LETTER-b1" not in body
    assert "Includes treatment information" not in body  # that a letter carried Part 2 information is Part 2
