from django import forms
from django.utils.translation import gettext_lazy as _

from divert.outcomes.dashboard import DIMENSIONS, dimension_values, period_choices
from divert.outcomes.metrics import Filter
from divert.outcomes.models import UnitCostDeclaration

LABELS = {"area": _("Area"), "door": _("Door"), "provider": _("Provider"), "race": _("Race and ethnicity"),
          "gender": _("Gender"), "age_band": _("Age at referral")}


class OutcomeFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"))

    def __init__(self, *args, full: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.full = full
        self.periods = {value: (start, end) for value, _, start, end in period_choices()}
        self.fields["period"].choices = [(value, label) for value, label, _, _ in period_choices()]
        for name in DIMENSIONS:
            self.fields[name] = forms.ChoiceField(label=LABELS[name], required=False,
                                                  choices=[("", _("All"))] + dimension_values(name))
        if full:
            self.fields["start"] = forms.DateField(label=_("Or from"), required=False,
                                                   widget=forms.DateInput(attrs={"type": "date"}))
            self.fields["end"] = forms.DateField(label=_("to"), required=False,
                                                 widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        chosen = [name for name in DIMENSIONS if data.get(name)]
        if not self.full and len(chosen) > 1:
            raise forms.ValidationError(_("Choose one breakdown at a time: small numbers are hidden, and combining "
                                          "breakdowns could give them away."))
        start, end = data.get("start"), data.get("end")
        if self.full and (start or end):
            if not (start and end):
                raise forms.ValidationError(_("Give both dates of the period, or neither."))
            if start > end:
                raise forms.ValidationError(_("The period must start before it ends."))
        return data

    def filter(self) -> Filter:
        data = self.cleaned_data
        start, end = self.periods[data["period"]]
        if self.full and data.get("start"):
            start, end = data["start"], data["end"]
        return Filter(start, end, area=data.get("area") or "", door=data.get("door") or "",
                      provider=int(data["provider"]) if data.get("provider") else None, race=data.get("race") or "",
                      gender=data.get("gender") or "", age_band=data.get("age_band") or "")

    def dimension(self) -> str | None:
        return next((name for name in DIMENSIONS if self.cleaned_data.get(name)), None)


class UnitCostForm(forms.ModelForm):
    class Meta:
        model = UnitCostDeclaration
        fields = ["effective_on", "bed_day_average", "bed_day_marginal", "booking", "program_per_participant_month",
                  "source"]
        widgets = {"effective_on": forms.DateInput(attrs={"type": "date"}), "source": forms.Textarea(attrs={"rows": 2})}
