from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from divert.accounts.models import Agency
from divert.accounts.roles import RECIPIENT_ONLY_KINDS, ROLES_BY_AGENCY_KIND, Role
from divert.api.tokens import ACCESS, RESOURCES
from divert.lib.forms import StyledForm

LIFETIMES = [(7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (365, _("1 year"))]


def scope_choices():
    labels = {"read": _("read"), "write": _("write")}
    return [(f"{r}:{a}", f"{label} — {labels[a]}") for r, label in RESOURCES.items() for a in ACCESS]


class TokenForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What uses it, for example “records system sync”."))
    days = forms.TypedChoiceField(label=_("Expires after"), choices=LIFETIMES, coerce=int, initial=90)
    scopes = forms.MultipleChoiceField(label=_("What it may do"), widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": _("Choose at least one scope.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scope_choices()


class ServiceTokenForm(TokenForm):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    role = forms.ChoiceField(label=_("Seat of the service account"), choices=Role.choices)

    field_order = ["name", "agency", "role", "days", "scopes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(active=True).exclude(kind__in=RECIPIENT_ONLY_KINDS)
        self.order_fields(self.field_order)

    def clean(self):
        data = super().clean()
        agency, role = data.get("agency"), data.get("role")
        if agency and role and role not in ROLES_BY_AGENCY_KIND[agency.kind]:
            raise ValidationError({"role": _("A %(kind)s cannot hold this seat.") % {
                "kind": agency.get_kind_display()}})
        if role == Role.SITE_ADMIN:
            raise ValidationError({"role": _("A service account never holds the site administrator's seat.")})
        return data
