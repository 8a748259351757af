"""The demo's court and probation releases and letters."""

import random
from datetime import date

import pytest
from django.utils import timezone

from divert.accounts.models import Agency
from divert.accounts.roles import AgencyKind
from divert.coordination.models import Letter
from divert.demo.seed import seed_site
from divert.demo.seed_letters import DRAFT_LETTERS, SENT_LETTERS, seed_letters
from divert.lib.pdf import pdf_text
from divert.privacy.models import Disclosure, ReleaseOfInformation


@pytest.fixture
def site(db):
    seed_site(150, seed=5, today=timezone.localdate(), justice_feeds=False)


def test_seed_makes_court_releases_sent_letters_and_drafts(site, require_pdf, capsys):
    # seed_site called seed_letters.
    court = Agency.objects.get(kind=AgencyKind.COURT)
    court_releases = ReleaseOfInformation.objects.filter(recipients__agency=court)
    assert court_releases.filter(kind="general").exists() and court_releases.filter(kind="part2").exists()
    assert all(r.purposes == ["court_reporting"] for r in court_releases)
    sent = list(Letter.objects.sent())
    assert len(sent) == SENT_LETTERS and Letter.objects.drafts().count() == DRAFT_LETTERS
    for letter in sent:
        assert letter.pdf_intact() and letter.release is not None
        assert letter.recipient.kind in (AgencyKind.COURT, AgencyKind.PROBATION)
        assert letter.person.full_name in pdf_text(bytes(letter.pdf))
        assert Disclosure.objects.filter(person=letter.person, recipient_agency=letter.recipient,
                                         release=letter.release).exists()
        if letter.include_sud:
            assert Disclosure.objects.filter(person=letter.person, recipient_agency=letter.recipient,
                                             part2=True).exists()
    assert Letter.objects.filter(written_by__username="casemanager").exists()
    assert capsys.readouterr().out == ""


def _snapshot():
    return (list(Letter.objects.order_by("id").values_list("person_id", "recipient_id", "include_sud", "sent_on",
                                                           "addressee", "progress")),
            list(ReleaseOfInformation.objects.filter(recipients__agency__kind__in=["court", "probation"])
                 .order_by("id").values_list("person_id", "kind", "starts_on")))


def _unseed():
    # Sent letters and disclosures are append-only: wiped here as a demo reset does, below the model.
    for model in (Letter, Disclosure):
        rows = model._base_manager.all()
        rows._raw_delete(rows.db)
    ReleaseOfInformation.objects.filter(recipients__agency__kind__in=["court", "probation"]).delete()


def test_seed_is_deterministic(site, require_pdf):
    _unseed()  # what seed_site wrote
    seed_letters(random.Random(9), None, timezone.localdate())
    first = _snapshot()
    _unseed()
    seed_letters(random.Random(9), None, timezone.localdate())
    assert first[0] and first[1] and _snapshot() == first


def test_nothing_without_a_court_or_probation_agency(db):
    assert seed_letters(random.Random(1), None, date(2026, 3, 1)) == 0
