# ruff: noqa: F811 - the fixtures imported from linking_support are used as arguments
"""The review queue: who may decide which pairs, accept and reject, stale decisions and double submits, leaks."""

import pytest
from django.urls import reverse

from conftest import IDENTITY_CANARY
from divert.audit.models import AuditEvent
from divert.participants.models import Door, Enrollment, EnrollmentStatus, Person
from divert.records.models import CandidateStatus, LinkCandidate, LinkReview, LinkStatus
from divert.records.review import StaleDecision, do_accept
from divert.records.tests.linking_support import linked_rows, stage  # noqa: F401 - fixtures

ROW_CANARY = "Qwrowcanary"


@pytest.fixture
def other_person(agencies, personas):
    """Someone enrolled at another provider: the provider's team here may not know of them."""
    person = Person.objects.create(first_name="Otto", last_name="Elsewhere")
    Enrollment.objects.create(person=person, door=Door.SOCIAL_CONTACT, provider=agencies.other_provider,
                              case_manager=personas.outsider_oscar, status=EnrollmentStatus.ACTIVE,
                              referred_on="2026-01-05", enrolled_on="2026-01-07")
    return person


def pair(jail, person, n=1, rank=1, row=None, probability=0.8):
    row = row or stage(jail, n=n, last_name=ROW_CANARY, first_name="ALEX", date_of_birth="1980-07-04",
                       link_status=LinkStatus.REVIEW)
    return LinkCandidate.objects.create(staged_record=row, person=person, rank=rank, method="probabilistic",
                                        match_probability=probability, match_weight=2.0,
                                        explanation=[{"comparison": "name", "level": "Both names within a typo",
                                                      "weight": 6.1}])


def url(candidate):
    return reverse("records_review_pair", args=[candidate.pk])


def test_the_project_manager_sees_every_pair_side_by_side(jail, participant, other_person, login, manager_mo):
    mine, theirs = pair(jail, participant, n=1), pair(jail, other_person, n=2)
    client = login(manager_mo)
    listing = client.get(reverse("records_review")).content.decode()
    assert url(mine) in listing and url(theirs) in listing
    page = client.get(url(mine))
    assert page.status_code == 200
    html = page.content.decode()
    assert ROW_CANARY in html and IDENTITY_CANARY in html
    assert "Agrees" in html or "Differs" in html  # agreement said in words, not colour alone
    assert "Both names within a typo" in html
    assert AuditEvent.objects.filter(action="divert.records.link.viewed", person=participant).exists()


def test_accept_links_the_row_audits_keeps_the_label_and_raises_events(jail, participant, login, manager_mo,
                                                                      linked_rows):
    first = pair(jail, participant)
    second = pair(jail, Person.objects.create(first_name="Al", last_name="Other"), rank=2, row=first.staged_record)
    response = login(manager_mo).post(url(first), {"decision": "accept", "reason": "same SID on paper file"})
    assert response.status_code == 302
    row = first.staged_record
    row.refresh_from_db()
    assert (row.link_status, row.person) == (LinkStatus.LINKED, participant)
    second.refresh_from_db()
    assert second.status == CandidateStatus.WITHDRAWN
    label = LinkReview.objects.get(candidate=first)
    assert label.is_match and label.decided_by == manager_mo and label.reason == "same SID on paper file"
    event = AuditEvent.objects.get(action="divert.records.link.accepted")
    assert event.person == participant and event.actor == manager_mo
    assert [[r.pk for r in call] for call in linked_rows] == [[row.pk]]


def test_reject_moves_to_the_next_candidate_then_to_no_match(jail, participant, login, manager_mo, linked_rows):
    first = pair(jail, participant)
    second = pair(jail, Person.objects.create(first_name="Al", last_name="Other"), rank=2, row=first.staged_record)
    client = login(manager_mo)
    response = client.post(url(first), {"decision": "reject", "reason": "different person, older"})
    assert response["Location"] == url(second)
    row = first.staged_record
    row.refresh_from_db()
    assert row.link_status == LinkStatus.REVIEW
    client.post(url(second), {"decision": "reject"})
    row.refresh_from_db()
    assert (row.link_status, row.person) == (LinkStatus.NO_MATCH, None)
    assert LinkReview.objects.filter(decision="rejected").count() == 2
    assert AuditEvent.objects.filter(action="divert.records.link.rejected").count() == 2
    assert not linked_rows


def test_the_case_manager_reviews_pairs_of_their_person(jail, participant, login, case_manager_cam, linked_rows):
    candidate = pair(jail, participant)
    client = login(case_manager_cam)
    assert url(candidate) in client.get(reverse("records_review")).content.decode()
    assert ROW_CANARY in client.get(url(candidate)).content.decode()
    assert client.post(url(candidate), {"decision": "accept"}).status_code == 302
    assert LinkReview.objects.get().decided_by == case_manager_cam


def test_another_providers_person_is_404_and_never_shown(jail, participant, other_person, login, case_manager_cam,
                                                         supervisor_sue):
    theirs = pair(jail, other_person, n=2)
    for user in (case_manager_cam, supervisor_sue):
        client = login(user)
        assert client.get(url(theirs)).status_code == 404
        assert client.post(url(theirs), {"decision": "accept"}).status_code == 404
        listing = client.get(reverse("records_review")).content.decode()
        assert "Elsewhere" not in listing and url(theirs) not in listing
    theirs.refresh_from_db()
    assert theirs.status == CandidateStatus.OPEN


@pytest.mark.parametrize("persona", ["officer_olivia", "prosecutor_pat", "defender_dana", "evaluator_eve", "admin_ada"])
def test_other_seats_get_404(jail, participant, login, personas, persona):
    candidate = pair(jail, participant)
    client = login(getattr(personas, persona))
    assert client.get(reverse("records_review")).status_code == 404
    assert client.get(url(candidate)).status_code == 404
    assert client.post(url(candidate), {"decision": "accept"}).status_code == 404


def test_a_stale_decision_is_refused(jail, participant, login, manager_mo, supervisor_sue, linked_rows):
    candidate = pair(jail, participant)
    do_accept(candidate.pk, actor=supervisor_sue)
    response = login(manager_mo).post(url(candidate), {"decision": "reject", "reason": "no"})
    assert response.status_code == 409
    assert "Already decided" in response.content.decode()
    assert LinkReview.objects.count() == 1
    candidate.staged_record.refresh_from_db()
    assert candidate.staged_record.link_status == LinkStatus.LINKED


def test_a_double_submit_is_recorded_once(jail, participant, login, manager_mo, linked_rows):
    candidate = pair(jail, participant)
    client = login(manager_mo)
    client.post(url(candidate), {"decision": "accept"})
    second = client.post(url(candidate), {"decision": "accept"})
    assert second.status_code == 302
    assert LinkReview.objects.count() == 1 and len(linked_rows) == 1
    with pytest.raises(StaleDecision):
        do_accept(candidate.pk, actor=manager_mo)


def test_bad_input_is_refused(jail, participant, login, manager_mo):
    candidate = pair(jail, participant)
    assert login(manager_mo).post(url(candidate), {"decision": "maybe"}).status_code == 400
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.OPEN
