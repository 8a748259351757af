"""The review queue: who may decide which pairs, and the decisions (accept links the row, reject keeps it apart).

The project manager reviews every pair. The case-management team (case manager, supervisor, outreach) reviews
the pairs whose candidate person the privacy policy lets them see, and only then sees the staged row's identity
beside them. Everyone else gets 404, as for a person they may not know of. Each decision is audited and kept as a
LinkReview, which is also a label for the next training.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from divert.accounts.roles import Role
from divert.audit.log import log_event
from divert.privacy.policy import CASE_TEAM_ROLES, visible_persons
from divert.records.models import (
    CandidateStatus,
    LinkCandidate,
    LinkReview,
    LinkStatus,
    ReviewDecision,
    StagedRecord,
)

REVIEW_ROLES = (Role.PROJECT_MANAGER, *CASE_TEAM_ROLES)


def reviewable_candidates(user) -> QuerySet[LinkCandidate]:
    """Every pair this user may see (decided or not); 404 for a seat that reviews nothing."""
    seat = getattr(user, "seat", None) if user.is_authenticated else None
    if seat is None or seat.role not in REVIEW_ROLES:
        raise Http404("No review queue")
    pairs = LinkCandidate.objects.select_related("staged_record", "staged_record__profile", "person",
                                                 "model_version")
    if seat.role == Role.PROJECT_MANAGER:
        return pairs
    return pairs.filter(person__in=visible_persons(user).values("pk"))


def open_candidates(user) -> QuerySet[LinkCandidate]:
    return reviewable_candidates(user).filter(status=CandidateStatus.OPEN,
                                              staged_record__link_status=LinkStatus.REVIEW)


def get_candidate_for_user(user, candidate_id: int) -> LinkCandidate:
    candidate = reviewable_candidates(user).filter(pk=candidate_id).first()
    if candidate is None:
        raise Http404("No such pair")
    return candidate


class StaleDecision(Exception):
    """The pair was decided (or settled otherwise) since the reviewer opened it."""

    def __init__(self, candidate: LinkCandidate, same_decision: bool):
        super().__init__("already decided")
        self.candidate = candidate
        self.same_decision = same_decision  # the reviewer's own double submit, not someone else's decision


@dataclass
class Outcome:
    candidate: LinkCandidate
    review: LinkReview
    next_candidate: LinkCandidate | None = None  # after a rejection: the row's next open candidate, if any
    events: int = 0


def _lock(candidate_id: int, actor, decision: str) -> tuple[LinkCandidate, StagedRecord]:
    candidate = LinkCandidate.objects.select_for_update().select_related("person").get(pk=candidate_id)
    row = StagedRecord.objects.select_for_update().get(pk=candidate.staged_record_id)
    if candidate.status != CandidateStatus.OPEN or row.link_status != LinkStatus.REVIEW or row.superseded:
        own = LinkReview.objects.filter(candidate=candidate, decided_by=actor, decision=decision).exists()
        raise StaleDecision(candidate, own)
    return candidate, row


def do_accept(candidate_id: int, *, actor, reason: str = "", request=None) -> Outcome:
    """The row is this person: link it, close the row's other pairs, keep the label, raise events and alerts."""
    from divert.records import events

    with transaction.atomic():
        candidate, row = _lock(candidate_id, actor, ReviewDecision.ACCEPTED)
        person = candidate.person.survivor()
        row.person, row.link_status = person, LinkStatus.LINKED
        row.save(update_fields=["person", "link_status"])
        candidate.status = CandidateStatus.ACCEPTED
        candidate.save(update_fields=["status"])
        LinkCandidate.objects.filter(staged_record=row, status=CandidateStatus.OPEN).update(
            status=CandidateStatus.WITHDRAWN)
        review = LinkReview.objects.create(candidate=candidate, staged_record=row, person=candidate.person,
                                           decision=ReviewDecision.ACCEPTED, reason=reason, decided_by=actor,
                                           decided_at=timezone.now(),
                                           match_probability=candidate.match_probability)
        log_event("divert.records.link.accepted", request=request, actor=actor, person=person, target=row,
                  details=_details(candidate, reason))
        written = events.on_linked([row]) or 0
    return Outcome(candidate, review, events=written)


def do_reject(candidate_id: int, *, actor, reason: str = "", request=None) -> Outcome:
    """The row is not this person: keep the label; the row waits on its next candidate, or has no match."""
    with transaction.atomic():
        candidate, row = _lock(candidate_id, actor, ReviewDecision.REJECTED)
        candidate.status = CandidateStatus.REJECTED
        candidate.save(update_fields=["status"])
        review = LinkReview.objects.create(candidate=candidate, staged_record=row, person=candidate.person,
                                           decision=ReviewDecision.REJECTED, reason=reason, decided_by=actor,
                                           decided_at=timezone.now(),
                                           match_probability=candidate.match_probability)
        following = LinkCandidate.objects.filter(staged_record=row, status=CandidateStatus.OPEN).order_by(
            "rank", "id").first()
        if following is None:
            row.link_status = LinkStatus.NO_MATCH
            row.save(update_fields=["link_status"])
        log_event("divert.records.link.rejected", request=request, actor=actor, person=candidate.person,
                  target=row, details={**_details(candidate, reason), "row_now": row.link_status})
    return Outcome(candidate, review, next_candidate=following)


def _details(candidate: LinkCandidate, reason: str) -> dict:
    return {"candidate": candidate.pk, "staged_record": candidate.staged_record_id, "rank": candidate.rank,
            "method": candidate.method, "match_probability": candidate.match_probability,
            "model_version": candidate.model_version.version if candidate.model_version else None,
            "reason": reason[:500]}
