"""Forms for assessments (built from an instrument version), monthly status, the plan and instrument drafts."""

import re
import uuid
from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.casework.models import (
    ANSWER_CATEGORIES,
    Assessment,
    Employment,
    GoalDomain,
    GoalStatus,
    Housing,
    IncomeSource,
    Question,
    QuestionKind,
)
from divert.lib.forms import StyledForm, style_fields

EXCLUSIVE_CHOICES = ("prefer_not_to_say", "none")


class VersionedForm(StyledForm):
    """Carries the object's `updated_at`, so an edit opened before someone else's change is refused."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    version_required = True

    def clean_version(self) -> datetime | None:
        raw = self.cleaned_data.get("version") or ""
        if not raw:
            if self.version_required:
                raise forms.ValidationError(_("The form is damaged; open it again."), code="bad_version")
            return None
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError(_("The form is damaged; open it again."), code="bad_version") from None


def _not_future(day: date) -> date:
    if day > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."), code="future")
    return day


def _exclusive(values: list[str], labels: dict) -> list[str]:
    """"Prefer not to say" and "none" stand alone."""
    for value in EXCLUSIVE_CHOICES:
        if value in values and len(values) > 1:
            raise forms.ValidationError(_("“%(label)s” cannot be chosen with other answers.")
                                        % {"label": labels.get(value, value)}, code="exclusive")
    return values


def question_field(question: Question) -> forms.Field:
    common = {"label": question.text, "required": question.required, "help_text": question.help_text}
    choices = [(str(v), str(label)) for v, label in question.choices]
    if question.kind == QuestionKind.SINGLE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if question.kind == QuestionKind.YES_NO:
        return forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common)
    if question.kind == QuestionKind.NUMBER:
        return forms.DecimalField(max_digits=12, decimal_places=2, min_value=0, **common)
    if question.kind == QuestionKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), **common)


def _json_value(question: Question, value):
    if value in (None, "", []):
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    if question.kind == QuestionKind.MULTIPLE:
        return list(value)
    return value.strip() if isinstance(value, str) else value


class AssessmentForm(StyledForm):
    """The published instrument's questions, but only those whose category the user may see.

    `may_see(category)` is the reader's visibility; the case-management team sees (and so writes) every
    category. Fields are named after the question keys.
    """

    kind = forms.ChoiceField(label=_("Kind of assessment"), choices=Assessment.Kind.choices)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=forms.DateInput(attrs={"type": "date"}))
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, instrument, may_see, has_intake: bool, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("kind", Assessment.Kind.REASSESSMENT if has_intake else Assessment.Kind.INTAKE)
        initial.setdefault("assessed_on", timezone.localdate())
        initial.setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.has_intake = has_intake
        self.questions = [q for q in instrument.questions() if may_see(q.category)]
        self.sections: list[tuple] = []
        for question in self.questions:
            name = f"q_{question.key}"
            self.fields[name] = question_field(question)
            if not self.sections or self.sections[-1][0] != question.section:
                self.sections.append((question.section, []))
            self.sections[-1][1].append(name)
        style_fields(self)

    def section_fields(self):
        """[(section, [bound fields])] for the template."""
        return [(section, [self[name] for name in names]) for section, names in self.sections]

    def clean_assessed_on(self) -> date:
        return _not_future(self.cleaned_data["assessed_on"])

    def clean(self):
        data = super().clean()
        if data.get("kind") == Assessment.Kind.INTAKE and self.has_intake:
            self.add_error("kind", _("This enrollment already has an intake. Record a reassessment."))
        for question in self.questions:
            name = f"q_{question.key}"
            if question.kind == QuestionKind.MULTIPLE and data.get(name):
                try:
                    _exclusive(data[name], question.choice_labels)
                except forms.ValidationError as e:
                    self.add_error(name, e)
        return data

    def answers(self) -> dict[Question, object]:
        return {q: _json_value(q, self.cleaned_data.get(f"q_{q.key}")) for q in self.questions}


MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(raw: str) -> date | None:
    match = MONTH_RE.match(raw or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return date(year, month, 1)


class MonthlyStatusForm(VersionedForm):
    version_required = False  # empty when recording a new month
    month = forms.CharField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}),
                            help_text=_("Year and month, for example 2026-03."))
    housing = forms.ChoiceField(label=_("Housing"), choices=Housing.choices, widget=forms.RadioSelect)
    income_sources = forms.MultipleChoiceField(label=_("Income and benefits"), choices=IncomeSource.choices,
                                               widget=forms.CheckboxSelectMultiple)
    employment = forms.ChoiceField(label=_("Employment"), choices=Employment.choices, widget=forms.RadioSelect)

    def clean_month(self) -> date:
        month = parse_month(self.cleaned_data["month"].strip())
        if month is None:
            raise forms.ValidationError(_("Give the year and month, for example 2026-03."), code="month")
        today = timezone.localdate()
        if month > today.replace(day=1):
            raise forms.ValidationError(_("The month cannot be in the future."), code="future")
        return month

    def clean_income_sources(self) -> list[str]:
        return _exclusive(self.cleaned_data["income_sources"], dict(IncomeSource.choices))


class GoalForm(StyledForm):
    domain = forms.ChoiceField(label=_("Domain"), choices=GoalDomain.choices)
    text = forms.CharField(label=_("The goal, in the participant's words"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    steps = forms.CharField(label=_("First steps (one a line)"), required=False, max_length=3000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    chosen_by_participant = forms.BooleanField(
        label=_("The participant chose this goal"), required=True,
        error_messages={"required": _("A goal goes in the plan only when the participant chose it.")},
        help_text=_("There are no mandatory goals and no deadlines: the plan holds what the participant wants."))

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write the goal down."), code="required")
        return text

    def clean_steps(self) -> list[str]:
        steps = [line.strip()[:500] for line in self.cleaned_data["steps"].splitlines() if line.strip()]
        if len(steps) > 20:
            raise forms.ValidationError(_("Twenty steps at most; add more later."), code="too_many")
        return steps


class GoalStatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("New status"), choices=GoalStatus.choices)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class StepForm(VersionedForm):
    text = forms.CharField(label=_("Next step"), max_length=500)


class StepDoneForm(VersionedForm):
    pass


class NoteForm(StyledForm):
    text = forms.CharField(label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


# --- Instrument drafts -------------------------------------------------------------------------------------

class SectionForm(VersionedForm):
    title = forms.CharField(label=_("Section title"), max_length=200)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)


class QuestionForm(VersionedForm):
    section = forms.TypedChoiceField(label=_("Section"), coerce=int)
    order = forms.IntegerField(label=_("Order in the section"), min_value=0, max_value=999, initial=0)
    key = forms.SlugField(label=_("Key"), max_length=60,
                          help_text=_("Letters, digits, - and _; unique in the instrument. Used in reports."))
    text = forms.CharField(label=_("Question"), max_length=500)
    help_text = forms.CharField(label=_("Help (optional)"), max_length=500, required=False)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=QuestionKind.choices)
    choices = forms.CharField(
        label=_("Choices (one a line, value|label)"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}), help_text=_("Only for single and multiple choice."))
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    category = forms.ChoiceField(label=_("Data category"), choices=ANSWER_CATEGORIES,
                                 help_text=_("Decides who may read the answer."))
    delete = forms.BooleanField(label=_("Remove this question"), required=False)

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s.pk, s.title) for s in instrument.sections.all()]

    def clean_choices(self) -> list[list[str]]:
        pairs = []
        for line in self.cleaned_data["choices"].splitlines():
            if not line.strip():
                continue
            value, _sep, label = line.partition("|")
            value, label = value.strip(), (label.strip() or value.strip())
            if not re.fullmatch(r"[-a-zA-Z0-9_]{1,60}", value):
                raise forms.ValidationError(_("Each choice starts with a value of letters, digits, - or _."),
                                            code="choice")
            pairs.append([value, label[:200]])
        if len({v for v, _label in pairs}) != len(pairs):
            raise forms.ValidationError(_("Two choices have the same value."), code="duplicate")
        return pairs

    def clean(self):
        data = super().clean()
        kind, pairs = data.get("kind"), data.get("choices")
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and not pairs and not data.get("delete"):
            self.add_error("choices", _("A choice question needs at least one choice."))
        elif kind and kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            data["choices"] = []
        return data

    @staticmethod
    def initial_for(question: Question) -> dict:
        return {"section": question.section_id, "order": question.order, "key": question.key, "text": question.text,
                "help_text": question.help_text, "kind": question.kind, "required": question.required,
                "category": question.category,
                "choices": "\n".join(f"{v}|{label}" for v, label in question.choices)}


class PublishForm(VersionedForm):
    confirm = forms.BooleanField(label=_("Publish this version. It can never change afterwards."), required=True)
