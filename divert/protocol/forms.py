"""Forms for editing a protocol draft and recording the policy group's approval."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.lib.forms import StyledForm, style_fields
from divert.participants.models import Door

from .examples import EXAMPLES
from .models import MAX_INTAKE_DEADLINE_DAYS, DiversionProtocol, OffenseCategory
from .wording import SETTING_FIELDS

OFFENSE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9./()_-]*$")


class AreaListField(forms.CharField):
    """Named catchment areas, one a line; stored as a list."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        areas = []
        for line in text.splitlines():
            area = " ".join(line.split())
            if area and area.casefold() not in {a.casefold() for a in areas}:
                areas.append(area)
        for area in areas:
            if len(area) > 100:
                raise ValidationError(_("An area name is at most 100 characters: %(area)s…"),
                                      params={"area": area[:40]})
        return areas


class PolygonField(forms.CharField):
    """A catchment outline: one "latitude, longitude" point a line; stored as [[lat, lon], ...]."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        return "\n".join(f"{lat}, {lon}" for lat, lon in value) if isinstance(value, list) else value

    def to_python(self, value) -> list[list[float]]:
        text = super().to_python(value)
        points = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p for p in re.split(r"[,;\s]+", line.strip()) if p]
            try:
                lat, lon = (float(p) for p in parts)
            except ValueError:
                raise ValidationError(_("Line %(n)s is not \"latitude, longitude\": %(line)s"),
                                      params={"n": number, "line": line.strip()[:40]}) from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValidationError(_("Line %(n)s is off the map: latitude runs from -90 to 90 and longitude "
                                        "from -180 to 180."), params={"n": number})
            points.append([lat, lon])
        if points and len(points) < 3:
            raise ValidationError(_("An outline needs at least three points."))
        return points


class ProtocolForm(forms.ModelForm):
    """The settings of a draft. Saved through do_update_draft, never form.save()."""

    catchment_areas = AreaListField(
        label=_("Catchment areas"), required=False,
        help_text=_("One area a line, as officers will choose them. Leave empty for no named areas."))
    catchment_polygon = PolygonField(
        label=_("Catchment outline on the map"), required=False,
        help_text=_("Optional. One point a line as \"latitude, longitude\", at least three points, for example "
                    "\"47.6145, -122.3480\". A referral with a location must fall inside."))
    catchment_doors = forms.MultipleChoiceField(
        label=_("Doors the catchment area applies to"), required=False, choices=Door.choices,
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = DiversionProtocol
        fields = ["name", "summary", *SETTING_FIELDS]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "summary": _("For the policy group: what this version changes and why."),
            "intake_deadline_days": _("The diverted charge stays unfiled while intake is completed within this many "
                                      "days. At least 1, at most 30."),
            "handoff_target_minutes": _("How soon a case manager should meet the officer after being paged."),
            "violent_lookback_years": _("Leave empty to turn the rule off."),
            "minimum_age": _("Leave empty for no minimum age."),
            "social_recency_months": _("Leave empty for no limit."),
            "caseload_warning": _("Supervisors are warned at this many open cases per case manager (toolkit: 20)."),
            "caseload_maximum": _("No case manager is assigned more than this without an override (toolkit: 25)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
        deadline = self.fields["intake_deadline_days"]
        deadline.widget.attrs.update({"min": 1, "max": MAX_INTAKE_DEADLINE_DAYS})

    def clean_intake_deadline_days(self):
        days = self.cleaned_data["intake_deadline_days"]
        if days is not None and not 1 <= days <= MAX_INTAKE_DEADLINE_DAYS:
            raise ValidationError(_("The intake deadline must be between 1 and %(max)s days after the referral "
                                    "(California's law allows at most 30)."), params={"max": MAX_INTAKE_DEADLINE_DAYS})
        return days

    def clean(self):
        data = super().clean()
        has_catchment = data.get("catchment_areas") or data.get("catchment_polygon")
        if has_catchment and not data.get("catchment_doors") and "catchment_doors" not in self.errors:
            self.add_error("catchment_doors", _("Choose the doors the catchment area applies to, or it is never "
                                                "checked."))
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class OffenseForm(StyledForm):
    code = forms.CharField(label=_("Code"), max_length=30)
    label = forms.CharField(label=_("Label"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *OffenseCategory.choices])

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not OFFENSE_CODE.match(code):
            raise ValidationError(_("Use letters, digits and . / ( ) _ - only, no spaces (for example VUCSA-POSS)."))
        return code

    def clean_label(self) -> str:
        return " ".join(self.cleaned_data["label"].split())


class BaseOffenseFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self._kept_forms():
            code = form.cleaned_data.get("code")
            if code in seen:
                form.add_error("code", _("%(code)s is listed twice; each code once.") % {"code": code})
            seen.add(code)

    def _kept_forms(self):
        """Rows that stay: existing rows not marked for removal, and new rows that were filled in."""
        for i, form in enumerate(self.forms):
            if self._should_delete_form(form) or not form.cleaned_data:
                continue
            if i < self.initial_form_count() or form.has_changed():
                yield form

    def rows(self) -> list[tuple[str, str, str]]:
        return [(f.cleaned_data["code"], f.cleaned_data["label"], f.cleaned_data["category"])
                for f in self._kept_forms()]


OffenseFormSet = forms.formset_factory(OffenseForm, formset=BaseOffenseFormSet, extra=3, can_delete=True,
                                       max_num=200, validate_max=True)


def offense_formset(protocol: DiversionProtocol, data=None) -> BaseOffenseFormSet:
    initial = [{"code": o.code, "label": o.label, "category": o.category} for o in protocol.offenses.all()]
    return OffenseFormSet(data, initial=initial, prefix="offenses")


class NewDraftForm(forms.Form):
    """Only used when no version exists: which example to start from."""

    example = forms.ChoiceField(label=_("Start from"), widget=forms.RadioSelect,
                                choices=[(key, value["name"]) for key, value in EXAMPLES.items()])


class ApprovalForm(StyledForm):
    approved_on = forms.DateField(label=_("Approved by the Policy Coordinating Group on"),
                                  widget=forms.DateInput(attrs={"type": "date"}))
    effective_on = forms.DateField(label=_("Takes effect on"), widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text=_("Referrals from this day on are judged under this version."))
    record = forms.CharField(
        label=_("Approval record"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The policy group meeting and where its minutes record the decision, for example "
                    "\"PCG meeting of 12 March 2026, minutes item 4\"."))

    def clean_approved_on(self):
        approved_on = self.cleaned_data["approved_on"]
        if approved_on > timezone.localdate():
            raise ValidationError(_("The approval date cannot be in the future: record an approval once it is "
                                    "given."))
        return approved_on

    def clean(self):
        data = super().clean()
        approved_on, effective_on = data.get("approved_on"), data.get("effective_on")
        if approved_on and effective_on and effective_on < approved_on:
            self.add_error("effective_on", _("A version cannot take effect before the policy group approved it."))
        return data
