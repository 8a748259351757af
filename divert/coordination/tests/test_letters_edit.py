"""Editing, previewing and discarding a draft: the team only, every read audited, stale edits refused."""

import pytest
from django.urls import reverse

from divert.audit.models import AuditEvent
from divert.coordination.models import Letter
from divert.coordination.tests.conftest_letters import STRANGERS, TEAM
from divert.privacy.categories import Category

pytest_plugins = ["divert.coordination.tests.conftest_letters"]


def _form(letter, **changes) -> dict:
    data = {"version": letter.version, "addressee": letter.addressee, "engagement": letter.engagement,
            "progress": letter.progress, "barriers": letter.barriers, "outlook": letter.outlook,
            "treatment": letter.treatment}
    if letter.include_sud:
        data["include_sud"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_edit_saves_and_goes_to_the_preview(login, case_manager_cam, draft):
    client = login(case_manager_cam)
    page = client.get(reverse("letter_edit", args=[draft.pk]))
    assert page.status_code == 200 and "Get a state ID" in page.content.decode()
    response = client.post(reverse("letter_edit", args=[draft.pk]),
                           _form(draft, outlook="Keep working on housing; there is nothing further to share."))
    assert response.status_code == 302 and response["Location"] == reverse("letter", args=[draft.pk])
    letter = Letter.objects.get()
    assert letter.outlook == "Keep working on housing; there is nothing further to share." and letter.version == 2
    edited = AuditEvent.objects.get(action="divert.letter.edited")
    assert edited.details == {"fields": ["outlook"], "version": 2} and edited.category == Category.CASEWORK
    preview = client.get(reverse("letter", args=[draft.pk])).content.decode()
    assert "there is nothing further to share" in preview and "Draft" in preview
    assert AuditEvent.objects.filter(action="divert.letter.viewed", target_id=str(draft.pk)).count() == 2


def test_a_stale_edit_is_refused(login, case_manager_cam, supervisor_sue, draft):
    login(supervisor_sue).post(reverse("letter_edit", args=[draft.pk]), _form(draft, progress="Sue's words"))
    response = login(case_manager_cam).post(reverse("letter_edit", args=[draft.pk]), _form(draft, progress="Cam's"))
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert Letter.objects.get().progress == "Sue's words"


def test_bad_input_is_refused(login, case_manager_cam, draft):
    client = login(case_manager_cam)
    too_long = client.post(reverse("letter_edit", args=[draft.pk]), _form(draft, progress="x" * 4001))
    assert too_long.status_code == 400
    treatment = client.post(reverse("letter_edit", args=[draft.pk]), _form(draft, treatment="On methadone"))
    assert treatment.status_code == 400
    assert Letter.objects.get().version == 1


def test_turning_treatment_information_on_needs_a_part2_consent(login, case_manager_cam, court, draft, release):
    client = login(case_manager_cam)
    refused = client.post(reverse("letter_edit", args=[draft.pk]),
                          _form(draft, include_sud="on", treatment="Enrolled in MAT since January"))
    assert refused.status_code == 400 and "Part 2 consent" in refused.content.decode()
    assert not Letter.objects.get().include_sud
    release(court, [Category.SUD])
    assert client.post(reverse("letter_edit", args=[draft.pk]),
                       _form(draft, include_sud="on", treatment="Enrolled in MAT since January")).status_code == 302
    letter = Letter.objects.get()
    assert letter.include_sud and letter.treatment == "Enrolled in MAT since January"
    assert client.post(reverse("letter_edit", args=[draft.pk]),
                       _form(letter, include_sud=None, treatment="")).status_code == 302
    letter.refresh_from_db()
    assert not letter.include_sud and letter.treatment == ""


@pytest.mark.parametrize("name", TEAM)
def test_the_team_may_edit_and_preview(name, personas, login, draft):
    client = login(getattr(personas, name))
    assert client.get(reverse("letter", args=[draft.pk])).status_code == 200
    assert client.post(reverse("letter_edit", args=[draft.pk]), _form(draft, addressee="Clerk")).status_code == 302


@pytest.mark.parametrize("name", [*STRANGERS, "manager_mo"])
def test_others_do_not_find_a_draft(name, personas, login, draft):
    client = login(getattr(personas, name))
    for view in ("letter", "letter_edit", "letter_send"):
        assert client.get(reverse(view, args=[draft.pk])).status_code == 404
    assert client.post(reverse("letter_edit", args=[draft.pk]), _form(draft, addressee="x")).status_code == 404
    assert client.post(reverse("letter_discard", args=[draft.pk]), {"version": 1}).status_code == 404
    assert Letter.objects.get().addressee == "Judge Ramos"
    assert not AuditEvent.objects.filter(action="divert.letter.viewed").exists()


def test_a_draft_can_be_discarded(login, case_manager_cam, participant, draft):
    response = login(case_manager_cam).post(reverse("letter_discard", args=[draft.pk]), {"version": draft.version})
    assert response.status_code == 302 and response["Location"] == reverse("person", args=[participant.pk])
    assert not Letter.objects.exists()
    event = AuditEvent.objects.get(action="divert.letter.discarded")
    assert (event.person_id, event.target_id) == (participant.pk, str(draft.pk))


def test_a_stale_discard_is_refused(login, case_manager_cam, draft):
    client = login(case_manager_cam)
    client.post(reverse("letter_edit", args=[draft.pk]), _form(draft, addressee="Clerk of the court"))
    client.post(reverse("letter_discard", args=[draft.pk]), {"version": draft.version})
    assert Letter.objects.get().addressee == "Clerk of the court"


def test_a_discard_without_its_version_is_refused(login, case_manager_cam, draft):
    assert login(case_manager_cam).post(reverse("letter_discard", args=[draft.pk]), {}).status_code == 400
    assert Letter.objects.exists()


def test_the_preview_names_the_release_it_would_need(login, case_manager_cam, court_release, draft):
    from django.utils import timezone

    from divert.privacy.actions import do_revoke_release

    do_revoke_release(court_release, actor=case_manager_cam, scope="full", effective_on=timezone.localdate())
    page = login(case_manager_cam).get(reverse("letter", args=[draft.pk])).content.decode()
    assert "cannot go to Test Municipal Court" in page
    assert reverse("letter_send", args=[draft.pk]) not in page
