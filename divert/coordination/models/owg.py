"""The Operational Work Group: line staff from every partner who meet every other week to coordinate (§7.4).

A group has a cadence and members (by agency and seat); meetings are made from the cadence, each with an agenda
built from the program's own data, attendance, decisions, action items (which become tasks) and minutes.

Minutes stay within the First Golden Rule: nothing shared for coordination may be used against a participant,
so they carry no law-violation, substance-use or health detail (divert.coordination.golden_rule checks them).
Once approved, a meeting's minutes and everything recorded with them are locked: the models refuse to change.
"""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.lib.choices import Weekday

__all__ = [
    "ActionItem", "AgendaItem", "AgendaItemKind", "AgendaSource", "AttendanceStatus", "MeetingAttendance",
    "MeetingDecision", "MeetingGuest", "MeetingStatus", "MinutesLocked", "OperationalWorkGroup",
    "OperationalWorkGroupFlag", "OperationalWorkGroupMeeting", "OperationalWorkGroupMember", "Weekday",
]


class MinutesLocked(ValidationError):
    """The meeting's minutes are approved: nothing recorded with them may change."""

    def __init__(self):
        super().__init__(_("The minutes of this meeting are approved; they and what was recorded with them can no "
                           "longer change."), code="minutes_locked")




class OperationalWorkGroup(models.Model):
    """The group and when it meets. A site usually has one; precinct-based sites may have several."""

    name = models.CharField(_("name"), max_length=200, default="Operational Work Group")
    cadence_days = models.PositiveSmallIntegerField(
        _("meets every (days)"), default=14,
        help_text=_("14 is every other week, as in Santa Fe; no national rule sets it."))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, default=Weekday.WEDNESDAY)
    starts_at = models.TimeField(_("starts at"), default=time(10, 0))
    duration_minutes = models.PositiveSmallIntegerField(_("minutes long"), default=90)
    place = models.CharField(_("place"), max_length=200, blank=True)
    call_link = models.URLField(_("call link"), blank=True)
    first_meeting_on = models.DateField(
        _("first meeting on"), help_text=_("Meetings follow every cadence from this day (moved to the weekday)."))
    active = models.BooleanField(_("meets"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class OperationalWorkGroupMember(models.Model):
    """A member, by agency and seat at the time they joined. Community representatives may have no seat: they
    see what their seat (if any) lets them see, which is nothing about participants unless a release names it."""

    group = models.ForeignKey(OperationalWorkGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owg_memberships",
                             verbose_name=_("member"))
    agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("agency"))
    role = models.CharField(_("seat"), max_length=20, blank=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True,
                                    help_text=_("For community representatives without an agency."))
    community_representative = models.BooleanField(_("community representative"), default=False)
    active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency__name", "user__last_name", "user__first_name", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="owg_member_once_per_group")]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"

    @property
    def affiliation(self) -> str:
        return str(self.agency) if self.agency_id else self.organization


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class OperationalWorkGroupMeeting(models.Model):
    group = models.ForeignKey(OperationalWorkGroup, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    call_link = models.URLField(_("call link"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices,
                              default=MeetingStatus.SCHEDULED)
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    minutes_summary = models.TextField(_("overall minutes"), blank=True)
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    minutes_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+",
                                            verbose_name=_("minutes approved by"))
    # Counts the agenda, attendance and minutes edits: a form opened before another edit is refused (stale).
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["group", "starts_at"], name="owg_meeting_once_per_time")]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.group} on {timezone.localtime(self.starts_at):%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk and OperationalWorkGroupMeeting.objects.filter(pk=self.pk,
                                                                  minutes_approved_at__isnull=False).exists():
            raise MinutesLocked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.approved:
            raise MinutesLocked()
        return super().delete(*args, **kwargs)

    @property
    def approved(self) -> bool:
        return self.minutes_approved_at is not None

    @property
    def day(self):
        return timezone.localdate(self.starts_at)


class LockedWithMinutes(models.Model):
    """Rows recorded with a meeting: they change only while its minutes are not approved."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_locked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_locked()
        return super().delete(*args, **kwargs)

    def _refuse_if_locked(self) -> None:
        if OperationalWorkGroupMeeting.objects.filter(pk=self.meeting_id, minutes_approved_at__isnull=False).exists():
            raise MinutesLocked()


class AgendaItemKind(models.TextChoices):
    # The kinds of issue the OWG records (§7.4, inferred).
    OPERATIONAL = "operational", _("Operational")
    ADMINISTRATIVE = "administrative", _("Administrative")
    PARTICIPANT = "participant", _("Participant-specific")


class AgendaSource(models.TextChoices):
    MANUAL = "manual", _("Added by the project manager")
    STANDING = "standing", _("Standing item")
    NUMBERS = "numbers", _("Program numbers")
    NEW_REFERRAL = "new_referral", _("New referral")
    INTAKE_DUE = "intake_due", _("Intake deadline near")
    INTAKE_LAPSED = "intake_lapsed", _("Intake deadline lapsed")
    IN_THE_WIND = "in_the_wind", _("In the wind")
    COORDINATION = "coordination", _("Open coordination request")
    FLAG = "flag", _("Flagged by the case-management team")


class AgendaItem(LockedWithMinutes):
    """One item. Items the builder adds carry a source reference, so building again adds only what is new (and
    never brings back an item the project manager removed). The title never names a person: who an item is about
    is the `person` (or `referral`), shown only to seats that may know them."""

    meeting = models.ForeignKey(OperationalWorkGroupMeeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=15, choices=AgendaItemKind.choices,
                            default=AgendaItemKind.OPERATIONAL)
    source = models.CharField(_("source"), max_length=15, choices=AgendaSource.choices, default=AgendaSource.MANUAL)
    source_ref = models.CharField(max_length=60, blank=True)
    title = models.CharField(_("item"), max_length=300)
    person = models.ForeignKey("participants.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("participant"))
    referral = models.ForeignKey("referrals.Referral", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    flag = models.ForeignKey("OperationalWorkGroupFlag", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="agenda_items")
    removed = models.BooleanField(default=False)
    discussed_at = models.DateTimeField(_("discussed"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "source_ref"], condition=~Q(source_ref=""),
                                               name="owg_agenda_source_once_per_meeting")]

    def __str__(self) -> str:
        return f"agenda item #{self.pk}"

    @property
    def is_about_someone(self) -> bool:
        return self.person_id is not None or self.referral_id is not None


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class MeetingAttendance(LockedWithMinutes):
    meeting = models.ForeignKey(OperationalWorkGroupMeeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="owg_attendance_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.status}"


class MeetingGuest(LockedWithMinutes):
    meeting = models.ForeignKey(OperationalWorkGroupMeeting, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(_("guest's name"), max_length=200)
    agency = models.CharField(_("agency or organization"), max_length=200, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class MeetingDecision(LockedWithMinutes):
    """A decision, with its reason. `mentions` lists the persons its text names: only seats that may know all of
    them see it."""

    meeting = models.ForeignKey(OperationalWorkGroupMeeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="decisions", verbose_name=_("agenda item"))
    text = models.TextField(_("decision"))
    reason = models.TextField(_("reason"), blank=True)
    mentions = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"decision #{self.pk}"


class ActionItem(LockedWithMinutes):
    """Something a member will do, with a due date. It becomes a task for its owner; the task's completion is the
    item's (done from the task list or the OWG page), so it can be finished after the minutes are locked."""

    meeting = models.ForeignKey(OperationalWorkGroupMeeting, on_delete=models.CASCADE, related_name="action_items")
    agenda_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="action_items", verbose_name=_("agenda item"))
    text = models.CharField(_("what"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owg_action_items",
                              verbose_name=_("owner"))
    due_on = models.DateField(_("due on"))
    mentions = models.JSONField(default=list, blank=True)
    task = models.OneToOneField("casework.Task", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="owg_action_item")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "due_on"])]

    def __str__(self) -> str:
        return f"action item #{self.pk}"

    @property
    def done_at(self):
        return self.task.done_at if self.task_id else None


class OperationalWorkGroupFlag(models.Model):
    """The case-management team asks the OWG to discuss a person. The reason is written for partners (checked
    against the First Golden Rule); the flag is resolved when its agenda item is marked discussed."""

    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("participant"))
    reason = models.CharField(
        _("what the group should talk about"), max_length=300,
        help_text=_("Partners at the meeting may read this. Barriers and what would help, never drug use, health "
                    "or anything that could be used against the person."))
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_in = models.ForeignKey(OperationalWorkGroupMeeting, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["person"], condition=Q(resolved_at__isnull=True),
                                               name="owg_one_open_flag_per_person")]

    def __str__(self) -> str:
        return f"OWG flag #{self.pk}"
