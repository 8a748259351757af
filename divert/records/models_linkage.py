"""Models of record linkage: saved model versions, the review band's candidate pairs, and review decisions.

The trained model itself is a JSON file (divert.records.linkage.store); a LinkageModelVersion row says who trained
it, on what, with which thresholds, and whether it is the one linking now. A staged row whose best score falls in
the review band gets a LinkCandidate per person it may belong to (best first); a human's accept or reject is a
LinkReview, kept as a label for the next training.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["CandidateStatus", "LinkCandidate", "LinkReview", "LinkageModelVersion", "ReviewDecision"]


class LinkageModelVersion(models.Model):
    """One saved linkage model: its file, thresholds and training counts. At most one is active."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    file_path = models.CharField(_("file"), max_length=500)
    auto_link_threshold = models.FloatField(_("links on its own from"))
    review_threshold = models.FloatField(_("goes to review from"))
    trained_persons = models.PositiveIntegerField(_("persons trained on"), default=0)
    trained_records = models.PositiveIntegerField(_("staged rows trained on"), default=0)
    trained_labels = models.PositiveIntegerField(_("review decisions trained on"), default=0)
    trained_at = models.DateTimeField(_("trained at"), default=timezone.now)
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("trained by"))
    active = models.BooleanField(_("links now"), default=False)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["active"], condition=Q(active=True),
                                               name="linkage_model_one_active")]

    def __str__(self) -> str:
        return f"linkage model v{self.version}"


class CandidateStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    # The row was settled otherwise: another candidate accepted, or a correction replaced the row.
    WITHDRAWN = "withdrawn", _("No longer in question")


class LinkCandidate(models.Model):
    """A person a staged row in the review band may belong to, with the score and why."""

    staged_record = models.ForeignKey("records.StagedRecord", on_delete=models.CASCADE,
                                      related_name="link_candidates")
    person = models.ForeignKey("participants.Person", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(default=1)  # 1 is the best-scoring candidate of the row
    method = models.CharField(max_length=24)  # probabilistic, identifier-conflict
    match_probability = models.FloatField(null=True, blank=True)
    match_weight = models.FloatField(null=True, blank=True)
    identifiers = models.CharField(max_length=100, blank=True)  # the identifiers that agreed
    # Per comparison: {"comparison", "level", "weight"} (log2 Bayes factor, term frequencies included).
    explanation = models.JSONField(default=list, blank=True)
    model_version = models.ForeignKey(LinkageModelVersion, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    status = models.CharField(max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["staged_record", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["staged_record", "person"],
                                               name="link_candidate_record_person_unique")]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"candidate {self.person_id} for staged row {self.staged_record_id}"


class ReviewDecision(models.TextChoices):
    ACCEPTED = "accepted", _("Same person: linked")
    REJECTED = "rejected", _("Not the same person")


class LinkReview(models.Model):
    """A reviewer's decision on one candidate pair; also a training label (accepted = a true match)."""

    candidate = models.OneToOneField(LinkCandidate, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="review")
    staged_record = models.ForeignKey("records.StagedRecord", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("participants.Person", on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewDecision.choices)
    reason = models.TextField(_("reason"), blank=True)
    match_probability = models.FloatField(null=True, blank=True)  # the score the reviewer saw
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.decision}: person {self.person_id} for staged row {self.staged_record_id}"

    @property
    def is_match(self) -> bool:
        return self.decision == ReviewDecision.ACCEPTED
