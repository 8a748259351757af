"""A Person (who someone is) is kept apart from an Enrollment (their participation)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PHOTO_MAX_BYTES = 2 * 1024 * 1024
# Magic bytes, so a photo is what it says it is whatever its name (Pillow is not a dependency).
PHOTO_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def photo_content_type(head: bytes) -> str | None:
    for signature, content_type in PHOTO_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def validate_photo(upload) -> None:
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("A photo may be at most 2 MB."), code="too_large")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if photo_content_type(head) is None:
        raise ValidationError(_("A photo must be a JPEG or PNG image."), code="not_an_image")


def _photo_path(instance, filename: str) -> str:
    # A random name: the file name must not carry who is in the picture.
    return f"photos/{uuid.uuid4().hex}"


class Person(models.Model):
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    approximate_age = models.PositiveSmallIntegerField(
        _("approximate age"), null=True, blank=True, help_text=_("When the date of birth is not known.")
    )
    description = models.TextField(_("description"), blank=True)
    photo = models.FileField(_("photo"), upload_to=_photo_path, blank=True, validators=[validate_photo],
                             help_text=_("Optional. JPEG or PNG, at most 2 MB."))
    # A person found to be the same as another stays as a tombstone pointing at the survivor.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_from", verbose_name=_("merged into"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["last_name", "first_name"]), models.Index(fields=["date_of_birth"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.middle_name, self.last_name) if part)

    @property
    def is_tombstone(self) -> bool:
        return self.merged_into_id is not None

    def survivor(self) -> "Person":
        """The person this record now lives on: itself, or the end of its chain of merges."""
        person, seen = self, set()
        while person.merged_into_id is not None and person.pk not in seen:
            seen.add(person.pk)
            person = person.merged_into
        return person


class Alias(models.Model):
    class Kind(models.TextChoices):
        AKA = "aka", _("Also known as")
        STREET = "street", _("Street name")
        PREVIOUS = "previous", _("Previous legal name")
        SPELLING = "spelling", _("Other spelling")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.AKA)

    class Meta:
        verbose_name_plural = _("aliases")

    def __str__(self) -> str:
        return self.name


class Identifier(models.Model):
    class Kind(models.TextChoices):
        STATE_ID = "state_id", _("State ID")
        FBI = "fbi", _("FBI number")
        JAIL_ID = "jail_id", _("Jail person id")
        BOOKING = "booking", _("Booking number")
        DRIVER_LICENSE = "driver_license", _("Driver's license")
        HMIS = "hmis", _("HMIS client id")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=64)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="identifier_kind_value_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class Door(models.TextChoices):
    ARREST_DIVERSION = "arrest", _("Arrest diversion")
    SOCIAL_CONTACT = "social", _("Social contact")
    COMMUNITY = "community", _("Community referral")


class EnrollmentStatus(models.TextChoices):
    # There is no failed or non-compliant status: people cannot fail out of the program.
    PENDING_INTAKE = "pending_intake", _("Pending intake")
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    IN_THE_WIND = "in_the_wind", _("In the wind")
    EXITED = "exited", _("Exited")


OPEN_STATUSES = [
    EnrollmentStatus.PENDING_INTAKE, EnrollmentStatus.ACTIVE, EnrollmentStatus.INACTIVE, EnrollmentStatus.IN_THE_WIND,
]
# An enrollment opens as pending intake, or directly as active when intake happens on the spot.
OPENING_STATUSES = [EnrollmentStatus.PENDING_INTAKE, EnrollmentStatus.ACTIVE]

# Engagement is expected to fluctuate; people come and go between these without ever failing out.
# Exiting needs a reason; re-engagement after an exit is a status change on the same enrollment.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    EnrollmentStatus.PENDING_INTAKE: frozenset({EnrollmentStatus.ACTIVE, EnrollmentStatus.EXITED}),
    EnrollmentStatus.ACTIVE: frozenset({EnrollmentStatus.INACTIVE, EnrollmentStatus.IN_THE_WIND,
                                        EnrollmentStatus.EXITED}),
    EnrollmentStatus.INACTIVE: frozenset({EnrollmentStatus.ACTIVE, EnrollmentStatus.IN_THE_WIND,
                                          EnrollmentStatus.EXITED}),
    EnrollmentStatus.IN_THE_WIND: frozenset({EnrollmentStatus.ACTIVE, EnrollmentStatus.INACTIVE,
                                             EnrollmentStatus.EXITED}),
    EnrollmentStatus.EXITED: frozenset({EnrollmentStatus.ACTIVE}),
}


def allowed_next_statuses(status: str) -> list[str]:
    """The statuses an enrollment may move to from `status`, in the order of EnrollmentStatus."""
    allowed = ALLOWED_TRANSITIONS.get(status, frozenset())
    return [value for value in EnrollmentStatus.values if value in allowed]


class ExitReason(models.TextChoices):
    MOVED_AWAY = "moved_away", _("Moved away")
    DIED = "died", _("Died")
    NO_LONGER_WANTS_SERVICES = "no_longer_wants_services", _("No longer wants services")
    SELF_SUFFICIENT = "self_sufficient", _("Self-sufficient")
    OTHER = "other", _("Other")


class Enrollment(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrollments")
    door = models.CharField(_("door"), max_length=10, choices=Door.choices)
    provider = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="enrollments",
        limit_choices_to={"kind": "provider"}, verbose_name=_("provider"),
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="caseload", verbose_name=_("case manager"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.PENDING_INTAKE
    )
    referred_on = models.DateField(_("referred on"))
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.CharField(_("exit reason"), max_length=30, choices=ExitReason.choices, blank=True)
    exit_note = models.TextField(_("exit note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        indexes = [models.Index(fields=["provider", "status"]), models.Index(fields=["case_manager", "status"])]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_door_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EnrollmentStatusChange(models.Model):
    """One row per status change, the opening included (from "" to the first status). Never edited."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=EnrollmentStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=EnrollmentStatus.choices)
    effective_on = models.DateField(_("effective on"))
    changed_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("recorded by"))
    reason = models.TextField(_("reason"), blank=True)
    exit_reason = models.CharField(_("exit reason"), max_length=30, choices=ExitReason.choices, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["enrollment", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status} on {self.effective_on}"


class CaseAssignment(models.Model):
    """Who carried an enrollment, and when. The open row (ended_at empty) is the current assignment."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="assignments")
    provider = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("provider"))
    case_manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="case_assignments", verbose_name=_("case manager"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("assigned by"))
    # Set when a supervisor assigned beyond the protocol's caseload maximum, with their reason.
    override_reason = models.TextField(_("override reason"), blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["enrollment", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.case_manager or '—'} from {self.started_at:%Y-%m-%d}"
