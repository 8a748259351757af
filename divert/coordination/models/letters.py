"""Letters to courts and probation, written by the case-management team in the form of the First Golden Rule.

A letter says what a court or probation officer may receive (lead-programs.md §9.1, §9.3): that the person works
with the program and since when, progress as the release allows, barriers and resource shortfalls, and the outlook
and interim goals. It has no place for violations, drug use or conduct. Substance-use treatment information goes in
only under a Part 2 consent naming the recipient, and then the letter carries the 42 CFR 2.32 notice.

A draft is edited by the team (each save bumps `version`, so a stale edit is refused) or discarded. Sending keeps
the exact PDF that went out, with its SHA-256, and the release it went under; from then on the letter never
changes.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from divert.accounts.roles import AgencyKind
from divert.privacy.categories import Category

__all__ = ["LETTER_RECIPIENT_KINDS", "Letter", "LetterLocked", "SendMethod"]

LETTER_RECIPIENT_KINDS = (AgencyKind.COURT, AgencyKind.PROBATION)
SECTION_MAX = 4000


class LetterLocked(Exception):
    """A sent letter is what was sent: it is never changed or removed."""


class SendMethod(models.TextChoices):
    HANDED = "handed", _("Handed over in person")
    MAILED = "mailed", _("Mailed")
    EFILED = "efiled", _("Filed electronically (e-filing)")
    FAXED = "faxed", _("Faxed")


class LetterQuerySet(models.QuerySet):
    def drafts(self):
        return self.filter(sent_at__isnull=True)

    def sent(self):
        return self.filter(sent_at__isnull=False)

    def update(self, **kwargs):
        # Bulk updates would slip past save()'s guard; only drafts may change.
        return super(LetterQuerySet, self.drafts()).update(**kwargs)


class Letter(models.Model):
    """A letter to a court or probation about one participant (category: casework while a draft; what it discloses
    when sent is `categories`: status and the partner summary, and substance-use treatment when it says so)."""

    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="letters",
                               verbose_name=_("participant"))
    enrollment = models.ForeignKey("participants.Enrollment", on_delete=models.PROTECT, related_name="letters",
                                   verbose_name=_("enrollment"))
    recipient = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                                  limit_choices_to={"kind__in": LETTER_RECIPIENT_KINDS},
                                  verbose_name=_("court or probation agency"))
    addressee = models.CharField(_("addressed to"), max_length=200, blank=True,
                                 help_text=_("For example: the judge, or the assigned probation officer, by name."))
    # The sections: what the First Golden Rule lets a court or probation receive, and nothing else.
    engagement = models.TextField(_("working with the program"), blank=True)
    progress = models.TextField(_("progress"), blank=True)
    barriers = models.TextField(_("barriers and resource shortfalls"), blank=True)
    outlook = models.TextField(_("outlook and interim goals"), blank=True)
    include_sud = models.BooleanField(_("include substance-use treatment information"), default=False)
    treatment = models.TextField(_("substance-use treatment"), blank=True)
    goal_ids = models.JSONField(_("goals the draft was built from"), default=list, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("written by"))
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # Set once, when the letter is sent.
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)
    sent_on = models.DateField(_("date sent"), null=True, blank=True, editable=False)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", editable=False, verbose_name=_("sent by"))
    method = models.CharField(_("how it was sent"), max_length=10, choices=SendMethod.choices, blank=True,
                              editable=False)
    release = models.ForeignKey("privacy.ReleaseOfInformation", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", editable=False, verbose_name=_("sent under"))
    part2_release = models.ForeignKey("privacy.ReleaseOfInformation", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+", editable=False,
                                      verbose_name=_("substance-use information sent under"))
    pdf = models.BinaryField(_("the PDF sent"), null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF sent"), max_length=64, blank=True, editable=False)

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "sent_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(sent_at__isnull=True) | (
                models.Q(sent_on__isnull=False) & ~models.Q(method="") & ~models.Q(pdf_sha256="")),
                name="letter_sent_has_date_method_and_pdf"),
            models.CheckConstraint(condition=models.Q(include_sud=True) | models.Q(treatment=""),
                                   name="letter_treatment_only_with_sud"),
        ]

    def __str__(self) -> str:
        return f"letter #{self.pk} to {self.recipient_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding and Letter.objects.filter(pk=self.pk, sent_at__isnull=False).exists():
            raise LetterLocked(f"letter #{self.pk} was sent and cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_sent or Letter.objects.filter(pk=self.pk, sent_at__isnull=False).exists():
            raise LetterLocked(f"letter #{self.pk} was sent and cannot be removed")
        return super().delete(*args, **kwargs)

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def categories(self) -> list[str]:
        """What the letter discloses to its recipient, and so what a release must open for it to go."""
        return [Category.STATUS, Category.PARTNER_SUMMARY] + ([Category.SUD] if self.include_sud else [])

    @property
    def audit_category(self) -> str:
        # Only the team reads a letter; it is casework-derived, and Part 2 information when it includes treatment.
        return Category.SUD if self.include_sud else Category.CASEWORK

    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) of the sections that say something, in the letter's order."""
        pairs = [(_("Working with the program"), self.engagement), (_("Progress"), self.progress),
                 (_("Barriers and resource shortfalls"), self.barriers),
                 (_("Outlook and interim goals"), self.outlook)]
        if self.include_sud:
            pairs.append((_("Substance-use treatment"), self.treatment))
        return [(str(heading), text) for heading, text in pairs if text.strip()]

    def pdf_intact(self) -> bool:
        return bool(self.pdf) and hashlib.sha256(bytes(self.pdf)).hexdigest() == self.pdf_sha256
