"""Justice-data feeds: import profiles, imports, and the staging table the linkage step reads.

A staged row is justice data about someone who may or may not be a participant; until linkage ties it to a
person it is governed by the records pages' own rule (project manager only), not by person-level consent.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    BOOKING = "booking", _("Booking")
    RELEASE = "release", _("Release")
    ARREST = "arrest", _("Arrest")
    CHARGE = "charge", _("Charge")
    DISPOSITION = "disposition", _("Disposition")


class Severity(models.TextChoices):
    FELONY = "felony", _("Felony")
    MISDEMEANOR = "misdemeanor", _("Misdemeanor")
    VIOLATION = "violation", _("Violation or infraction")


class BadRows(models.TextChoices):
    REJECT = "reject", _("Refuse the whole file")
    QUARANTINE = "quarantine", _("Take good rows, quarantine bad ones")


class ImportProfile(models.Model):
    """How one source's export reads: its spec is JSON, checked by divert.records.profiles.parse_spec."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    spec = models.JSONField(_("specification"))
    active = models.BooleanField(_("offered for new imports"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from divert.records.profiles import ProfileError, parse_spec

        try:
            parse_spec(self.spec)
        except ProfileError as exc:
            raise ValidationError({"spec": exc.problems}) from None

    @property
    def parsed(self):
        from divert.records.profiles import parse_spec

        return parse_spec(self.spec)


class ImportStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting to start")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    REJECTED = "rejected", _("Refused")
    FAILED = "failed", _("Stopped on an error")


DONE_STATUSES = (ImportStatus.FINISHED, ImportStatus.REJECTED, ImportStatus.FAILED)


class FeedImport(models.Model):
    """One file read through one profile: who, when, what, and what became of each row."""

    profile = models.ForeignKey(ImportProfile, on_delete=models.PROTECT, related_name="imports")
    # The spec as it was when this file was read; a later change to the profile does not rewrite history.
    profile_spec = models.JSONField(default=dict)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, blank=True,
                            help_text=_("Blank when the rows say their own kind."))
    file_name = models.CharField(_("file name"), max_length=255)
    stored_path = models.CharField(max_length=500, blank=True)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    via = models.CharField(max_length=20, default="cli")  # web, cli, drop folder
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.WAITING)
    message = models.TextField(_("outcome"), blank=True)
    encoding_used = models.CharField(max_length=20, blank=True)

    bytes_read = models.BigIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    rows_added = models.PositiveIntegerField(default=0)
    rows_corrected = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_repeated = models.PositiveIntegerField(default=0)  # the same row twice in this file
    rows_bad = models.PositiveIntegerField(default=0)
    rows_quarantined = models.PositiveIntegerField(default=0)
    rows_warned = models.PositiveIntegerField(default=0)  # kept with warnings (lenient row checks)
    problems_total = models.PositiveIntegerField(default=0)  # refusals and warnings listed or not

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["profile", "status"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.profile.slug})"

    @property
    def done(self) -> bool:
        return self.status in DONE_STATUSES

    @property
    def percent(self) -> int | None:
        if not self.size:
            return None
        if self.status == ImportStatus.FINISHED:
            return 100
        return min(99, 100 * self.bytes_read // self.size)

    @property
    def rows_staged(self) -> int:
        return self.rows_added + self.rows_corrected


class LinkStatus(models.TextChoices):
    UNLINKED = "unlinked", _("Not yet linked")
    LINKED = "linked", _("Linked to a person")
    REVIEW = "review", _("Waiting for review")
    NO_MATCH = "no_match", _("No matching person")


class StagedRecordQuerySet(models.QuerySet):
    def ready(self):
        """Rows of finished imports: what linkage may read (a running import's rows may still be withdrawn)."""
        return self.filter(feed_import__status=ImportStatus.FINISHED)

    def current(self):
        """Ready rows not replaced by a later correction from the same source."""
        return self.ready().filter(superseded=False)


class StagedRecord(models.Model):
    """One row of a feed, parsed and normalised, with its raw form; linkage ties it to a person."""

    feed_import = models.ForeignKey(FeedImport, on_delete=models.CASCADE, related_name="staged")
    profile = models.ForeignKey(ImportProfile, on_delete=models.PROTECT, related_name="+")
    row_number = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # What makes the row unique at its source (the profile's key columns, joined by "|"), and its revision:
    # a row re-sent with the same key but other content is a correction and becomes the next revision.
    source_key = models.CharField(max_length=255)
    revision = models.PositiveIntegerField(default=1)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    superseded = models.BooleanField(default=False)
    content_hash = models.CharField(max_length=64)

    last_name = models.CharField(max_length=100, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    name_suffix = models.CharField(max_length=10, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)  # only when year, month and day are all known
    dob_year = models.PositiveSmallIntegerField(null=True, blank=True)
    dob_month = models.PositiveSmallIntegerField(null=True, blank=True)
    dob_day = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)  # M, F, X
    race = models.CharField(max_length=1, blank=True)  # W, B, A, I, P, H, O
    state_id = models.CharField(max_length=64, blank=True)
    fbi_number = models.CharField(max_length=64, blank=True)
    jail_person_id = models.CharField(max_length=64, blank=True)

    occurred_at = models.DateTimeField()  # in UTC: booked, released, arrested, charge filed, disposed
    booking_number = models.CharField(max_length=64, blank=True)
    case_number = models.CharField(max_length=64, blank=True)
    agency = models.CharField(max_length=100, blank=True)
    charge_code = models.CharField(max_length=64, blank=True)
    charge_description = models.CharField(max_length=300, blank=True)
    offense_category = models.CharField(max_length=60, blank=True)
    severity = models.CharField(max_length=12, choices=Severity.choices, blank=True)
    warrant = models.BooleanField(null=True, blank=True)  # an arrest or booking on a warrant only
    release_reason = models.CharField(max_length=40, blank=True)
    disposition = models.CharField(max_length=40, blank=True)

    raw = models.JSONField(default=dict)
    link_status = models.CharField(max_length=10, choices=LinkStatus.choices, default=LinkStatus.UNLINKED)
    person = models.ForeignKey("participants.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="staged_records")

    objects = StagedRecordQuerySet.as_manager()

    class Meta:
        ordering = ["feed_import", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind", "source_key", "revision"],
                                    name="staged_record_source_key_unique"),
        ]
        indexes = [
            models.Index(fields=["profile", "kind", "source_key"]),
            models.Index(fields=["link_status"]),
            models.Index(fields=["state_id"]),
            models.Index(fields=["fbi_number"]),
            models.Index(fields=["jail_person_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_key} (r{self.revision})"


class ProblemSeverity(models.TextChoices):
    REFUSAL = "refusal", _("Refused")
    WARNING = "warning", _("Warning: value left blank, row kept")


class ImportProblem(models.Model):
    """One reason a file or a row was refused, or (a warning) a value left blank in a row that was kept;
    row_number is null for the file as a whole."""

    feed_import = models.ForeignKey(FeedImport, on_delete=models.CASCADE, related_name="problems")
    row_number = models.PositiveIntegerField(null=True, blank=True)
    column = models.CharField(max_length=200, blank=True)
    value = models.CharField(max_length=210, blank=True)  # truncated
    reason = models.TextField()
    severity = models.CharField(max_length=10, choices=ProblemSeverity.choices, default=ProblemSeverity.REFUSAL)

    class Meta:
        ordering = ["feed_import", "row_number", "id"]

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.reason}"


class QuarantinedRow(models.Model):
    """A bad row kept aside (quarantine mode) so it can be fixed at the source and sent again."""

    feed_import = models.ForeignKey(FeedImport, on_delete=models.CASCADE, related_name="quarantined")
    row_number = models.PositiveIntegerField()
    raw = models.JSONField(default=dict)

    class Meta:
        ordering = ["feed_import", "row_number"]

    def __str__(self) -> str:
        return f"quarantined row {self.row_number}"


# Each area keeps its models in its own module; Django finds them here.
from divert.records.models_events import *  # noqa: E402, F403
from divert.records.models_linkage import *  # noqa: E402, F403
