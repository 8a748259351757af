import uuid
from datetime import datetime, timedelta

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.casework.models import Contact, ContactKind, NoteCategory, PartnerSummary, Task, TaskKind
from divert.lib.forms import style_fields

DURATION_PICKS = (5, 15, 30, 60, 90)
MAX_MINUTES = 12 * 60
NOTE_MAX = 10000
SUMMARY_MAX = 5000
# A phone's clock may run a little ahead of the server's.
FUTURE_SLACK = timedelta(minutes=10)


def _local_now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class ContactForm(forms.ModelForm):
    occurred_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
    duration_minutes = forms.IntegerField(
        label=_("Minutes"), required=False, min_value=1, max_value=MAX_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "data-duration-input": ""}))

    class Meta:
        model = Contact
        fields = ["kind", "substantive", "duration_minutes", "place", "present", "note", "note_category",
                  "occurred_at"]
        widgets = {
            "kind": forms.RadioSelect,
            "note_category": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 4}),
            "place": forms.TextInput(attrs={"autocomplete": "off"}),
            "present": forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("e.g. just them; their sister")}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ContactKind.choices
        self.fields["note_category"].choices = NoteCategory.choices
        if not self.instance.pk:
            self.initial.setdefault("occurred_at", _local_now())
        self.fields["note"].validators.append(MaxLengthValidator(NOTE_MAX))
        self.fields["note"].widget.attrs["maxlength"] = str(NOTE_MAX)
        style_fields(self)

    def clean_occurred_at(self) -> datetime:
        when = self.cleaned_data["occurred_at"]
        if when > timezone.now() + FUTURE_SLACK:
            raise forms.ValidationError(_("A contact cannot be in the future."), code="future")
        return when


class NewContactForm(ContactForm):
    # Generated when the form is opened; the same form sent twice records one contact.
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)


class VersionField(forms.CharField):
    widget = forms.HiddenInput

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise forms.ValidationError(_("The form is damaged; open it again."), code="bad_version") from None


class EditContactForm(ContactForm):
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["version"] = self.instance.updated_at.isoformat()
        self.initial["occurred_at"] = timezone.localtime(self.instance.occurred_at).strftime("%Y-%m-%dT%H:%M")

    def clean_occurred_at(self) -> datetime:
        when = super().clean_occurred_at()
        # The form shows minutes: an untouched time keeps its seconds instead of counting as a change.
        if when == self.instance.occurred_at.replace(second=0, microsecond=0):
            return self.instance.occurred_at
        return when


class PartnerSummaryForm(forms.ModelForm):
    # The version the writer saw: a newer one saved meanwhile refuses the save.
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = PartnerSummary
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8, "maxlength": str(SUMMARY_MAX)})}

    def __init__(self, *args, latest: PartnerSummary | None = None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("based_on", latest.pk if latest else None)
        initial.setdefault("text", latest.text if latest else "")
        super().__init__(*args, **kwargs)
        self.fields["text"].validators.append(MaxLengthValidator(SUMMARY_MAX))
        style_fields(self)


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "kind", "assigned_to", "due_on"]
        widgets = {"kind": forms.RadioSelect, "due_on": forms.DateInput(attrs={"type": "date"}),
                   "title": forms.TextInput(attrs={"maxlength": "200"})}
        help_texts = {"due_on": _("Optional. Nothing happens on its own when it passes; it is for you.")}

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = assignees
        self.fields["assigned_to"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["kind"].choices = TaskKind.choices
        style_fields(self)

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Say what is to be done."), code="required")
        return title
