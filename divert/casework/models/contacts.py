"""Contacts with participants, the partner summary, and tasks and reminders.

A contact's note category decides who may see the contact at all: a contact with a substance-use treatment
note is Part 2 information as a whole (that the meeting happened, where and with whom says as much as the
note), so the contact carries one category, its note's.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Contact", "ContactKind", "NoteCategory", "PartnerSummary", "Task", "TaskKind"]


class ContactKind(models.TextChoices):
    FIELD = "field", _("Field")
    OFFICE = "office", _("Office")
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    COLLATERAL = "collateral", _("Collateral (someone else, about them)")


class NoteCategory(models.TextChoices):
    # The values are the privacy policy's category names.
    CASEWORK = "casework", _("Casework")
    HEALTH = "health", _("Health")
    SUD = "sud", _("Substance-use treatment (42 CFR Part 2)")


class Contact(models.Model):
    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="contacts",
                               verbose_name=_("participant"))
    enrollment = models.ForeignKey("participants.Enrollment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="contacts", verbose_name=_("enrollment"))
    kind = models.CharField(_("kind of contact"), max_length=12, choices=ContactKind.choices,
                            default=ContactKind.FIELD)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    place = models.CharField(_("place"), max_length=200, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    substantive = models.BooleanField(
        _("substantive"), default=True,
        help_text=_("A real conversation about how they are doing or what they need, not just a wave or a "
                    "voicemail."))
    present = models.CharField(_("who was present"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    note_category = models.CharField(
        _("the note is about"), max_length=10, choices=NoteCategory.choices, default=NoteCategory.CASEWORK,
        help_text=_("Decides who may see this contact: health and substance-use treatment notes are shown only "
                    "to seats allowed to see them."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    # Sent with the form: a second submission of the same form finds the first contact instead of a twin.
    submission_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["person", "occurred_at"]),
                   models.Index(fields=["person", "substantive", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} contact on {timezone.localtime(self.occurred_at):%Y-%m-%d}"

    @property
    def category(self) -> str:
        return self.note_category


class PartnerSummary(models.Model):
    """What the case manager writes for partners. Each save is a new row; the latest one is the summary."""

    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="partner_summaries",
                               verbose_name=_("participant"))
    text = models.TextField(
        _("summary for partners"),
        help_text=_("Engagement, areas of progress, barriers and what would help. Partners named in a release "
                    "read this. Write nothing that could be used against the person: no particular violations, "
                    "no drug use, no health details. If there is nothing useful to share on a point, say so."))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("written by"))
    updated_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["person", "updated_at"])]
        verbose_name_plural = _("partner summaries")

    def __str__(self) -> str:
        return f"partner summary of {timezone.localtime(self.updated_at):%Y-%m-%d %H:%M}"


class TaskKind(models.TextChoices):
    TASK = "task", _("Task")
    REMINDER = "reminder", _("Reminder")


class Task(models.Model):
    """Something a worker means to do, about a participant or not. A title about a person is casework."""

    person = models.ForeignKey("participants.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="tasks", verbose_name=_("participant"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks",
                                    verbose_name=_("for"))
    kind = models.CharField(_("kind"), max_length=10, choices=TaskKind.choices, default=TaskKind.TASK)
    title = models.CharField(
        _("what"), max_length=200,
        help_text=_("Seen by the case-management team only. Keep health and treatment details for contact "
                    "notes, where their category protects them."))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("done by"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [models.F("due_on").asc(nulls_last=True), "created_at", "id"]
        indexes = [models.Index(fields=["assigned_to", "done_at"]), models.Index(fields=["person", "done_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today=None) -> bool:
        return self.due_on is not None and not self.is_done and self.due_on < (today or timezone.localdate())
