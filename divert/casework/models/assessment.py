"""The assessment instrument (protocol as data), assessments, monthly status and the intervention plan.

The instrument is versioned like the protocol: a draft is edited, then published, and a published version
never changes (assessments point at the exact questions that were asked). Every answer carries the data
category of its question, so a reader sees only the answers the privacy policy lets them see.

The plan belongs to the participant: goals are the ones they choose, there are no mandatory goals and no
deadlines, and a goal is never "failed": it is open, in progress, achieved or set aside.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.privacy.categories import Category

__all__ = [
    "ANSWER_CATEGORIES", "DOMAIN_CATEGORY", "HOUSING_LADDER", "Answer", "Assessment", "Employment", "Goal",
    "GoalDomain", "GoalNote", "GoalStatus", "GoalStatusChange", "GoalStep", "Housing", "IncomeSource",
    "Instrument", "InstrumentLocked", "InterventionPlan", "MonthlyStatus", "Question", "QuestionKind", "Section",
]

# The categories an instrument question may carry.
ANSWER_CATEGORIES = [(c, Category.LABELS[c]) for c in (Category.CASEWORK, Category.HEALTH, Category.SUD,
                                                         Category.LEGAL, Category.IDENTITY)]


class InstrumentLocked(Exception):
    """Raised when something tries to change a published instrument version."""


class InstrumentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=Instrument.State.PUBLISHED)

    def current(self) -> "Instrument | None":
        """The instrument new assessments use: the most recently published version."""
        return self.published().order_by("-published_at", "-id").first()


class Instrument(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, editable=False)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, editable=False,
                                 related_name="+", verbose_name=_("based on"))
    summary = models.TextField(_("what changed"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False, verbose_name=_("published by"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="instrument_name_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk and Instrument.objects.filter(pk=self.pk, state=self.State.PUBLISHED).exists():
            raise InstrumentLocked(f"{self} is published and cannot change")
        if self.version is None:
            last = Instrument.objects.filter(name=self.name).aggregate(models.Max("version"))["version__max"] or 0
            self.version = last + 1
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise InstrumentLocked(f"{self} is published and cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    def questions(self) -> models.QuerySet:
        return (Question.objects.filter(section__instrument=self).select_related("section")
                .order_by("section__order", "section_id", "order", "id"))


def _check_unlocked(instrument_id: int | None) -> None:
    if Instrument.objects.filter(pk=instrument_id, state=Instrument.State.PUBLISHED).exists():
        raise InstrumentLocked("the sections and questions of a published instrument cannot change")


class Section(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        _check_unlocked(self.instrument_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _check_unlocked(self.instrument_id)
        return super().delete(*args, **kwargs)


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    YES_NO = "yes_no", _("Yes or no")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})


class Question(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.SlugField(_("key"), max_length=60, help_text=_("A short name for reports, unique in the instrument."))
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help"), max_length=500, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=QuestionKind.choices)
    # [[value, label], ...] for single and multiple choice; empty otherwise.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    category = models.CharField(_("data category"), max_length=20, choices=ANSWER_CATEGORIES,
                                default=Category.CASEWORK)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["section", "key"], name="question_key_unique_per_section")]

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs):
        _check_unlocked(Section.objects.filter(pk=self.section_id).values_list("instrument_id", flat=True).first())
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _check_unlocked(Section.objects.filter(pk=self.section_id).values_list("instrument_id", flat=True).first())
        return super().delete(*args, **kwargs)

    @property
    def choice_labels(self) -> dict[str, str]:
        return {str(value): str(label) for value, label in self.choices}

    def display(self, value) -> str:
        """An answer's value as a reader sees it."""
        if value in (None, "", []):
            return "—"
        if self.kind == QuestionKind.YES_NO:
            return str(_("Yes")) if value == "yes" else str(_("No"))
        labels = self.choice_labels
        if self.kind == QuestionKind.MULTIPLE:
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        if self.kind == QuestionKind.SINGLE:
            return labels.get(str(value), str(value))
        return str(value)


class Assessment(models.Model):
    class Kind(models.TextChoices):
        INTAKE = "intake", _("Intake")
        REASSESSMENT = "reassessment", _("Reassessment")

    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="assessments")
    enrollment = models.ForeignKey("participants.Enrollment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="assessments")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.INTAKE)
    assessed_on = models.DateField(_("assessed on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    # One per form opened: a double submission records the assessment once.
    submission_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["person", "assessed_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.assessed_on}"


class Answer(models.Model):
    """One answer. Its data category is its question's: who may read it is decided per answer."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(_("value"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "question"], name="answer_once_per_question")]

    def __str__(self) -> str:
        return f"{self.question.key}: {self.display}"

    @property
    def category(self) -> str:
        return self.question.category

    @property
    def display(self) -> str:
        return self.question.display(self.value)


class Housing(models.TextChoices):
    UNSHELTERED = "unsheltered", _("Unsheltered (street, car, encampment)")
    SHELTER = "shelter", _("Emergency shelter")
    TRANSITIONAL = "transitional", _("Transitional housing")
    PERMANENT = "permanent", _("Permanent housing (own or rental)")
    FAMILY_FRIENDS = "family_friends", _("Staying with family or friends")
    INSTITUTION = "institution", _("Institution (jail, hospital, treatment)")
    OTHER = "other", _("Other")


# A rough ladder for the chart of housing over time; the table beside it carries the exact situation.
HOUSING_LADDER = {
    Housing.OTHER: 0, Housing.UNSHELTERED: 1, Housing.SHELTER: 2, Housing.INSTITUTION: 2,
    Housing.FAMILY_FRIENDS: 3, Housing.TRANSITIONAL: 4, Housing.PERMANENT: 5,
}


class IncomeSource(models.TextChoices):
    NONE = "none", _("No income")
    SSI = "ssi", _("SSI")
    SSDI = "ssdi", _("SSDI")
    TANF = "tanf", _("TANF")
    SNAP = "snap", _("SNAP (food benefits)")
    GENERAL_ASSISTANCE = "general_assistance", _("General assistance")
    UNEMPLOYMENT = "unemployment", _("Unemployment insurance")
    VETERANS = "veterans", _("Veterans' benefits")
    EMPLOYMENT = "employment", _("Wages from a job")
    INFORMAL = "informal", _("Informal work or day labor")
    OTHER = "other", _("Other")


class Employment(models.TextChoices):
    """A continuum, not a verdict: any step along it counts."""

    NOT_WORKING = "not_working", _("Not working")
    INFORMAL = "informal", _("Day labor or informal work")
    TRAINING = "training", _("In job training or education for work")
    PART_TIME = "part_time", _("Working part-time")
    FULL_TIME = "full_time", _("Working full-time")


class MonthlyStatus(models.Model):
    """Housing, income and employment in one month (category: casework), so outcomes can follow change."""

    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="monthly_statuses")
    enrollment = models.ForeignKey("participants.Enrollment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="monthly_statuses")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    housing = models.CharField(_("housing"), max_length=20, choices=Housing.choices)
    income_sources = models.JSONField(_("income sources"), default=list)
    employment = models.CharField(_("employment"), max_length=15, choices=Employment.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month"]
        verbose_name_plural = _("monthly statuses")
        constraints = [
            models.UniqueConstraint(fields=["person", "month"], name="monthly_status_once_per_month"),
            models.CheckConstraint(condition=models.Q(housing__in=Housing.values), name="monthly_status_housing_valid"),
            models.CheckConstraint(condition=models.Q(employment__in=Employment.values),
                                   name="monthly_status_employment_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.get_housing_display()}"

    @property
    def income_labels(self) -> list[str]:
        labels = dict(IncomeSource.choices)
        return [str(labels.get(s, s)) for s in self.income_sources]


class GoalDomain(models.TextChoices):
    HOUSING = "housing", _("Housing")
    TREATMENT = "treatment", _("Substance-use treatment and MAT")
    PHYSICAL_HEALTH = "physical_health", _("Physical health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    DOCUMENTS = "documents", _("ID and documents")
    BENEFITS = "benefits", _("Benefits and legal income")
    COURT = "court", _("Court obligations")
    EDUCATION = "education", _("Education")
    JOBS = "jobs", _("Job training and placement")
    FOOD = "food", _("Food")
    LEGAL_ADVOCACY = "legal_advocacy", _("Legal advocacy")
    FAMILY = "family", _("Family and child care")
    OTHER = "other", _("Other")


# The data category a goal carries, by its domain; anything not listed is casework.
DOMAIN_CATEGORY = {
    GoalDomain.TREATMENT: Category.SUD,
    GoalDomain.PHYSICAL_HEALTH: Category.HEALTH,
    GoalDomain.MENTAL_HEALTH: Category.HEALTH,
    GoalDomain.COURT: Category.LEGAL,
}


class GoalStatus(models.TextChoices):
    # There is no "failed": a goal the participant no longer pursues is set aside, without blame.
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    SET_ASIDE = "set_aside", _("Set aside")


class InterventionPlan(models.Model):
    """The participant's Individual Intervention Plan: one per enrollment (category: casework)."""

    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="intervention_plans")
    enrollment = models.OneToOneField("participants.Enrollment", on_delete=models.PROTECT,
                                      related_name="intervention_plan")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Plan for enrollment {self.enrollment_id}"


class Goal(models.Model):
    plan = models.ForeignKey(InterventionPlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("domain"), max_length=20, choices=GoalDomain.choices)
    text = models.TextField(_("goal, in the participant's words"), max_length=1000)
    chosen_by_participant = models.BooleanField(_("the participant chose this goal"), default=False)
    status = models.CharField(_("status"), max_length=15, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    category = models.CharField(_("data category"), max_length=20, choices=ANSWER_CATEGORIES,
                                default=Category.CASEWORK, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("written down by"))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(chosen_by_participant=True), name="goal_chosen_by_participant"),
            models.CheckConstraint(condition=models.Q(status__in=GoalStatus.values), name="goal_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_domain_display()}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        self.category = DOMAIN_CATEGORY.get(self.domain, Category.CASEWORK)
        super().save(*args, **kwargs)


class GoalStatusChange(models.Model):
    """One row per status change, the opening included (from "" to open). Never edited."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=15, choices=GoalStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=15, choices=GoalStatus.choices)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class GoalStep(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    text = models.CharField(_("step"), max_length=500)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("marked done by"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class GoalNote(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"), max_length=4000)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("written by"))
    at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
