"""Releases of information and consents, their revocations, and the accounting of disclosures.

Whether a release is in effect is computed from its dates, its recorded events and its revocations, never
stored: a release that expired last night stops disclosure this morning without anyone touching it.
"""

import base64
import binascii
import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.privacy.categories import Category

SIGNATURE_MAX_BYTES = 200 * 1024
SCAN_MAX_BYTES = 5 * 1024 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Magic bytes, so a file is what it says it is whatever its name.
SCAN_SIGNATURES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", PNG_MAGIC: "image/png"}
SCAN_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
DATA_URL_PREFIX = "data:image/png;base64,"

DEFAULT_REVOCATION_STATEMENT = _(
    "You may revoke this consent at any time, in whole or in part, by telling your case manager or the program "
    "in writing or in person. Revocation does not undo disclosures already made in reliance on it."
)


class ReleaseKind(models.TextChoices):
    GENERAL = "general", _("General release of information")
    PART2 = "part2", _("Part 2 consent (42 CFR 2.31)")
    CRIMINAL_JUSTICE = "part2_cj", _("Criminal-justice referral consent (42 CFR 2.35)")


PART2_KINDS = frozenset({ReleaseKind.PART2, ReleaseKind.CRIMINAL_JUSTICE})


class Purpose(models.TextChoices):
    CARE_COORDINATION = "care_coordination", _("Care coordination")
    CHARGE_COORDINATION = "charge_coordination", _("Charge coordination with the prosecutor")
    COURT_REPORTING = "court_reporting", _("Court or probation reporting")
    BENEFITS_HOUSING = "benefits_housing", _("Benefits and housing applications")
    TREATMENT_REFERRAL = "treatment_referral", _("Treatment referral")
    HMIS_SHARING = "hmis_sharing", _("Sharing with the continuum of care's HMIS")
    OTHER = "other", _("Other")


def scan_content_type(head: bytes) -> str | None:
    for signature, content_type in SCAN_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def validate_scan(upload) -> None:
    if upload.size > SCAN_MAX_BYTES:
        raise ValidationError(_("A scan may be at most 5 MB."), code="too_large")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if scan_content_type(head) is None:
        raise ValidationError(_("A scan must be a PDF, PNG or JPEG file."), code="bad_type")


def validate_signature_png(data: bytes) -> None:
    if len(data) > SIGNATURE_MAX_BYTES:
        raise ValidationError(_("The drawn signature is too large (at most 200 KB)."), code="too_large")
    if not data.startswith(PNG_MAGIC):
        raise ValidationError(_("The drawn signature is not a PNG image."), code="not_png")


def signature_from_data_url(value: str) -> bytes:
    """The PNG bytes of a `data:image/png;base64,...` URL, validated; ValidationError otherwise."""
    value = value.strip()
    if not value.startswith(DATA_URL_PREFIX):
        raise ValidationError(_("The drawn signature is not a PNG image."), code="not_png")
    encoded = value[len(DATA_URL_PREFIX):]
    # Base64 is 4/3 of the bytes: refuse before decoding something huge.
    if len(encoded) > SIGNATURE_MAX_BYTES * 4 // 3 + 4:
        raise ValidationError(_("The drawn signature is too large (at most 200 KB)."), code="too_large")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(_("The drawn signature could not be read."), code="bad_data") from None
    validate_signature_png(data)
    return data


def _scan_path(instance, filename: str) -> str:
    # A random name: the file name must not say whose consent it is.
    return f"releases/{uuid.uuid4().hex}"


class ReleaseOfInformation(models.Model):
    """A multi-party release naming its recipients, or a Part 2 consent carrying the elements of 42 CFR 2.31."""

    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="releases",
                               verbose_name=_("participant"))
    kind = models.CharField(_("kind"), max_length=10, choices=ReleaseKind.choices, default=ReleaseKind.GENERAL)
    purposes = models.JSONField(_("purposes"), default=list)
    purpose_other = models.CharField(_("other purpose"), max_length=300, blank=True)
    categories = models.JSONField(_("data categories"), default=list)
    starts_on = models.DateField(_("starts on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    expiry_event = models.CharField(_("expires on this event"), max_length=300, blank=True)
    ended_by_event_on = models.DateField(_("expiry event occurred on"), null=True, blank=True)
    # 42 CFR 2.35: a consent given for a criminal-justice referral may be irrevocable until a stated event.
    irrevocable_until_event = models.CharField(_("irrevocable until this event"), max_length=300, blank=True)
    irrevocable_event_on = models.DateField(_("irrevocability event occurred on"), null=True, blank=True)
    # The elements of 42 CFR 2.31 not carried by the fields above.
    discloser = models.CharField(_("who may disclose"), max_length=300,
                                 help_text=_("The program or people permitted to make the disclosure."))
    information_description = models.TextField(
        _("information to be disclosed"), blank=True,
        help_text=_("How much and what kind of information, described specifically."))
    revocation_statement = models.TextField(_("right to revoke, and how"), default=DEFAULT_REVOCATION_STATEMENT)
    signed_name = models.CharField(_("signed by (typed name)"), max_length=200)
    signature_png = models.BinaryField(_("drawn signature"), null=True, blank=True, editable=False)
    scan = models.FileField(_("signed scan"), upload_to=_scan_path, blank=True, validators=[validate_scan])
    signed_on = models.DateField(_("date signed"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("release of information")
        verbose_name_plural = _("releases of information")
        indexes = [models.Index(fields=["person", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_part2(self) -> bool:
        return self.kind in PART2_KINDS

    @property
    def has_signature(self) -> bool:
        return bool(self.signature_png)

    def clean(self) -> None:
        errors: dict[str, list] = {}

        def add(field: str, message) -> None:
            errors.setdefault(field, []).append(message)

        categories = list(self.categories or [])
        if not categories:
            add("categories", _("Choose at least one kind of information."))
        for category in categories:
            if category not in Category.RELEASABLE:
                add("categories", _("%(c)s cannot be named in a release.") % {"c": category})
        if Category.SUD in categories and not self.is_part2:
            add("categories", _("Substance-use treatment information may be released only under a Part 2 consent "
                                "(42 CFR 2.31) or a criminal-justice referral consent (42 CFR 2.35), never under a "
                                "general release."))
        purposes = list(self.purposes or [])
        if not purposes:
            add("purposes", _("Choose at least one purpose."))
        for purpose in purposes:
            if purpose not in Purpose.values:
                add("purposes", _("Unknown purpose %(p)s.") % {"p": purpose})
        if Purpose.OTHER in purposes and not self.purpose_other.strip():
            add("purpose_other", _("Describe the other purpose."))
        if not self.expires_on and not self.expiry_event.strip():
            add("expires_on", _("Give an expiry date, an expiry event, or both."))
        if self.expires_on and self.starts_on and self.expires_on <= self.starts_on:
            add("expires_on", _("The expiry date must be after the start date."))
        if self.irrevocable_until_event.strip() and self.kind != ReleaseKind.CRIMINAL_JUSTICE:
            add("irrevocable_until_event", _("Only a criminal-justice referral consent (42 CFR 2.35) may be "
                                             "irrevocable until an event."))
        if self.is_part2 and not self.information_description.strip():
            add("information_description", _("A Part 2 consent must describe how much and what kind of "
                                              "information may be disclosed."))
        if not self.signed_name.strip():
            add("signed_name", _("Type the participant's name as they signed."))
        if self.signed_on and self.signed_on > timezone.localdate():
            add("signed_on", _("The signing date cannot be in the future."))
        if not self.signature_png and not self.scan:
            add("signature_png", _("Add the participant's drawn signature or upload a scan of the signed form."))
        if self.signature_png:
            try:
                validate_signature_png(bytes(self.signature_png))
            except ValidationError as e:
                add("signature_png", e.messages[0])
        if errors:
            raise ValidationError(errors)

    # --- What is in effect, computed ---------------------------------------------------------------------

    def _revocations_on(self, day: date) -> list["Revocation"]:
        return [r for r in self.revocations.all() if r.effective_on <= day]

    def full_revocation_on(self, day: date) -> "Revocation | None":
        return next((r for r in self._revocations_on(day) if r.scope == Revocation.Scope.FULL), None)

    def expired_on(self, day: date) -> bool:
        if self.expires_on is not None and day >= self.expires_on:
            return True
        return self.ended_by_event_on is not None and day >= self.ended_by_event_on

    def status_on(self, day: date | None = None) -> str:
        day = day or timezone.localdate()
        if self.full_revocation_on(day) is not None:
            return "revoked"
        if self.expired_on(day):
            return "expired"
        if day < self.starts_on:
            return "not_started"
        return "active"

    STATUS_LABELS = {"active": _("Active"), "expired": _("Expired"), "revoked": _("Revoked"),
                     "not_started": _("Not yet in effect")}

    @property
    def status(self) -> str:
        return self.status_on()

    @property
    def status_label(self) -> str:
        return str(self.STATUS_LABELS[self.status])

    def is_active_on(self, day: date | None = None) -> bool:
        return self.status_on(day) == "active"

    def effective_categories_on(self, day: date | None = None) -> frozenset[str]:
        """The categories still released on `day` (empty when the release is not in effect)."""
        day = day or timezone.localdate()
        if not self.is_active_on(day):
            return frozenset()
        withdrawn = {c for r in self._revocations_on(day) for c in r.categories}
        categories = {c for c in self.categories if c in Category.RELEASABLE} - withdrawn
        if not self.is_part2:
            categories.discard(Category.SUD)
        return frozenset(categories)

    def effective_recipients_on(self, day: date | None = None) -> list["ReleaseRecipient"]:
        day = day or timezone.localdate()
        if not self.is_active_on(day):
            return []
        withdrawn = {rr.pk for r in self._revocations_on(day) for rr in r.recipients.all()}
        return [rr for rr in self.recipients.all() if rr.pk not in withdrawn]

    def categories_for_seat(self, seat, day: date | None = None) -> frozenset[str]:
        """What this release lets a user in `seat` see on `day`: nothing unless a remaining recipient names them."""
        if seat is None or not any(rr.covers(seat) for rr in self.effective_recipients_on(day)):
            return frozenset()
        return self.effective_categories_on(day)

    @property
    def is_irrevocable_today(self) -> bool:
        return (self.kind == ReleaseKind.CRIMINAL_JUSTICE and bool(self.irrevocable_until_event.strip())
                and (self.irrevocable_event_on is None or self.irrevocable_event_on > timezone.localdate()))

    def category_labels(self) -> list[str]:
        return [Category.label(c) for c in self.categories]

    def purpose_labels(self) -> list[str]:
        labels = dict(Purpose.choices)
        out = [str(labels.get(p, p)) for p in self.purposes if p != Purpose.OTHER]
        if Purpose.OTHER in self.purposes and self.purpose_other:
            out.append(self.purpose_other)
        return out


class ReleaseRecipient(models.Model):
    """One named recipient: an agency, or one seat at that agency."""

    release = models.ForeignKey(ReleaseOfInformation, on_delete=models.CASCADE, related_name="recipients")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("agency"))
    role = models.CharField(_("seat"), max_length=20, blank=True,
                            help_text=_("Blank: everyone at the agency who works with participants."))

    class Meta:
        ordering = ["agency__name", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["release", "agency", "role"], name="release_recipient_unique")]

    def __str__(self) -> str:
        from divert.accounts.roles import Role

        if not self.role:
            return str(self.agency)
        label = Role(self.role).label if self.role in Role.values else self.role
        return f"{self.agency} — {label}"

    def covers(self, seat) -> bool:
        return seat.agency_id == self.agency_id and self.role in ("", seat.role)


class Revocation(models.Model):
    class Scope(models.TextChoices):
        FULL = "full", _("The whole release")
        PARTIAL = "partial", _("Part of it")

    release = models.ForeignKey(ReleaseOfInformation, on_delete=models.PROTECT, related_name="revocations")
    scope = models.CharField(_("what is revoked"), max_length=10, choices=Scope.choices)
    effective_on = models.DateField(_("effective on"))
    categories = models.JSONField(_("categories withdrawn"), default=list, blank=True)
    recipients = models.ManyToManyField(ReleaseRecipient, blank=True, related_name="+",
                                        verbose_name=_("recipients withdrawn"))
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} from {self.effective_on}"

    def category_labels(self) -> list[str]:
        return [Category.label(c) for c in self.categories]


class AppendOnlyError(Exception):
    """The accounting of disclosures is never changed or removed."""


class DisclosureQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("disclosures cannot be changed")

    def delete(self):
        raise AppendOnlyError("disclosures cannot be deleted")


class Disclosure(models.Model):
    """One disclosure to a partner, and the consent it was made under: the accounting of disclosures."""

    release = models.ForeignKey(ReleaseOfInformation, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="disclosures", verbose_name=_("consent"))
    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="disclosures",
                               verbose_name=_("participant"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("recipient"))
    recipient_agency = models.ForeignKey("accounts.Agency", null=True, on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("recipient agency"))
    categories = models.JSONField(_("categories"), default=list)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    part2 = models.BooleanField(_("Part 2 information included"), default=False)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "at"])]

    def __str__(self) -> str:
        return f"disclosure #{self.pk} to {self.recipient_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("disclosures cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("disclosures cannot be deleted")

    def category_labels(self) -> list[str]:
        return [Category.label(c) for c in self.categories]
