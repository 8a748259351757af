"""Coordination models: the Policy Coordinating Group (PCG).

The PCG is the program's governing table: senior people from the partner agencies, one vote per member agency
however many people it sends, decisions by consensus. It approves protocol versions, adopts the program's
policy documents and keeps the city or county resolution and the memorandum of understanding.

The PCG works on policy, never on people: nothing here names or describes a participant.

Records of what happened are immutable: a decision once recorded, a document version once adopted, a meeting
once its minutes are approved. A correction is a new decision.
"""

import uuid
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

__all__ = [
    "DOCUMENT_MAX_BYTES", "Agreement", "AgreementParty", "AgreementSignatory", "Outcome", "PCGAttendance",
    "PCGDecision", "PCGMeeting", "PCGMember", "PCGPosition", "PCGRecordLocked", "PCGRepresentative", "PCGRules",
    "PolicyDocument", "PolicyDocumentVersion", "QuorumRule", "Stance", "outcome_of", "quorum_needed",
    "validate_document_file",
]

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


class PCGRecordLocked(Exception):
    """Raised when something tries to change a record of the policy group that is final."""


# --- Quorum and consensus -------------------------------------------------------------------------------------

class QuorumRule(models.TextChoices):
    MAJORITY = "majority", _("More than half of the member agencies")
    TWO_THIRDS = "two_thirds", _("At least two thirds of the member agencies")
    ALL = "all", _("Every member agency")


def quorum_needed(rule: str, members: int) -> int:
    """How many member agencies must be represented for the group to decide. Never below one."""
    if rule == QuorumRule.ALL:
        needed = members
    elif rule == QuorumRule.TWO_THIRDS:
        needed = -(-2 * members // 3)
    else:
        needed = members // 2 + 1
    return max(needed, 1)


class Stance(models.TextChoices):
    AGREE = "agree", _("Agree")
    STAND_ASIDE = "stand_aside", _("Stand aside")
    BLOCK = "block", _("Block")


class Outcome(models.TextChoices):
    CONSENSUS = "consensus", _("Consensus reached")
    BLOCKED = "blocked", _("Blocked: no consensus")
    NO_SUPPORT = "no_support", _("No consensus: no member agency agreed")
    NO_QUORUM = "no_quorum", _("No quorum: no decision")


def outcome_of(stances: Iterable[str], *, quorum: int) -> Outcome:
    """The outcome of one decision from the positions of the represented agencies (one each).

    Consensus: quorum is met, no agency blocks, and at least one agrees (standing aside lets a decision pass
    without supporting it; a decision nobody supports is not one).
    """
    stances = list(stances)
    if not stances or len(stances) < quorum:
        return Outcome.NO_QUORUM
    if Stance.BLOCK in stances:
        return Outcome.BLOCKED
    if Stance.AGREE not in stances:
        return Outcome.NO_SUPPORT
    return Outcome.CONSENSUS


class PCGRules(models.Model):
    """The group's standing rules that Divert applies (one row). The MOU usually sets them."""

    quorum = models.CharField(_("quorum"), max_length=20, choices=QuorumRule.choices, default=QuorumRule.MAJORITY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("policy group rules")
        verbose_name_plural = _("policy group rules")

    def __str__(self) -> str:
        return str(self.get_quorum_display())

    @classmethod
    def current(cls) -> "PCGRules":
        return cls.objects.filter(pk=1).first() or cls(pk=1)


# --- Members --------------------------------------------------------------------------------------------------

class PCGMemberQuerySet(models.QuerySet):
    def on(self, day: date):
        """Members on a day: joined by then and not yet left."""
        return self.filter(joined_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))

    def current(self):
        return self.on(timezone.localdate())


class PCGMember(models.Model):
    """A member agency for a period. One vote, whoever it sends; a rejoining agency gets a new row."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="pcg_memberships",
                               verbose_name=_("agency"))
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True,
                            help_text=_("For example \"co-chair\" or \"joined when the resolution passed\"."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PCGMemberQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "-joined_on"]
        constraints = [
            models.UniqueConstraint(fields=["agency"], condition=Q(left_on__isnull=True),
                                    name="pcg_one_open_membership_per_agency",
                                    violation_error_message=_("This agency is already a member.")),
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                                   name="pcg_member_leaves_after_joining",
                                   violation_error_message=_("An agency cannot leave before it joined.")),
        ]

    def __str__(self) -> str:
        return str(self.agency)

    def clean(self) -> None:
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("An agency cannot leave before it joined.")})

    def is_member_on(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on > day)

    @property
    def is_current(self) -> bool:
        return self.is_member_on(timezone.localdate())


class PCGRepresentative(models.Model):
    """Who speaks for a member agency. Often an elected official or agency head without a Divert account."""

    class Kind(models.TextChoices):
        REPRESENTATIVE = "representative", _("Representative")
        ALTERNATE = "alternate", _("Alternate")

    member = models.ForeignKey(PCGMember, on_delete=models.CASCADE, related_name="representatives")
    kind = models.CharField(_("seat at the table"), max_length=20, choices=Kind.choices, default=Kind.REPRESENTATIVE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("Divert account"))
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["member", "name"], name="pcg_representative_once")]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


# --- Meetings, attendance, decisions -------------------------------------------------------------------------

class PCGMeeting(models.Model):
    held_on = models.DateField(_("date"), unique=True)
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("One item a line."))
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_approved_on = models.DateField(_("minutes approved on"), null=True, blank=True, editable=False)
    minutes_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                            on_delete=models.PROTECT, related_name="+")
    submission_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return _("Policy group meeting of %(date)s") % {"date": self.held_on.isoformat()}

    def save(self, *args, **kwargs):
        if self.pk and PCGMeeting.objects.filter(pk=self.pk, minutes_approved_on__isnull=False).exists():
            raise PCGRecordLocked(f"the minutes of the meeting of {self.held_on} are approved and cannot change")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("pcg_meeting", args=[self.pk])

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]

    @property
    def minutes_approved(self) -> bool:
        return self.minutes_approved_on is not None

    def has_happened(self, today: date | None = None) -> bool:
        return self.held_on <= (today or timezone.localdate())


class PCGAttendance(models.Model):
    """A member agency was represented at a meeting (one row per agency, however many people came)."""

    meeting = models.ForeignKey(PCGMeeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(PCGMember, on_delete=models.PROTECT, related_name="+")
    attendees = models.CharField(_("who came"), max_length=300, blank=True)

    class Meta:
        ordering = ["member__agency__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="pcg_attendance_once")]

    def __str__(self) -> str:
        return f"{self.member} at {self.meeting}"


class PCGDecision(models.Model):
    """One decision of one meeting. Its outcome is computed from the positions, never entered."""

    meeting = models.ForeignKey(PCGMeeting, on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveSmallIntegerField(_("item"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("what is decided"))
    # The rule in force when it was taken: membership and rules may change later, the record does not.
    member_count = models.PositiveSmallIntegerField(editable=False)
    quorum_rule = models.CharField(max_length=20, choices=QuorumRule.choices, editable=False)
    quorum = models.PositiveSmallIntegerField(editable=False)
    protocol = models.ForeignKey("protocol.DiversionProtocol", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="pcg_decisions", verbose_name=_("approves protocol version"))
    protocol_effective_on = models.DateField(_("protocol takes effect on"), null=True, blank=True)
    submission_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-meeting__held_on", "-number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="pcg_decision_number_once")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def save(self, *args, **kwargs):
        if self.pk and PCGDecision.objects.filter(pk=self.pk).exists():
            raise PCGRecordLocked("a recorded decision cannot change; record a new decision instead")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("pcg_decision", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise PCGRecordLocked("a recorded decision cannot be deleted")

    @property
    def reference(self) -> str:
        return f"PCG {self.meeting.held_on.isoformat()} #{self.number}"

    @cached_property
    def outcome(self) -> Outcome:
        return outcome_of([p.stance for p in self.positions.all()], quorum=self.quorum)

    @property
    def reached_consensus(self) -> bool:
        return self.outcome == Outcome.CONSENSUS


class PCGPosition(models.Model):
    decision = models.ForeignKey(PCGDecision, on_delete=models.CASCADE, related_name="positions")
    member = models.ForeignKey(PCGMember, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(_("position"), max_length=20, choices=Stance.choices)
    note = models.TextField(_("note or reason"), blank=True, max_length=1000)

    class Meta:
        ordering = ["member__agency__name"]
        constraints = [models.UniqueConstraint(fields=["decision", "member"], name="pcg_one_position_per_agency")]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_stance_display()}"

    def clean(self) -> None:
        if self.stance == Stance.BLOCK and not self.note.strip():
            raise ValidationError({"note": _("A block needs its reason.")})


# --- Policy documents -----------------------------------------------------------------------------------------

def validate_document_file(upload) -> None:
    """A PDF (by its first bytes, whatever its name says) of at most 10 MB."""
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(_("A document file may be at most 10 MB."), code="too_large")
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(_("A document file must be a PDF."), code="bad_type")


def _document_path(instance, filename: str) -> str:
    return f"pcg/{uuid.uuid4().hex}.pdf"


class PolicyDocument(models.Model):
    class Kind(models.TextChoices):
        DATA_SHARING = "data_sharing", _("Data-sharing policy")
        ELIGIBILITY = "eligibility", _("Eligibility and referral policy")
        PROTOCOL_NARRATIVE = "protocol_narrative", _("Protocol narrative")
        COMMUNITY_ENGAGEMENT = "community_engagement", _("Community engagement plan")
        CRISIS_COMMUNICATIONS = "crisis_communications", _("Crisis-communications agreement")
        EVALUATION = "evaluation", _("Evaluation plan")
        AGREEMENT = "agreement", _("Text of an agreement")
        OTHER = "other", _("Other policy")

    title = models.CharField(_("title"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("what it covers"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pcg_document", args=[self.pk])

    @cached_property
    def current(self) -> "PolicyDocumentVersion | None":
        return self.versions.select_related("adopted_by__meeting").first()


class PolicyDocumentVersion(models.Model):
    """One adopted version: its text, a PDF, or both. Older versions stay and are listed."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"), editable=False)
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("PDF file"), upload_to=_document_path, blank=True, validators=[validate_document_file])
    file_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    summary = models.CharField(_("what changed"), max_length=300, blank=True)
    adopted_by = models.ForeignKey(PCGDecision, on_delete=models.PROTECT, related_name="document_versions",
                                   verbose_name=_("adopted by decision"))
    submission_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="pcg_document_version_once")]

    def __str__(self) -> str:
        return f"{self.document} (version {self.number})"

    def save(self, *args, **kwargs):
        if self.pk and PolicyDocumentVersion.objects.filter(pk=self.pk).exists():
            raise PCGRecordLocked("an adopted document version cannot change; adopt a new version instead")
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not self.text.strip() and not self.file:
            raise ValidationError(_("Give the text, a PDF file, or both."))

    @property
    def adopted_on(self) -> date:
        return self.adopted_by.meeting.held_on


# --- The resolution, the MOU and other agreements -------------------------------------------------------------

class Agreement(models.Model):
    class Kind(models.TextChoices):
        RESOLUTION = "resolution", _("City or county resolution")
        MOU = "mou", _("Memorandum of understanding")
        DATA_SHARING = "data_sharing", _("Data-sharing agreement")
        OTHER = "other", _("Other agreement")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, unique=True)
    effective_on = models.DateField(_("effective from"))
    renewal_on = models.DateField(_("renewal or review due"), null=True, blank=True,
                                  help_text=_("Leave empty if it runs without a term. Reminders go out 90, 30 and 7 "
                                              "days before, and on the day."))
    term = models.CharField(_("term"), max_length=200, blank=True,
                            help_text=_("For example \"three years, renewable by the policy group\"."))
    notes = models.TextField(_("notes"), blank=True)
    document = models.OneToOneField(PolicyDocument, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="agreement", editable=False)
    submission_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(renewal_on__isnull=True) | Q(renewal_on__gt=models.F("effective_on")),
                                   name="pcg_agreement_renews_after_effect",
                                   violation_error_message=_("The renewal date must come after the effective date.")),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pcg_agreement", args=[self.pk])

    def clean(self) -> None:
        if self.renewal_on and self.effective_on and self.renewal_on <= self.effective_on:
            raise ValidationError({"renewal_on": _("The renewal date must come after the effective date.")})

    def days_to_renewal(self, today: date | None = None) -> int | None:
        if self.renewal_on is None:
            return None
        return (self.renewal_on - (today or timezone.localdate())).days


class AgreementParty(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("agency"))
    commitments = models.TextField(_("what it commits to"), blank=True)

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["agreement", "agency"], name="pcg_party_once")]

    def __str__(self) -> str:
        return str(self.agency)


class AgreementSignatory(models.Model):
    """Who signed for a party (the decision maker, who often has no Divert account)."""

    party = models.ForeignKey(AgreementParty, on_delete=models.CASCADE, related_name="signatories")
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)

    class Meta:
        ordering = ["party__agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["party", "name"], name="pcg_signatory_once")]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}"
