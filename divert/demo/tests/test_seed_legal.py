"""The demo's legal matters and coordination requests: every state present, dates that make sense, the release rule
for recommendations kept, and the same seed giving the same site."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from divert.coordination.models import (
    Charge,
    CoordinationEvent,
    CoordinationRequest,
    CourtDate,
    LegalMatter,
)
from divert.demo.seed import seed_site
from divert.demo.seed_legal import seed_legal
from divert.privacy.policy import Category, can_see

TODAY = timezone.localdate()


def _clear():
    for model in (CoordinationEvent, CoordinationRequest, CourtDate, Charge, LegalMatter):
        model.objects.all().delete()


@pytest.fixture
def site(db):
    seed_site(150, seed=5, today=timezone.localdate(), justice_feeds=False)
    _clear()  # seed_site seeds legal matters too; these tests run the seeder on its own


def _snapshot():
    return (list(LegalMatter.objects.order_by("id").values_list("person_id", "kind", "case_number", "incident_on",
                                                                "status", "disposition")),
            list(CoordinationRequest.objects.order_by("id").values_list("matter__case_number", "status",
                                                                        "answer_kind", "decision", "review_by")))


def test_a_believable_year(site):
    written = seed_legal(random.Random(11), None, TODAY)
    matters = LegalMatter.objects.all()
    total = (matters.count() + Charge.objects.count() + CourtDate.objects.count()
             + CoordinationRequest.objects.count() + CoordinationEvent.objects.count())
    assert written == total > 0
    assert set(matters.values_list("kind", flat=True)) == {"pre_existing", "warrant", "new_arrest", "new_charge"}
    assert matters.filter(status="closed").exclude(disposition="").exists()
    assert matters.filter(source="feed").exists() and matters.filter(source="manual").exists()
    assert all(m.charges.exists() for m in matters[:50])
    year_ago = TODAY - timedelta(days=366)
    for m in matters:
        assert year_ago <= timezone.localdate(m.created_at) <= TODAY
        if m.incident_on and m.filed_on:
            assert m.incident_on <= m.filed_on <= TODAY
        if m.disposed_on:
            assert m.disposed_on <= TODAY and m.status == "closed"
    assert any(m.filed_later for m in matters)
    requests = CoordinationRequest.objects.all()
    assert {"awaiting_answer", "answered", "decided"} <= set(requests.values_list("status", flat=True))
    assert set(requests.exclude(decision="").values_list("decision", flat=True)) == {"hold", "decline", "divert",
                                                                                     "file"}
    assert requests.filter(answer_kind="recommendation").exists()
    assert requests.filter(answer_kind="nothing_to_share").exists()
    assert requests.filter(opened_by__isnull=True).exists()  # opened automatically from a feed
    for req in requests.select_related("opened_by", "person", "matter"):
        assert req.matter.person_id == req.person_id
        if req.answered_at:
            assert req.opened_at <= req.answered_at
        if req.decided_at:
            assert req.answered_at <= req.decided_at <= timezone.now()
        if req.decision == "hold":
            assert req.review_by is not None
        if req.answer_kind == "recommendation" and req.opened_by is not None:
            # The rule the pages enforce: the office could read it under a release.
            assert can_see(req.opened_by, req.person, Category.PARTNER_SUMMARY).consent is not None
        assert req.events.filter(kind="opened").exists()


def test_the_same_seed_gives_the_same_year(site):
    seed_legal(random.Random(3), None, TODAY)
    first = _snapshot()
    _clear()
    seed_legal(random.Random(3), None, TODAY)
    assert _snapshot()[0] == first[0] and _snapshot()[1] == first[1]
