from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.casework.models import (
    ExpenseStatus,
    FundingSource,
    ServiceCategory,
    ServiceProvider,
    ServiceReferralStatus,
    SpendingCategory,
)
from divert.lib.forms import StyledForm, style_fields

CATEGORY_CHOICES = [("", _("Any kind of service")), *ServiceCategory.choices]


class DirectorySearchForm(StyledForm):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Service"), required=False, choices=CATEGORY_CHOICES)


class ProviderForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(label=_("Services offered"), choices=ServiceCategory.choices,
                                           widget=forms.CheckboxSelectMultiple)
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ServiceProvider
        fields = ["name", "address", "phone", "website", "hours", "languages", "accepts_walk_ins", "notes", "active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("categories", self.instance.category_values)
            self.initial.setdefault("updated_at", self.instance.updated_at)
            self.fields["updated_at"].required = True  # an edit without it would skip the stale check
        style_fields(self)


class ChooseServiceForm(StyledForm):
    category = forms.ChoiceField(label=_("What kind of service?"), choices=ServiceCategory.choices)


class ServiceReferralForm(StyledForm):
    category = forms.ChoiceField(choices=ServiceCategory.choices, widget=forms.HiddenInput)
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=ServiceProvider.objects.none())
    sent_on = forms.DateField(label=_("Sent on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What was asked for, who you spoke to. Kept with this referral; seen only by "
                                       "those allowed to see this kind of service."))

    def __init__(self, *args, category: str, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("category", category)
        kwargs["initial"].setdefault("sent_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = (ServiceProvider.objects.filter(active=True, offerings__category=category)
                                            .order_by("name"))

    def clean_category(self):
        if self.cleaned_data["category"] != self.initial["category"]:
            raise forms.ValidationError(_("Choose the service again."))
        return self.cleaned_data["category"]

    def clean_sent_on(self):
        day = self.cleaned_data["sent_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A referral cannot be sent in the future."))
        return day


class ReferralStatusForm(StyledForm):
    to_status = forms.ChoiceField(label=_("New status"), choices=())
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("What came of it, in the participant's terms."))
    note = forms.CharField(label=_("Note on this change"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    updated_at = forms.DateTimeField(widget=forms.HiddenInput)

    def __init__(self, *args, referral, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("updated_at", referral.updated_at)
        kwargs["initial"].setdefault("outcome", referral.outcome)
        super().__init__(*args, **kwargs)
        labels = dict(ServiceReferralStatus.choices)
        # Every status is accepted here, so a backwards move reaches the write layer and is refused there in words.
        self.fields["to_status"].choices = [(s, labels[s]) for s in referral.next_statuses()] + [
            (s, labels[s]) for s in ServiceReferralStatus.values if s not in referral.next_statuses()]
        self.allowed = referral.next_statuses()


class ExpenseForm(StyledForm):
    funding_source = forms.ModelChoiceField(label=_("Funding source"), queryset=FundingSource.objects.none())
    category = forms.ChoiceField(label=_("Spent on"), choices=SpendingCategory.choices)
    amount = forms.DecimalField(label=_("Amount (dollars)"), min_value=Decimal("0.01"), max_digits=10,
                                decimal_places=2)
    spent_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("Description"), required=False, max_length=300,
                                  help_text=_("What it paid for (\"two nights at the Riverside Inn\"). No health or "
                                              "treatment details."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("spent_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["funding_source"].queryset = FundingSource.objects.filter(active=True).order_by("name")


class DecideExpenseForm(StyledForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[(ExpenseStatus.APPROVED, _("Approve")),
                                          (ExpenseStatus.DECLINED, _("Decline"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required to decline; recorded with the decision either way."))
    updated_at = forms.DateTimeField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("decision") == ExpenseStatus.DECLINED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why it is declined."))
        return data


class FundingSourceForm(forms.ModelForm):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FundingSource
        fields = ["name", "budget_amount", "period_start", "period_end", "active"]
        widgets = {"period_start": forms.DateInput(attrs={"type": "date"}),
                   "period_end": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("updated_at", self.instance.updated_at)
            self.fields["updated_at"].required = True  # an edit without it would skip the stale check
        style_fields(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end on or after its start."))
        return data
