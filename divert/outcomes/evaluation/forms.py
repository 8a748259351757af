from django import forms
from django.utils.translation import gettext_lazy as _

from divert.accounts.models import Agency
from divert.accounts.roles import AgencyKind
from divert.lib.forms import style_fields
from divert.outcomes.evaluation.models import EXTRACT_FIELDS, DataUseAgreement, ImportedCohort


class RunForm(forms.Form):
    comparison = forms.ChoiceField(label=_("Comparison group"))
    method = forms.ChoiceField(label=_("Balancing"), widget=forms.RadioSelect, initial="match", choices=[
        ("match", _("Propensity-score matching (nearest neighbour, caliper)")),
        ("weight", _("Propensity-score weighting (effect on participants)"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("feeds", _("People in the justice data booked on divertible offenses, not diverted"))]
        choices += [(str(c.pk), _("Imported: %(name)s") % {"name": c.name}) for c in ImportedCohort.objects.all()]
        self.fields["comparison"].choices = choices
        style_fields(self)

    def cohort(self):
        value = self.cleaned_data["comparison"]
        return None if value == "feeds" else ImportedCohort.objects.get(pk=int(value))


class CohortForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("How it was drawn"), widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False)
    file = forms.FileField(label=_("CSV file"), help_text=_(
        "Columns: subject_id, index_date, birth_year, sex, race, kind, occurred_on, severity, released_on. One row "
        "per event; a subject with no events has one row with kind blank. No names or dates of birth."))


class AgreementForm(forms.ModelForm):
    fields = forms.MultipleChoiceField(label=_("Fields allowed"), choices=list(EXTRACT_FIELDS.items()),
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = DataUseAgreement
        fields = ["recipient_agency", "parties", "purpose", "starts_on", "expires_on", "signed_on", "fields",
                  "date_detail"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}),
                   "expires_on": forms.DateInput(attrs={"type": "date"}),
                   "signed_on": forms.DateInput(attrs={"type": "date"}),
                   "parties": forms.Textarea(attrs={"rows": 2}), "purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_agency"].queryset = Agency.objects.filter(kind=AgencyKind.EVALUATOR)
        style_fields(self)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("expires_on") and data["expires_on"] < data["starts_on"]:
            self.add_error("expires_on", _("The agreement expires before its period starts."))
        return data
