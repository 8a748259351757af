from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.accounts.models import Agency
from divert.accounts.roles import ROLES_BY_AGENCY_KIND, AgencyKind, Role
from divert.lib.forms import StyledForm
from divert.privacy.actions import EXPIRY, IRREVOCABILITY, RecipientChoice
from divert.privacy.categories import Category
from divert.privacy.models import (
    DEFAULT_REVOCATION_STATEMENT,
    Purpose,
    ReleaseKind,
    ReleaseOfInformation,
    Revocation,
    signature_from_data_url,
    validate_scan,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Evaluators never receive identified data, and the site administrator's seat carries none.
NOT_RECIPIENT_ROLES = {Role.EVALUATOR, Role.SITE_ADMIN}


def recipient_choices() -> list[tuple[str, str]]:
    """'agency_id:' (everyone there) and 'agency_id:role' (one seat), for every active agency that may receive."""
    roles = dict(Role.choices)
    choices = []
    for agency in Agency.objects.filter(active=True).exclude(kind=AgencyKind.EVALUATOR).order_by("name"):
        choices.append((f"{agency.pk}:", str(agency)))
        for role in sorted(ROLES_BY_AGENCY_KIND.get(agency.kind, ())):
            if role not in NOT_RECIPIENT_ROLES and len(ROLES_BY_AGENCY_KIND[agency.kind]) > 1:
                choices.append((f"{agency.pk}:{role}", f"{agency} — {roles[role]} {_('only')}"))
    return choices


class ReleaseForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind of release"), choices=ReleaseKind.choices, widget=forms.RadioSelect,
                             initial=ReleaseKind.GENERAL)
    recipients = forms.MultipleChoiceField(
        label=_("Recipients"), widget=forms.CheckboxSelectMultiple,
        help_text=_("Each agency, or one seat at it, that may receive the information."))
    purposes = forms.MultipleChoiceField(label=_("Purposes"), choices=Purpose.choices,
                                         widget=forms.CheckboxSelectMultiple)
    purpose_other = forms.CharField(label=_("Other purpose"), required=False, max_length=300)
    categories = forms.MultipleChoiceField(
        label=_("Information that may be disclosed"), widget=forms.CheckboxSelectMultiple,
        choices=[(c, Category.LABELS[c]) for c in Category.RELEASABLE],
        help_text=_("Substance-use treatment information needs a Part 2 or criminal-justice referral consent."))
    information_description = forms.CharField(
        label=_("How much and what kind of information"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for Part 2 consents: describe the information specifically."))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DATE,
                                 help_text=_("An expiry date, an expiry event, or both."))
    expiry_event = forms.CharField(label=_("Or expires on this event"), required=False, max_length=300,
                                   help_text=_("For example: when my case with the prosecutor is closed."))
    irrevocable_until_event = forms.CharField(
        label=_("Irrevocable until this event"), required=False, max_length=300,
        help_text=_("Criminal-justice referral consents (42 CFR 2.35) only: for example, final disposition of "
                    "the charge being held."))
    discloser = forms.CharField(label=_("Who may disclose"), max_length=300,
                                help_text=_("The program or people permitted to make the disclosure."))
    revocation_statement = forms.CharField(label=_("Right to revoke, and how"), max_length=4000,
                                           widget=forms.Textarea(attrs={"rows": 3}))
    signed_name = forms.CharField(label=_("Participant's name as signed (typed)"), max_length=200)
    signed_on = forms.DateField(label=_("Date signed"), widget=DATE)
    signature_png = forms.CharField(label=_("Drawn signature"), required=False, widget=forms.HiddenInput)
    scan = forms.FileField(label=_("Or upload the signed form"), required=False, validators=[validate_scan],
                           help_text=_("PDF, PNG or JPEG, at most 5 MB. Use this when the participant signed on "
                                       "paper or cannot draw a signature."))

    def __init__(self, *args, person, provider=None, **kwargs):
        today = timezone.localdate()
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("starts_on", today)
        initial.setdefault("signed_on", today)
        initial.setdefault("signed_name", person.full_name)
        initial.setdefault("discloser", str(provider) if provider else "")
        initial.setdefault("revocation_statement", str(DEFAULT_REVOCATION_STATEMENT))
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = recipient_choices()

    def clean_signature_png(self) -> bytes | None:
        value = self.cleaned_data.get("signature_png", "")
        return signature_from_data_url(value) if value else None

    def clean(self):
        data = super().clean()
        if not data.get("signature_png") and not data.get("scan") and "signature_png" not in self.errors \
                and "scan" not in self.errors:
            self.add_error("scan", _("Add the participant's drawn signature or upload a scan of the signed form."))
        return data

    def recipient_list(self) -> list[RecipientChoice]:
        agencies = {a.pk: a for a in Agency.objects.filter(active=True)}
        out = []
        for value in self.cleaned_data.get("recipients", []):
            agency_id, _sep, role = value.partition(":")
            agency = agencies.get(int(agency_id))
            if agency is not None:
                out.append(RecipientChoice(agency, role))
        return out

    def release_fields(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("kind", "purposes", "purpose_other", "categories", "starts_on", "expires_on",
                                  "expiry_event", "irrevocable_until_event", "discloser", "information_description",
                                  "revocation_statement", "signed_name", "signed_on")}


class RevocationForm(StyledForm):
    scope = forms.ChoiceField(label=_("What is revoked"), choices=Revocation.Scope.choices, widget=forms.RadioSelect,
                              initial=Revocation.Scope.FULL)
    effective_on = forms.DateField(label=_("Effective on"), widget=DATE)
    categories = forms.MultipleChoiceField(label=_("Information withdrawn (partial revocation)"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    recipients = forms.MultipleChoiceField(label=_("Recipients withdrawn (partial revocation)"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("Reason or note"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, release: ReleaseOfInformation, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("effective_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.release = release
        self.fields["categories"].choices = [(c, Category.label(c)) for c in release.categories]
        self.fields["recipients"].choices = [(str(r.pk), str(r)) for r in release.recipients.all()]

    def clean(self):
        data = super().clean()
        if data.get("scope") == Revocation.Scope.PARTIAL and not data.get("categories") and not data.get("recipients"):
            raise ValidationError(_("For a partial revocation, choose the information or the recipients withdrawn."))
        return data

    def recipient_list(self):
        ids = {int(v) for v in self.cleaned_data.get("recipients", [])}
        return [r for r in self.release.recipients.all() if r.pk in ids]


class EventForm(StyledForm):
    which = forms.ChoiceField(label=_("Which event occurred"), widget=forms.RadioSelect)
    occurred_on = forms.DateField(label=_("It occurred on"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, release: ReleaseOfInformation, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("occurred_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        choices = []
        if release.expiry_event and release.ended_by_event_on is None:
            choices.append((EXPIRY, _("Expiry event: %(e)s (the release ends)") % {"e": release.expiry_event}))
        if release.irrevocable_until_event and release.irrevocable_event_on is None:
            choices.append((IRREVOCABILITY, _("%(e)s (the consent may be revoked from then on)")
                            % {"e": release.irrevocable_until_event}))
        self.fields["which"].choices = choices
        if len(choices) == 1:
            self.fields["which"].initial = choices[0][0]
