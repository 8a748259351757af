"""A Person (who someone is) is kept apart from an Enrollment (their participation)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Person(models.Model):
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    approximate_age = models.PositiveSmallIntegerField(
        _("approximate age"), null=True, blank=True, help_text=_("When the date of birth is not known.")
    )
    description = models.TextField(_("description"), blank=True)
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
