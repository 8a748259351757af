from django import forms
from django.utils.translation import gettext_lazy as _

from divert.notify.models import EmailPreference, SMSPreference


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("Email"), choices=EmailPreference.choices, widget=forms.RadioSelect,
        help_text=_("A daily digest is one email each morning listing your unread notifications, titles and links "
                    "only. A hand-off request is always emailed at once unless you choose no email."))
    sms = forms.ChoiceField(
        label=_("Text messages"), choices=SMSPreference.choices, widget=forms.RadioSelect,
        help_text=_("Text messages go out only for what cannot wait: a hand-off request, when an officer is waiting "
                    "with someone, and the answer that a case manager is on the way."))
