"""Referral forms. No form here asks about informants or sources."""

import uuid
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.accounts.models import Agency, User
from divert.accounts.roles import AgencyKind, Role
from divert.lib.forms import StyledForm, style_fields
from divert.participants.models import Door
from divert.protocol.eligibility import VERIFICATION_BASES, YES_NO_UNKNOWN, questions_for
from divert.protocol.models import DiversionProtocol

from .models import Need, OnCallShift, ProbationStatus

OTHER_AREA = "__other__"
OLDEST_BIRTH_YEAR = 1900


class PersonFieldsMixin:
    """Date of birth or approximate age, checked for impossible values."""

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born and born > timezone.localdate():
            raise forms.ValidationError(_("A date of birth cannot be in the future."))
        if born and born.year < OLDEST_BIRTH_YEAR:
            raise forms.ValidationError(_("That date of birth is too long ago; check the year."))
        return born


def _person_fields(form: forms.Form, last_name_required: bool = False) -> None:
    form.fields["first_name"] = forms.CharField(label=_("First name"), max_length=100)
    form.fields["last_name"] = forms.CharField(label=_("Last name"), max_length=100, required=last_name_required)
    form.fields["aliases"] = forms.CharField(label=_("Other names or street names"), max_length=300, required=False,
                                             help_text=_("Separate names with commas."))
    form.fields["date_of_birth"] = forms.DateField(label=_("Date of birth"), required=False,
                                                   widget=forms.DateInput(attrs={"type": "date"}))
    form.fields["approximate_age"] = forms.IntegerField(label=_("Or approximate age"), required=False,
                                                        min_value=10, max_value=110)
    form.fields["description"] = forms.CharField(label=_("Description"), required=False, max_length=1000,
                                                 widget=forms.Textarea(attrs={"rows": 2}),
                                                 help_text=_("What they look like or wear, to help find them."))


def _area_field(protocol: DiversionProtocol, required: bool) -> forms.ChoiceField | None:
    if not protocol.catchment_areas:
        return None
    choices = [("", _("Not sure"))] + [(a, a) for a in protocol.catchment_areas] + [(OTHER_AREA, _("Somewhere else"))]
    return forms.ChoiceField(label=_("Area"), choices=choices, required=required)


class OfficerReferralForm(PersonFieldsMixin, StyledForm):
    """Arrest diversion or social contact, in two steps on a phone: what happened and who; then the questions."""

    STEP_ONE = ("incident_number", "incident_at", "offenses", "place", "area", "first_name", "last_name", "aliases",
                "date_of_birth", "approximate_age", "description")

    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, protocol: DiversionProtocol, door: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.protocol, self.door = protocol, door
        arrest = door == Door.ARREST_DIVERSION
        self.fields["incident_number"] = forms.CharField(
            label=_("Incident number") if arrest else _("Report number, if any"), max_length=40, required=arrest)
        if arrest:
            self.fields["incident_at"] = forms.DateTimeField(
                label=_("Time of the arrest"), required=False, help_text=_("Leave empty for now."),
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
        self.fields["offenses"] = forms.ModelMultipleChoiceField(
            label=_("Offenses") if arrest else _("Qualifying conduct"), queryset=protocol.offenses.all(),
            widget=forms.CheckboxSelectMultiple, error_messages={"required": _("Choose at least one.")})
        self.fields["place"] = forms.CharField(label=_("Place"), max_length=200, required=False,
                                               help_text=_("Street corner, address or landmark."))
        area = _area_field(protocol, required=False)
        if area:
            self.fields["area"] = area
        _person_fields(self)
        for question in questions_for(protocol, door):
            self.fields[f"q_{question.key}"] = _question_field(question)
        self.fields["agreed_to_talk"] = forms.BooleanField(
            label=_("The person agreed to talk with a case manager"),
            error_messages={"required": _("A referral needs the person's agreement to talk with a case manager.")})
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
        style_fields(self)

    @property
    def question_fields(self):
        return [self[name] for name in self.fields if name.startswith("q_")]

    @property
    def step_one_fields(self):
        return [self[name] for name in self.STEP_ONE if name in self.fields]

    def first_error_step(self) -> int:
        return 1 if any(name in self.errors for name in self.STEP_ONE) else 2

    def clean(self):
        data = super().clean()
        offenses = data.get("offenses")
        if offenses is not None and not any(o.involves_drugs for o in offenses):
            # The drug questions are hidden when no drug offense is ticked; an unanswered one is not an error.
            for question in questions_for(self.protocol, self.door):
                if question.drug_only:
                    self.errors.pop(f"q_{question.key}", None)
        return data

    def clean_incident_at(self):
        when = self.cleaned_data.get("incident_at")
        now = timezone.now()
        if when and when > now + timedelta(minutes=5):
            raise forms.ValidationError(_("The arrest cannot be in the future."))
        if when and when < now - timedelta(days=2):
            raise forms.ValidationError(_("An arrest diversion is referred at the arrest, not days later."))
        return when

    def clean_q_conduct_last_seen(self):
        seen = self.cleaned_data.get("q_conduct_last_seen")
        if seen and seen > timezone.localdate():
            raise forms.ValidationError(_("That date is in the future."))
        return seen

    def answers(self) -> dict:
        drug = any(o.involves_drugs for o in self.cleaned_data["offenses"])
        result = {}
        for question in questions_for(self.protocol, self.door):
            if question.drug_only and not drug:
                continue
            value = self.cleaned_data.get(f"q_{question.key}")
            if value in (None, ""):
                continue
            result[question.key] = str(value) if not hasattr(value, "isoformat") else value.isoformat()
        return result

    def extra(self) -> dict:
        area = self.cleaned_data.get("area", "")
        return {"incident_number": self.cleaned_data.get("incident_number", ""),
                "incident_at": self.cleaned_data.get("incident_at"),
                "place": self.cleaned_data.get("place", ""),
                "area": str(_("Another area")) if area == OTHER_AREA else area}


def _question_field(question) -> forms.Field:
    if question.kind == "grams":
        return forms.DecimalField(label=question.label, help_text=question.help, required=False, min_value=0,
                                  max_value=100000, decimal_places=2,
                                  widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}))
    if question.kind == "date":
        return forms.DateField(label=question.label, help_text=question.help, required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    if question.kind == "basis":
        return forms.ChoiceField(label=question.label, help_text=question.help, required=False,
                                 choices=VERIFICATION_BASES, widget=forms.RadioSelect)
    return forms.ChoiceField(label=question.label, help_text=question.help, choices=YES_NO_UNKNOWN,
                             widget=forms.RadioSelect, error_messages={"required": _("Answer this question.")})


class CommunityReferralForm(PersonFieldsMixin, StyledForm):
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    # A honeypot: people never see it (hidden by the stylesheet); form-filling robots do.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    referrer_name = forms.CharField(label=_("Your name"), max_length=200)
    referrer_organization = forms.CharField(label=_("Organization, if any"), max_length=200, required=False)
    referrer_relationship = forms.CharField(label=_("How do you know the person?"), max_length=200)
    referrer_phone = forms.CharField(label=_("Your phone"), max_length=40, required=False)
    referrer_email = forms.EmailField(label=_("Your email"), required=False)

    def __init__(self, *args, protocol: DiversionProtocol, **kwargs):
        super().__init__(*args, **kwargs)
        self.protocol = protocol
        _person_fields(self)
        self.fields["how_to_reach"] = forms.CharField(
            label=_("How can a case manager reach them?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("A phone number, a place they often are, a service that sees them."))
        area = _area_field(protocol, required=False)
        if area:
            self.fields["area"] = area
        self.fields["probation_status"] = forms.ChoiceField(label=_("Are they on probation or parole?"),
                                                            choices=ProbationStatus.choices, widget=forms.RadioSelect)
        self.fields["needs"] = forms.MultipleChoiceField(label=_("What could help them?"), choices=Need.choices,
                                                         widget=forms.CheckboxSelectMultiple, required=False)
        self.fields["needs_note"] = forms.CharField(label=_("Anything else a case manager should know"),
                                                    max_length=2000, required=False,
                                                    widget=forms.Textarea(attrs={"rows": 3}))
        self.fields["unsure_if_qualifies"] = forms.BooleanField(
            label=_("I am not sure they qualify"), required=False,
            help_text=_("Send it anyway: the program will follow up."))
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
        style_fields(self)

    def clean(self):
        data = super().clean()
        if not data.get("referrer_phone") and not data.get("referrer_email"):
            self.add_error("referrer_phone", _("Give a phone number or an email address so we can follow up."))
        return data

    def extra(self) -> dict:
        area = self.cleaned_data.get("area", "")
        fields = ("referrer_name", "referrer_organization", "referrer_relationship", "referrer_phone",
                  "referrer_email", "how_to_reach", "probation_status", "needs", "needs_note", "unsure_if_qualifies")
        values = {name: self.cleaned_data[name] for name in fields}
        values["area"] = str(_("Another area")) if area == OTHER_AREA else area
        return values


class OwnIds:
    """The referral page shows several of these forms at once; each gets its own id prefix, so no id repeats and
    every label names its own field."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class DecisionForm(OwnIds, StyledForm):
    id_prefix = "decide"
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve")), ("ineligible", _("Not eligible"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required when not eligible, or when approving against the protocol's "
                                         "presumption."))

    def __init__(self, *args, checks=(), providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        for check in checks:
            self.fields[f"check_{check.key}"] = forms.BooleanField(label=check.label, required=False)
        if providers is not None and len(providers) > 1:
            self.fields["provider"] = forms.ModelChoiceField(label=_("Case-management provider"),
                                                             queryset=providers, required=False)
        style_fields(self)

    def checks(self) -> dict:
        return {name[6:]: bool(value) for name, value in self.cleaned_data.items() if name.startswith("check_")}


class ReviewForm(DecisionForm):
    id_prefix = "review"
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("accept", _("Accept the diversion (keep the charge on hold)")),
                                          ("not_eligible", _("Not eligible"))])


class ChargeDecisionForm(OwnIds, StyledForm):
    id_prefix = "charge"
    decision = forms.ChoiceField(label=_("Decision about the held charge"), widget=forms.RadioSelect, choices=[
        ("hold", _("Keep holding the charge")), ("decline", _("Decline to file")), ("file", _("File the charge"))])
    reason = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(OwnIds, StyledForm):
    id_prefix = "extend"
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=29)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("For example a hospital stay or a jail hold."))


class IntakeForm(StyledForm):
    provider = forms.ModelChoiceField(label=_("Case-management provider"), queryset=Agency.objects.none())
    case_manager = forms.ModelChoiceField(label=_("Case manager"), queryset=User.objects.none(), required=False)
    intake_on = forms.DateField(label=_("Intake completed on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, providers, case_managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["case_manager"].queryset = case_managers
        self.fields["case_manager"].label_from_instance = lambda u: u.get_full_name() or u.get_username()

    def clean(self):
        data = super().clean()
        provider, cm = data.get("provider"), data.get("case_manager")
        if provider and cm and (cm.seat is None or cm.seat.agency_id != provider.pk):
            self.add_error("case_manager", _("Choose a case manager who works at that provider."))
        return data


class CloseForm(OwnIds, StyledForm):
    id_prefix = "close"
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect, choices=[
        ("declined", _("The person declined")), ("withdrawn", _("Withdraw the referral (a mistake or a duplicate)"))])
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class LookupForm(PersonFieldsMixin, StyledForm):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))


class OnCallShiftForm(StyledForm):
    case_manager = forms.ModelChoiceField(label=_("Who is on call"), queryset=User.objects.none())
    weekdays = forms.TypedMultipleChoiceField(label=_("Days"), choices=OnCallShift.Weekday.choices, coerce=int,
                                              widget=forms.CheckboxSelectMultiple)
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}),
                           help_text=_("An end at or before the start runs past midnight."))

    def __init__(self, *args, provider: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_manager"].queryset = User.objects.filter(
            is_active=True, memberships__active=True, memberships__agency=provider,
            memberships__role__in=[Role.CASE_MANAGER, Role.OUTREACH, Role.SUPERVISOR]).distinct().order_by("last_name")
        self.fields["case_manager"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


def provider_agencies():
    return Agency.objects.filter(kind=AgencyKind.PROVIDER, active=True).order_by("name")
