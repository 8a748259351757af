"""Sending: the final PDF is kept with its hash, the letter is marked sent and logged as a disclosure under the
release that allowed it, and from then on it never changes. Refused, with nothing sent, without a release."""

import hashlib

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from divert.audit.models import AuditEvent
from divert.coordination import actions_letters as actions
from divert.coordination.models import Letter, LetterLocked
from divert.coordination.tests.conftest_letters import REDISCLOSURE_PHRASE, STRANGERS, TEAM
from divert.lib.pdf import pdf_text
from divert.privacy.actions import do_revoke_release
from divert.privacy.categories import Category
from divert.privacy.models import Disclosure

pytest_plugins = ["divert.coordination.tests.conftest_letters"]


def _send(client, letter, **extra):
    return client.post(reverse("letter_send", args=[letter.pk]), {
        "version": letter.version, "sent_on": timezone.localdate().isoformat(), "method": "efiled", "confirm": "on",
        **extra})


def test_sending_keeps_the_pdf_and_logs_the_disclosure(login, case_manager_cam, participant, court, draft,
                                                      court_release, require_pdf):
    client = login(case_manager_cam)
    assert client.get(reverse("letter_send", args=[draft.pk])).status_code == 200
    response = _send(client, draft)
    assert response.status_code == 302 and response["Location"] == reverse("letter", args=[draft.pk])
    letter = Letter.objects.get()
    assert letter.is_sent and letter.method == "efiled" and letter.sent_by == case_manager_cam
    assert letter.release == court_release and letter.part2_release is None
    assert bytes(letter.pdf).startswith(b"%PDF-")
    assert letter.pdf_sha256 == hashlib.sha256(bytes(letter.pdf)).hexdigest()
    text = pdf_text(bytes(letter.pdf))
    assert "Alex Zyxcanary" in text and "Test Municipal Court" in text and "Judge Ramos" in text
    assert "Get a state ID" in text
    assert "42 CFR 2.32" not in text and REDISCLOSURE_PHRASE not in text  # no SUD: no Part 2 notice
    disclosure = Disclosure.objects.get()
    assert (disclosure.release, disclosure.person, disclosure.recipient_agency, disclosure.recipient) == (
        court_release, participant, court, None)
    assert disclosure.categories == [Category.STATUS, Category.PARTNER_SUMMARY] and not disclosure.part2
    sent = AuditEvent.objects.get(action="divert.letter.sent")
    assert sent.consent_id == court_release.pk and sent.details["sha256"] == letter.pdf_sha256
    assert sent.details["method"] == "efiled" and sent.category == Category.CASEWORK
    assert AuditEvent.objects.filter(action="divert.disclosure.made", consent_id=court_release.pk).count() == 2


def test_the_download_is_the_pdf_as_sent(login, case_manager_cam, sent_letter):
    response = login(case_manager_cam).get(reverse("letter_pdf", args=[sent_letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response.content == bytes(sent_letter.pdf)
    event = AuditEvent.objects.get(action="divert.letter.downloaded")
    assert (event.person_id, event.target_id) == (sent_letter.person_id, str(sent_letter.pk))


def test_a_sud_letter_carries_the_part2_notice_and_is_logged_as_part2(login, case_manager_cam, participant, court,
                                                                      casefile, court_release, release, require_pdf):
    part2 = release(court, [Category.SUD])
    letter = actions.do_draft_letter(participant, actor=case_manager_cam, recipient=court, include_sud=True,
                                     goals=[casefile["treatment"]])
    assert _send(login(case_manager_cam), letter).status_code == 302
    letter.refresh_from_db()
    text = " ".join(pdf_text(bytes(letter.pdf)).split())
    assert "42 CFR 2.32" in text and REDISCLOSURE_PHRASE in text
    assert f"#{part2.pk}" in text  # the scope of the consent goes with the disclosure
    assert (letter.release, letter.part2_release) == (court_release, part2)
    general, sud = Disclosure.objects.order_by("id")
    assert (general.release, general.categories, general.part2) == (court_release, ["status", "partner_summary"],
                                                                    False)
    assert (sud.release, sud.categories, sud.part2) == (part2, ["sud"], True)


def test_one_part2_consent_covering_everything_is_one_disclosure(login, case_manager_cam, participant, probation,
                                                                 casefile, release, require_pdf):
    consent = release(probation, [Category.STATUS, Category.PARTNER_SUMMARY, Category.SUD])
    letter = actions.do_draft_letter(participant, actor=case_manager_cam, recipient=probation, include_sud=True)
    assert _send(login(case_manager_cam), letter).status_code == 302
    disclosure = Disclosure.objects.get()
    assert disclosure.release == consent and disclosure.part2 and disclosure.recipient_agency == probation


def test_refused_when_the_release_was_revoked_nothing_is_sent(login, case_manager_cam, draft, court_release):
    do_revoke_release(court_release, actor=case_manager_cam, scope="full", effective_on=timezone.localdate(),
                      reason="The participant asked")
    client = login(case_manager_cam)
    page = client.get(reverse("letter_send", args=[draft.pk])).content.decode()
    assert "cannot go to Test Municipal Court" in page
    response = _send(client, draft)
    assert response.status_code == 409
    assert "release of information in effect that names Test Municipal Court" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_sent and not draft.pdf and not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(action="divert.letter.sent").exists()
    assert AuditEvent.objects.get(action="divert.letter.send_refused").details["during"] == "send"


def test_refused_when_the_part2_consent_no_longer_covers_sud(login, case_manager_cam, participant, court, casefile,
                                                             court_release, release):
    part2 = release(court, [Category.SUD])
    letter = actions.do_draft_letter(participant, actor=case_manager_cam, recipient=court, include_sud=True)
    do_revoke_release(part2, actor=case_manager_cam, scope="full", effective_on=timezone.localdate(), reason="Asked")
    assert _send(login(case_manager_cam), letter).status_code == 409
    assert not Disclosure.objects.exists() and not Letter.objects.get().is_sent


@pytest.mark.parametrize("bad", [{"confirm": ""}, {"method": "carrier pigeon"}, {"sent_on": "2999-01-01"}])
def test_bad_input_is_refused(bad, login, case_manager_cam, draft, court_release):
    assert _send(login(case_manager_cam), draft, **bad).status_code == 400
    assert not Letter.objects.get().is_sent and not Disclosure.objects.exists()


def test_a_stale_send_is_refused(login, case_manager_cam, draft):
    actions.do_edit_letter(draft, actor=case_manager_cam, version=draft.version, outlook="Changed meanwhile")
    response = _send(login(case_manager_cam), draft)  # the version the sender saw
    assert response.status_code == 409 and not Letter.objects.get().is_sent


@pytest.mark.parametrize("name", TEAM)
def test_the_team_may_send(name, personas, login, draft, require_pdf):
    assert _send(login(getattr(personas, name)), draft).status_code == 302
    assert Letter.objects.get().sent_by == getattr(personas, name)


@pytest.mark.parametrize("name", STRANGERS)
def test_others_do_not_find_a_letter(name, personas, login, sent_letter):
    client = login(getattr(personas, name))
    for view in ("letter", "letter_edit", "letter_send", "letter_pdf"):
        assert client.get(reverse(view, args=[sent_letter.pk])).status_code == 404, view


def test_the_project_manager_may_know_it_was_sent_but_not_read_it(login, manager_mo, sent_letter, draft):
    client = login(manager_mo)
    for view in ("letter", "letter_edit", "letter_send", "letter_pdf"):
        assert client.get(reverse(view, args=[sent_letter.pk])).status_code == 403, view
    assert not AuditEvent.objects.filter(action__in=["divert.letter.viewed", "divert.letter.downloaded"]).exists()


def test_the_project_manager_does_not_learn_of_drafts(login, manager_mo, draft):
    assert login(manager_mo).get(reverse("letter", args=[draft.pk])).status_code == 404


def test_a_sent_letter_never_changes(login, case_manager_cam, sent_letter):
    client = login(case_manager_cam)
    assert client.get(reverse("letter_edit", args=[sent_letter.pk])).status_code == 302
    response = client.post(reverse("letter_edit", args=[sent_letter.pk]), {
        "version": sent_letter.version, "engagement": "Rewritten"})
    assert response.status_code == 302
    assert client.post(reverse("letter_discard", args=[sent_letter.pk]),
                       {"version": sent_letter.version}).status_code == 403
    assert _send(client, sent_letter).status_code == 302
    letter = Letter.objects.get()
    assert letter.engagement != "Rewritten" and bytes(letter.pdf) == bytes(sent_letter.pdf)
    assert Disclosure.objects.count() == 1
    letter.engagement = "Rewritten"
    with pytest.raises(LetterLocked):
        letter.save()
    with pytest.raises(LetterLocked):
        letter.delete()
    assert Letter.objects.update(engagement="Rewritten") == 0


def test_a_tampered_pdf_is_not_served(login, case_manager_cam, sent_letter):
    # The model refuses any change to a sent letter: go around it, as a tampering database user would.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE coordination_letter SET pdf_sha256 = %s WHERE id = %s", ["0" * 64, sent_letter.pk])
    client = login(case_manager_cam)
    client.raise_request_exception = False
    assert client.get(reverse("letter_pdf", args=[sent_letter.pk])).status_code == 500
    assert not AuditEvent.objects.filter(action="divert.letter.downloaded").exists()


def test_a_draft_has_no_pdf(login, case_manager_cam, draft):
    assert login(case_manager_cam).get(reverse("letter_pdf", args=[draft.pk])).status_code == 404
