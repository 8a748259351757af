"""Forms for letters to courts and probation. The help texts carry the First Golden Rule to the person writing."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.casework.models import Goal
from divert.coordination.actions_letters import recipient_agencies
from divert.coordination.models import Letter, SendMethod
from divert.coordination.models.letters import SECTION_MAX
from divert.lib.forms import StyledForm, style_fields
from divert.privacy.policy import Category

SECTION_HELP = {
    "engagement": _("Confirm that the person works with the program, and since when."),
    "progress": _("Progress as the participant's release allows: areas of their plan where things moved."),
    "barriers": _("What stands in the way, and which resources are missing (housing, income, ID, treatment "
                  "slots). Describe needs, not conduct."),
    "outlook": _("What further progress looks feasible, and the interim goals the participant has chosen."),
    "treatment": _("Only what the Part 2 consent describes (for example: enrolled in medication treatment "
                   "since a date). Never test results or use. The letter will carry the 42 CFR 2.32 notice."),
}
SUD_HELP = _("Only under a Part 2 consent (42 CFR 2.31) in effect that names this court or probation agency for "
             "substance-use treatment information. The letter then carries the federal redisclosure notice.")


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, goal: Goal) -> str:
        text = " ".join(goal.text.split())
        text = text if len(text) <= 120 else text[:119] + "…"
        label = f"{goal.get_domain_display()}: {text} ({goal.get_status_display().lower()})"
        if goal.category == Category.SUD:
            label += " — " + str(_("only in a letter with substance-use treatment information"))
        return label


class NewLetterForm(StyledForm):
    recipient = forms.ModelChoiceField(label=_("Court or probation agency"), queryset=recipient_agencies())
    addressee = forms.CharField(label=_("Addressed to"), max_length=200, required=False,
                                help_text=Letter._meta.get_field("addressee").help_text)
    goals = GoalChoiceField(
        label=_("Goals to build the letter from"), queryset=Goal.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Goals of the current plan the participant chose. Health and court-obligation goals are not "
                    "offered, and goals set aside never are."))
    include_sud = forms.BooleanField(label=_("Include substance-use treatment information"), required=False,
                                     help_text=SUD_HELP)

    def __init__(self, *args, goals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipient_agencies()
        if goals is not None:
            self.fields["goals"].queryset = goals

    def clean(self):
        data = super().clean()
        if not data.get("include_sud") and any(g.category == Category.SUD for g in data.get("goals") or []):
            self.add_error("goals", _("Treatment goals go only in a letter that includes substance-use treatment "
                                      "information."))
        return data


class LetterForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Letter
        fields = ["addressee", "engagement", "progress", "barriers", "outlook", "include_sud", "treatment"]
        widgets = {name: forms.Textarea(attrs={"rows": 6, "maxlength": str(SECTION_MAX)})
                   for name in ("engagement", "progress", "barriers", "outlook", "treatment")}
        help_texts = {**SECTION_HELP, "include_sud": SUD_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)
        for name in ("engagement", "progress", "barriers", "outlook", "treatment"):
            self.fields[name].validators.append(MaxLengthValidator(SECTION_MAX))
        style_fields(self)

    def clean(self):
        data = super().clean()
        if data.get("treatment", "").strip() and not data.get("include_sud"):
            self.add_error("treatment", _("Tick “include substance-use treatment information” to keep this "
                                          "section, or empty it."))
        return data


class SendForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    sent_on = forms.DateField(label=_("Date sent"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("How it is sent"), choices=SendMethod.choices, widget=forms.RadioSelect)
    confirm = forms.BooleanField(
        label=_("I have read the letter as it will be sent. It says nothing about violations, drug use or conduct, "
                "and nothing that leaves a false impression."))

    def clean_sent_on(self):
        day = self.cleaned_data["sent_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")
        return day


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
