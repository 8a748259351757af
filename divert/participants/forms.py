from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.participants.models import (
    Enrollment,
    EnrollmentStatus,
    ExitReason,
    allowed_next_statuses,
    validate_photo,
)


def _style(form: forms.BaseForm) -> None:
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, forms.HiddenInput | forms.RadioSelect | forms.CheckboxInput):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


class VersionedForm(forms.Form):
    """Carries the enrollment's last change, so a form opened before someone else's change is refused."""

    version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, enrollment: Enrollment, **kwargs):
        kwargs.setdefault("initial", {})["version"] = enrollment.updated_at.isoformat()
        super().__init__(*args, **kwargs)
        self.enrollment = enrollment

    def clean_version(self) -> datetime:
        try:
            return datetime.fromisoformat(self.cleaned_data["version"])
        except ValueError:
            raise forms.ValidationError(_("The form is damaged; open it again."), code="bad_version") from None

    def is_stale(self) -> bool:
        version = self.cleaned_data.get("version")
        return isinstance(version, datetime) and version != self.enrollment.updated_at


class StatusChangeForm(VersionedForm):
    to_status = forms.ChoiceField(label=_("New status"))
    effective_on = forms.DateField(label=_("Effective on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("What happened, in a sentence. Partners who may see status may read it."))
    exit_reason = forms.ChoiceField(label=_("Exit reason"), required=False,
                                    choices=[("", "—"), *ExitReason.choices],
                                    help_text=_("Needed only when exiting."))

    def __init__(self, *args, enrollment: Enrollment, **kwargs):
        kwargs.setdefault("initial", {})["effective_on"] = timezone.localdate()
        super().__init__(*args, enrollment=enrollment, **kwargs)
        labels = dict(EnrollmentStatus.choices)
        self.fields["to_status"].choices = [(s, labels[s]) for s in allowed_next_statuses(enrollment.status)]
        _style(self)

    def clean_effective_on(self):
        day = self.cleaned_data["effective_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")
        if day < self.enrollment.referred_on:
            raise forms.ValidationError(_("The date cannot be before the referral (%(day)s).")
                                        % {"day": self.enrollment.referred_on}, code="before_referral")
        return day

    def clean(self):
        data = super().clean()
        if data.get("to_status") == EnrollmentStatus.EXITED:
            if not data.get("exit_reason"):
                self.add_error("exit_reason", _("Choose why the enrollment ends."))
        else:
            data["exit_reason"] = ""
        return data


class CaseManagerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        name = user.get_full_name() or user.get_username()
        return _("%(name)s — %(n)d open") % {"name": name, "n": user.open_caseload}


class AssignmentForm(VersionedForm):
    case_manager = CaseManagerChoiceField(label=_("Case manager"), queryset=None, empty_label=None)
    override_reason = forms.CharField(
        label=_("Override reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when assigning beyond the caseload maximum: why this cannot wait."),
    )

    def __init__(self, *args, enrollment: Enrollment, case_managers, **kwargs):
        super().__init__(*args, enrollment=enrollment, **kwargs)
        self.fields["case_manager"].queryset = case_managers
        _style(self)


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(label=_("Record number of the duplicate"), min_value=1,
                                   help_text=_("The number at the end of the duplicate person page's address."))
    reason = forms.CharField(label=_("Why these are the same person"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), required=False, validators=[validate_photo],
                            help_text=_("JPEG or PNG, at most 2 MB."),
                            widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}))
    remove = forms.BooleanField(label=_("Remove the current photo"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self):
        data = super().clean()
        if not data.get("photo") and not data.get("remove"):
            raise forms.ValidationError(_("Choose a photo, or tick “Remove the current photo”."), code="empty")
        return data
