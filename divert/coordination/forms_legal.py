"""Forms of the legal area: matters, charges, court dates, dispositions, and the three steps of a coordination
request (open, answer, decide). Writes and the checks that must hold whoever calls live in actions_legal.py."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.accounts.models import Agency
from divert.accounts.roles import AgencyKind
from divert.casework.forms_contacts import VersionField
from divert.coordination.models import (
    AnswerKind,
    CoordinationDecision,
    CoordinationRequest,
    CourtPurpose,
    Disposition,
    LegalMatter,
    MatterKind,
    Severity,
)
from divert.lib.forms import StyledForm, style_fields

TEXT_MAX = 2000
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "maxlength": str(TEXT_MAX)})


class MatterForm(forms.ModelForm):
    """A matter and (when new) its first charge. A prosecutor records only their own office's matters."""

    offense = forms.CharField(label=_("Charge: offense"), max_length=300, required=False)
    statute = forms.CharField(label=_("Charge: statute or code section"), max_length=100, required=False)
    severity = forms.ChoiceField(label=_("Charge: severity"), choices=[("", "—"), *Severity.choices], required=False)

    class Meta:
        model = LegalMatter
        fields = ["kind", "case_number", "court", "prosecuting_agency", "defending_agency", "incident_on",
                  "arrested_on", "filed_on", "warrant_issued_on", "warrant_quashed_on"]
        widgets = {name: DATE for name in ("incident_on", "arrested_on", "filed_on", "warrant_issued_on",
                                           "warrant_quashed_on")}
        help_texts = {
            "incident_on": _("When the alleged incident happened. Kept apart from the filing date, so a case filed "
                             "long after an old incident shows as such."),
            "filed_on": _("When the case was filed in court, if it was."),
        }

    def __init__(self, *args, office: Agency | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget = forms.RadioSelect()
        self.fields["kind"].choices = MatterKind.choices
        self.fields["prosecuting_agency"].queryset = Agency.objects.filter(kind=AgencyKind.PROSECUTOR, active=True)
        self.fields["defending_agency"].queryset = Agency.objects.filter(kind=AgencyKind.DEFENDER, active=True)
        if office is not None:
            # A prosecutor records their own office's matters: the field is fixed, not a choice.
            del self.fields["prosecuting_agency"]
        if self.instance.pk:
            for name in ("offense", "statute", "severity"):
                del self.fields[name]
            self.fields["version"] = VersionField()
            self.initial["version"] = self.instance.updated_at.isoformat()
        style_fields(self)

    def clean(self):
        data = super().clean()
        if "offense" in self.fields and data.get("offense") and not data.get("severity"):
            self.add_error("severity", _("Give the charge's severity."))
        return data

    def charges(self) -> list[dict]:
        data = self.cleaned_data
        if not data.get("offense"):
            return []
        return [{"offense": data["offense"], "statute": data.get("statute", ""), "severity": data["severity"]}]

    def matter_fields(self) -> dict:
        skip = {"offense", "statute", "severity", "version"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class ChargeForm(StyledForm):
    offense = forms.CharField(label=_("Offense"), max_length=300)
    statute = forms.CharField(label=_("Statute or code section"), max_length=100, required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, widget=forms.RadioSelect)


class CourtDateForm(StyledForm):
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    purpose = forms.ChoiceField(label=_("Purpose"), choices=CourtPurpose.choices)
    courtroom = forms.CharField(label=_("Courtroom"), max_length=100, required=False)


class DispositionForm(StyledForm):
    disposition = forms.ChoiceField(label=_("Disposition"), choices=Disposition.choices, widget=forms.RadioSelect)
    disposed_on = forms.DateField(label=_("Disposition date"), widget=DATE)
    version = VersionField()

    def __init__(self, *args, matter: LegalMatter, **kwargs):
        kwargs.setdefault("initial", {}).update({
            "version": matter.updated_at.isoformat(), "disposition": matter.disposition or None,
            "disposed_on": matter.disposed_on or timezone.localdate()})
        super().__init__(*args, **kwargs)


class OpenRequestForm(StyledForm):
    note = forms.CharField(
        label=_("What would you like to know from the case manager?"), required=False, max_length=TEXT_MAX,
        widget=_textarea(),
        help_text=_("Optional. The case manager answers with what the participant's release lets them share: "
                    "engagement, goals, what would help and what would set them back. Never ask about drug use, "
                    "health or conduct."))


class AnswerForm(StyledForm):
    answer_kind = forms.ChoiceField(label=_("Your answer"), choices=AnswerKind.choices, widget=forms.RadioSelect)
    engagement = forms.CharField(label=_("Engagement"), required=False, max_length=TEXT_MAX, widget=_textarea(),
                                 help_text=_("That the person works with the program, and how; as partners may read "
                                             "it."))
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals of the plan this concerns"), required=False, queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For the team's own record. The prosecutor never sees these goals, only what you write below."))
    goals_text = forms.CharField(label=_("Relevant goals, in words the prosecutor may read"), required=False,
                                 max_length=TEXT_MAX, widget=_textarea())
    helps = forms.CharField(label=_("What would help"), required=False, max_length=TEXT_MAX, widget=_textarea())
    setbacks = forms.CharField(label=_("What would set the person back"), required=False, max_length=TEXT_MAX,
                               widget=_textarea())
    version = VersionField()

    def __init__(self, *args, req: CoordinationRequest, goals, may_recommend: bool, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", req.updated_at.isoformat())
        if req.answer_kind:
            initial.setdefault("answer_kind", req.answer_kind)
            for name in ("engagement", "goals_text", "helps", "setbacks"):
                initial.setdefault(name, getattr(req, name))
            initial.setdefault("goals", [g.pk for g in req.goals.all()])
        elif not may_recommend:
            initial.setdefault("answer_kind", AnswerKind.NOTHING_TO_SHARE)
        super().__init__(*args, **kwargs)
        self.may_recommend = may_recommend
        self.fields["goals"].queryset = goals
        self.fields["goals"].label_from_instance = lambda g: f"{g.get_domain_display()}: {g.text}"

    def clean(self):
        data = super().clean()
        kind = data.get("answer_kind")
        if kind == AnswerKind.RECOMMENDATION:
            if not self.may_recommend:
                self.add_error("answer_kind", _("No release in effect lets the prosecutor's office read a "
                                                "recommendation. Answer that there is nothing you can share under "
                                                "the current consent."))
            elif not any((data.get(k) or "").strip() for k in ("engagement", "goals_text", "helps", "setbacks")):
                self.add_error(None, _("Write the recommendation, or answer that there is nothing you can share."))
        return data


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=CoordinationDecision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=TEXT_MAX, widget=_textarea(),
                             help_text=_("Needed to decline or to file. The case manager reads it; so does the "
                                         "defending agency, where one defends the matter."))
    review_by = forms.DateField(label=_("Review by (for a hold)"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        reason = (data.get("reason") or "").strip()
        if decision in (CoordinationDecision.DECLINE, CoordinationDecision.FILE) and not reason:
            self.add_error("reason", _("Give the reason for this decision."))
        if decision == CoordinationDecision.HOLD:
            review_by = data.get("review_by")
            if review_by is None:
                self.add_error("review_by", _("A hold needs the date by which you will look at it again."))
            elif review_by <= timezone.localdate():
                self.add_error("review_by", _("The review-by date must be after today."))
        return data
