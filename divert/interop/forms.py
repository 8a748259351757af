from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from divert.interop.models import WebhookEvent
from divert.lib.forms import StyledForm

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
MAX_DAYS = 3 * 366


class HmisExportForm(StyledForm):
    period_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end:
            if end < start:
                raise ValidationError(_("The end of the period is before its start."))
            if (end - start).days > MAX_DAYS:
                raise ValidationError(_("Export at most three years at a time."))
        return data


def validate_webhook_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ValidationError(_("Put no user name or password in the URL; the signature authenticates Divert."))
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return  # a relay on this machine
    raise ValidationError(_("A webhook URL must start with https:// (plain http only to this machine)."))


class WebhookEndpointForm(StyledForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https", validators=[validate_webhook_url])
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(label=_("Events"), choices=WebhookEvent.choices,
                                       widget=forms.CheckboxSelectMultiple)
