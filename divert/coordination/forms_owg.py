import uuid
from datetime import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from divert.coordination.models import (
    ActionItem,
    AgendaItemKind,
    AttendanceStatus,
    MeetingDecision,
    MeetingGuest,
    OperationalWorkGroup,
    OperationalWorkGroupFlag,
)
from divert.lib.forms import StyledForm, style_fields

MINUTES_MAX = 20000


def _person_label(user) -> str:
    seat = user.seat
    name = user.get_full_name() or user.get_username()
    return f"{name} — {seat.get_role_display()}, {seat.agency}" if seat else name


class SubmissionKeyMixin(forms.Form):
    # Generated when the form is opened; the same form sent twice records one row.
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)


class RevisionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=0, error_messages={"invalid": _("The form is damaged; open it again."),
                                                      "required": _("The form is damaged; open it again.")},
                         **kwargs)


class GroupForm(forms.ModelForm):
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    call_link = forms.URLField(label=_("Call link"), required=False, assume_scheme="https")

    class Meta:
        model = OperationalWorkGroup
        fields = ["name", "cadence_days", "weekday", "starts_at", "duration_minutes", "place", "call_link",
                  "first_meeting_on", "active"]
        widgets = {"starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "first_meeting_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadence_days"].min_value = 1
        self.fields["cadence_days"].widget.attrs.update(min="1", max="90")
        if self.instance.pk:
            self.initial["version"] = self.instance.updated_at.isoformat()
        style_fields(self)

    def clean_cadence_days(self) -> int:
        days = self.cleaned_data["cadence_days"]
        if not 1 <= days <= 90:
            raise forms.ValidationError(_("Meet at least every 90 days, and at most daily."), code="range")
        return days

    def clean_version(self):
        raw = self.cleaned_data.get("version") or ""
        if not self.instance.pk:
            return None
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError(_("The form is damaged; open it again."), code="bad_version") from None


class MemberForm(StyledForm):
    user = forms.ModelChoiceField(label=_("Member"), queryset=get_user_model().objects.none())
    community_representative = forms.BooleanField(
        label=_("Community representative"), required=False,
        help_text=_("Sees what their seat allows: nothing about participants unless a release names them."))
    organization = forms.CharField(label=_("Organization"), max_length=200, required=False,
                                   help_text=_("For a member without an agency."))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = _person_label


class AgendaItemForm(SubmissionKeyMixin, StyledForm):
    kind = forms.ChoiceField(label=_("Kind of item"), widget=forms.RadioSelect,
                             choices=[c for c in AgendaItemKind.choices if c[0] != AgendaItemKind.PARTICIPANT],
                             initial=AgendaItemKind.OPERATIONAL)
    title = forms.CharField(label=_("Item"), max_length=300,
                            help_text=_("Partners read this. No names: for an item about a participant, give their "
                                        "record number below."))
    person = forms.IntegerField(label=_("Participant's record number"), required=False, min_value=1,
                                help_text=_("Optional. The number in the address of their page (/people/123/). Only "
                                            "seats that may know them will see the item."),
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


class AttendanceForm(forms.Form):
    revision = RevisionField()

    def __init__(self, *args, members, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for user in members:
            self.fields[f"member_{user.pk}"] = forms.ChoiceField(
                label=_person_label(user), choices=AttendanceStatus.choices, widget=forms.RadioSelect,
                initial=current.get(user.pk, AttendanceStatus.PRESENT))

    def statuses(self) -> dict[int, str]:
        return {user.pk: self.cleaned_data[f"member_{user.pk}"] for user in self.members}


class GuestForm(SubmissionKeyMixin, forms.ModelForm):
    class Meta:
        model = MeetingGuest
        fields = ["name", "agency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class _AgendaChoice(forms.ModelChoiceField):
    def label_from_instance(self, item) -> str:
        return self.labels.get(item.pk, item.title)


class DecisionForm(SubmissionKeyMixin, forms.ModelForm):
    agenda_item = _AgendaChoice(label=_("About agenda item"), required=False, queryset=None,
                                empty_label=_("The meeting as a whole"))

    class Meta:
        model = MeetingDecision
        fields = ["agenda_item", "text", "reason"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "reason": forms.Textarea(attrs={"rows": 2})}
        labels = {"text": _("Decision"), "reason": _("Reason")}

    def __init__(self, *args, items, labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = items
        self.fields["agenda_item"].labels = labels
        self.fields["text"].validators.append(MaxLengthValidator(2000))
        self.fields["reason"].validators.append(MaxLengthValidator(2000))
        style_fields(self)


class ActionItemForm(SubmissionKeyMixin, forms.ModelForm):
    agenda_item = _AgendaChoice(label=_("About agenda item"), required=False, queryset=None,
                                empty_label=_("The meeting as a whole"))

    class Meta:
        model = ActionItem
        fields = ["agenda_item", "text", "owner", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}
        labels = {"text": _("Action"), "owner": _("Owner")}
        help_texts = {"text": _("Becomes a task for its owner. Partner-safe: no names unless the owner may know "
                                "the person, no detail that could be used against anyone.")}

    def __init__(self, *args, items, labels, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = items
        self.fields["agenda_item"].labels = labels
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = _person_label
        self.fields["owner"].error_messages["required"] = _("Every action item needs an owner.")
        self.fields["due_on"].required = True
        style_fields(self)


class MinutesForm(forms.Form):
    revision = RevisionField()
    summary = forms.CharField(label=_("Overall minutes"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("Protocol decisions, operational and administrative issues. Name no "
                                          "participant here; write about a person under their own item."),
                              validators=[MaxLengthValidator(MINUTES_MAX)])

    def __init__(self, *args, items, labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for number, item in enumerate(self.items, start=1):
            self.fields[f"item_{item.pk}"] = forms.CharField(
                label=_("Item %(n)d: %(label)s") % {"n": number, "label": labels.get(item.pk, item.title)},
                required=False, initial=item.minutes, widget=forms.Textarea(attrs={"rows": 2}),
                validators=[MaxLengthValidator(MINUTES_MAX)])
        style_fields(self)

    def item_minutes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"item_{item.pk}", "") for item in self.items}

    def item_fields(self):
        return [self[f"item_{item.pk}"] for item in self.items]


class FlagForm(forms.ModelForm):
    class Meta:
        model = OperationalWorkGroupFlag
        fields = ["reason"]
        widgets = {"reason": forms.TextInput(attrs={"maxlength": "300"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
