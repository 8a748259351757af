"""Forms of the Policy Coordinating Group pages. They parse and check; the writes are in actions_pcg."""

import uuid
from datetime import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.accounts.models import Agency
from divert.coordination.models.pcg import (
    Agreement,
    PCGDecision,
    PCGMeeting,
    PCGMember,
    PCGRepresentative,
    PolicyDocument,
    QuorumRule,
    Stance,
    validate_document_file,
)
from divert.lib.forms import StyledForm, style_fields
from divert.protocol.models import DiversionProtocol

DATE = {"type": "date"}


def _date(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"), **kwargs)


class VersionField(forms.CharField):
    """The `updated_at` the editor saw: a newer save in between refuses the edit."""

    widget = forms.HiddenInput

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValidationError(_("The form is damaged; open it again."), code="bad_version") from None


class SubmissionKeyField(forms.UUIDField):
    """One key per opened form: the same form sent twice is recorded once."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)


class VersionedForm(StyledForm):
    version = VersionField()

    def __init__(self, *args, instance, **kwargs):
        self.instance = instance
        kwargs.setdefault("initial", {})
        for name in self.base_fields:
            if name != "version" and hasattr(instance, name):
                kwargs["initial"].setdefault(name, getattr(instance, name))
        kwargs["initial"]["version"] = instance.updated_at.isoformat()
        super().__init__(*args, **kwargs)

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


# --- Rules and members ----------------------------------------------------------------------------------------

class RulesForm(StyledForm):
    quorum = forms.ChoiceField(label=_("Quorum: how many member agencies must be represented to decide"),
                               choices=QuorumRule.choices, widget=forms.RadioSelect)


class MemberForm(StyledForm):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    joined_on = _date(_("Joined on"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300,
                           help_text=_("For example \"co-chair\"."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = PCGMember.objects.current().values("agency_id")
        self.fields["agency"].queryset = Agency.objects.filter(active=True).exclude(pk__in=current)
        self.initial.setdefault("joined_on", timezone.localdate())


class MemberChangeForm(VersionedForm):
    joined_on = _date(_("Joined on"))
    left_on = _date(_("Left on"), required=False,
                    help_text=_("The agency's membership ends on this day; its vote counts until then."))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
        if data.get("joined_on") and data.get("left_on") and data["left_on"] < data["joined_on"]:
            self.add_error("left_on", _("An agency cannot leave before it joined."))
        return data


class RepresentativeForm(StyledForm):
    kind = forms.ChoiceField(label=_("Seat at the table"), choices=PCGRepresentative.Kind.choices,
                             widget=forms.RadioSelect, initial=PCGRepresentative.Kind.REPRESENTATIVE)
    user = forms.ModelChoiceField(label=_("Divert account"), required=False, queryset=None,
                                  help_text=_("Only if they have one. Most members of the group do not."))
    name = forms.CharField(label=_("Name"), required=False, max_length=200,
                           help_text=_("Required without a Divert account."))
    title = forms.CharField(label=_("Title"), required=False, max_length=200,
                            help_text=_("For example \"Chief of Police\" or \"County Council member\"."))
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)

    def __init__(self, *args, member: PCGMember, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(
            is_active=True, memberships__active=True, memberships__agency=member.agency).distinct().order_by(
            "last_name", "first_name")
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean(self):
        data = super().clean()
        if not (data.get("name") or "").strip() and not data.get("user") and "user" not in self.errors:
            self.add_error("name", _("Give the name, or choose their Divert account."))
        return data


# --- Meetings -------------------------------------------------------------------------------------------------

class MeetingForm(forms.ModelForm):
    submission_key = SubmissionKeyField()

    class Meta:
        model = PCGMeeting
        fields = ["held_on", "starts_at", "place", "agenda"]
        widgets = {"held_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "agenda": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"agenda": _("One item a line. Policy items only: no participant is discussed here.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
        self.initial.setdefault("submission_key", uuid.uuid4())

    def validate_unique(self):
        pass  # the action checks (after the double-submit check, so a second tap is not "already exists")


class MeetingEditForm(VersionedForm):
    held_on = _date(_("Date"))
    starts_at = forms.TimeField(label=_("Starts at"), required=False,
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(label=_("Place"), max_length=200)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_("One item a line."))
    minutes = forms.CharField(label=_("Minutes (draft)"), required=False, widget=forms.Textarea(attrs={"rows": 12}),
                              help_text=_("Policy only: no participant's name or story belongs in the minutes. "
                                          "Once the group approves them, they cannot change."))


class AttendanceForm(StyledForm):
    """One checkbox per member agency on the day, and who came for it."""

    def __init__(self, *args, members: list[PCGMember], current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[f"present_{member.pk}"] = forms.BooleanField(
                label=_("%(agency)s was represented") % {"agency": member.agency}, required=False,
                initial=member.pk in current)
            self.fields[f"attendees_{member.pk}"] = forms.CharField(
                label=_("Who came for %(agency)s") % {"agency": member.agency}, required=False, max_length=300,
                initial=current.get(member.pk, ""))
        style_fields(self)

    def rows(self):
        return [(m, self[f"present_{m.pk}"], self[f"attendees_{m.pk}"]) for m in self.members]

    def represented(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"attendees_{m.pk}"] for m in self.members
                if self.cleaned_data[f"present_{m.pk}"]}


class MinutesApprovalForm(StyledForm):
    approved_on = _date(_("The group approved the minutes on"),
                        help_text=_("Usually at its next meeting. From then on the record of this meeting is final."))


# --- Decisions ------------------------------------------------------------------------------------------------

class DecisionForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("For example \"Approve protocol version 3\" or \"Adopt the data-sharing "
                                        "policy\"."))
    text = forms.CharField(label=_("What is decided"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    protocol = forms.ModelChoiceField(
        label=_("This decision approves the protocol draft"), required=False, queryset=DiversionProtocol.objects.none(),
        help_text=_("Only a decision reached by consensus can approve it. It is then approved with this decision as "
                    "its record and can no longer change."))
    protocol_effective_on = _date(_("The approved protocol takes effect on"), required=False,
                                  help_text=_("Referrals from this day on are judged under it."))
    submission_key = SubmissionKeyField()

    def __init__(self, *args, members: list[PCGMember], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        drafts = DiversionProtocol.objects.filter(state=DiversionProtocol.State.DRAFT)
        self.fields["protocol"].queryset = drafts
        self.fields["protocol"].label_from_instance = lambda p: _("Version %(v)s: %(name)s") % {
            "v": p.version, "name": p.name}
        for member in members:
            self.fields[f"stance_{member.pk}"] = forms.ChoiceField(
                label=_("Position of %(agency)s") % {"agency": member.agency}, choices=Stance.choices,
                widget=forms.RadioSelect, error_messages={"required": _("Give this agency's position.")})
            self.fields[f"note_{member.pk}"] = forms.CharField(
                label=_("Note or reason of %(agency)s") % {"agency": member.agency}, required=False,
                max_length=1000, help_text=_("Required for a block: why the agency cannot accept the decision."))
        self.initial.setdefault("submission_key", uuid.uuid4())
        style_fields(self)

    def position_rows(self):
        return [(m, self[f"stance_{m.pk}"], self[f"note_{m.pk}"]) for m in self.members]

    def clean(self):
        data = super().clean()
        for member in self.members:
            if data.get(f"stance_{member.pk}") == Stance.BLOCK and not (data.get(f"note_{member.pk}") or "").strip():
                self.add_error(f"note_{member.pk}", _("A block needs its reason."))
        if data.get("protocol") and not data.get("protocol_effective_on") \
                and "protocol_effective_on" not in self.errors:
            self.add_error("protocol_effective_on", _("Say when the approved protocol version takes effect."))
        return data

    def positions(self) -> list[tuple[int, str, str]]:
        return [(m.pk, self.cleaned_data[f"stance_{m.pk}"], self.cleaned_data[f"note_{m.pk}"]) for m in self.members]


# --- Documents ------------------------------------------------------------------------------------------------

class DocumentForm(forms.ModelForm):
    class Meta:
        model = PolicyDocument
        fields = ["title", "kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in self.fields["kind"].choices
                                       if c[0] != PolicyDocument.Kind.AGREEMENT]
        style_fields(self)


class DocumentVersionForm(StyledForm):
    decision = forms.ModelChoiceField(label=_("Adopted by decision"), queryset=PCGDecision.objects.none(),
                                      help_text=_("Decisions reached by consensus, newest first."))
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("The policy as adopted. Policy only: nothing about any participant."))
    file = forms.FileField(label=_("PDF file"), required=False, validators=[validate_document_file],
                           widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
                           help_text=_("Optional: the signed or formatted document, a PDF of at most 10 MB."))
    summary = forms.CharField(label=_("What changed"), required=False, max_length=300)
    submission_key = SubmissionKeyField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        decisions = PCGDecision.objects.select_related("meeting").prefetch_related("positions")
        consensus = [d.pk for d in decisions if d.reached_consensus]
        self.fields["decision"].queryset = decisions.filter(pk__in=consensus)
        self.fields["decision"].label_from_instance = lambda d: f"{d.reference}: {d.title}"
        self.initial.setdefault("submission_key", uuid.uuid4())

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file") and "file" not in self.errors:
            self.add_error("text", _("Give the text, a PDF file, or both."))
        return data


# --- Agreements -----------------------------------------------------------------------------------------------

def _check_renewal(form: forms.Form, data: dict) -> None:
    effective, renewal = data.get("effective_on"), data.get("renewal_on")
    if effective and renewal and renewal <= effective:
        form.add_error("renewal_on", _("The renewal date must come after the effective date."))


class AgreementForm(forms.ModelForm):
    submission_key = SubmissionKeyField()

    class Meta:
        model = Agreement
        fields = ["kind", "title", "effective_on", "renewal_on", "term", "notes"]
        widgets = {"effective_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "renewal_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
        self.initial.setdefault("submission_key", uuid.uuid4())

    def validate_unique(self):
        pass  # the action checks (after the double-submit check, so a second tap is not "already exists")


class AgreementEditForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    effective_on = _date(_("Effective from"))
    renewal_on = _date(_("Renewal or review due"), required=False,
                       help_text=_("A renewal moves this date on. Reminders go out 90, 30 and 7 days before, and on "
                                   "the day."))
    term = forms.CharField(label=_("Term"), required=False, max_length=200)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        _check_renewal(self, data)
        return data


class PartyForm(StyledForm):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    commitments = forms.CharField(label=_("What it commits to"), required=False, max_length=3000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(active=True).exclude(
            pk__in=agreement.parties.values("agency_id"))


class SignatoryForm(StyledForm):
    agency = forms.ModelChoiceField(
        label=_("Signing for"), queryset=Agency.objects.none(),
        error_messages={"invalid_choice": _("That agency is not a party to this agreement: add it as a party "
                                            "first.")})
    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=200)
    signed_on = _date(_("Signed on"), required=False)

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=agreement.parties.values("agency_id"))

    def clean_signed_on(self):
        signed_on = self.cleaned_data["signed_on"]
        if signed_on and signed_on > timezone.localdate():
            raise ValidationError(_("A signature cannot be dated in the future."))
        return signed_on
