"""The Policy Coordinating Group pages. The project manager writes; every seat of a member agency, the site
administrator and the evaluator read (403 for anyone else: the group exists openly, its record is for partners).
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from divert.coordination import actions_pcg as actions
from divert.coordination import forms_pcg as forms
from divert.coordination.models.pcg import (
    Agreement,
    AgreementParty,
    PCGDecision,
    PCGMeeting,
    PCGMember,
    PCGRepresentative,
    PCGRules,
    PolicyDocument,
    PolicyDocumentVersion,
    quorum_needed,
)
from divert.lib.pdf import PDFUnavailable, pdf_response, render_pdf

T = "coordination/pcg/"


# --- Access ---------------------------------------------------------------------------------------------------

def _require_reader(user) -> None:
    if not actions.may_read_pcg(user):
        raise PermissionDenied


def _require_writer(user) -> None:
    _require_reader(user)
    if not actions.may_write_pcg(user):
        raise PermissionDenied


def _context(request: HttpRequest, **extra) -> dict:
    return {"may_write": actions.may_write_pcg(request.user), "today": timezone.localdate(), **extra}


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else NON_FIELD_ERRORS, errors)
    else:
        form.add_error(None, error)


def _locked_page(request: HttpRequest, meeting: PCGMeeting) -> HttpResponse:
    return render(request, T + "locked.html", _context(request, meeting=meeting), status=403)


def _decisions():
    return PCGDecision.objects.select_related("meeting", "protocol").prefetch_related("positions")


# --- Overview -------------------------------------------------------------------------------------------------

@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    today = timezone.localdate()
    members = list(PCGMember.objects.current().select_related("agency").prefetch_related("representatives"))
    rules = PCGRules.current()
    return render(request, T + "index.html", _context(
        request, members=members, rules=rules, quorum=quorum_needed(rules.quorum, len(members)),
        upcoming=PCGMeeting.objects.filter(held_on__gte=today).order_by("held_on")[:5],
        recent_meetings=PCGMeeting.objects.filter(held_on__lt=today)[:3],
        decisions=_decisions()[:8],
        due=[(a, a.days_to_renewal(today)) for a in actions.agreements_due_for_renewal(today)],
        documents=PolicyDocument.objects.exclude(kind=PolicyDocument.Kind.AGREEMENT).prefetch_related("versions"),
    ))


# --- Members --------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    form = forms.MemberForm(request.POST or None)
    if request.method == "POST":
        _require_writer(request.user)
        if form.is_valid():
            try:
                member = actions.do_add_member(actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as e:
                _add_errors(form, e)
            else:
                messages.success(request, _("%(agency)s is a member from %(date)s.")
                                 % {"agency": member.agency, "date": member.joined_on.isoformat()})
                return redirect("pcg_member", member.pk)
        else:
            same = _posted_member(request)
            if same is not None:  # a second tap: the member is there already
                return redirect("pcg_member", same.pk)
    return _members_page(request, form=form, status=400 if form.errors else 200)


def _posted_member(request) -> PCGMember | None:
    """The current membership the refused form describes exactly, if any (the form was sent twice)."""
    try:
        agency_id, joined_on = int(request.POST.get("agency", "")), date.fromisoformat(request.POST.get("joined_on"))
    except (TypeError, ValueError):
        return None
    return PCGMember.objects.current().filter(agency_id=agency_id, joined_on=joined_on).first()


def _members_page(request, *, form=None, rules_form=None, status=200) -> HttpResponse:
    rules = PCGRules.current()
    everyone = list(PCGMember.objects.select_related("agency").prefetch_related("representatives"))
    current = [m for m in everyone if m.is_current]
    may_write = actions.may_write_pcg(request.user)
    return render(request, T + "members.html", _context(
        request, current=current, former=[m for m in everyone if not m.is_current], rules=rules,
        quorum=quorum_needed(rules.quorum, len(current)),
        form=(form or forms.MemberForm()) if may_write else None,
        rules_form=(rules_form or forms.RulesForm(initial={"quorum": rules.quorum})) if may_write else None,
    ), status=status)


@login_required
@require_POST
def rules(request: HttpRequest) -> HttpResponse:
    _require_writer(request.user)
    form = forms.RulesForm(request.POST)
    if not form.is_valid():
        return _members_page(request, rules_form=form, status=400)
    actions.do_set_quorum_rule(actor=request.user, quorum=form.cleaned_data["quorum"], request=request)
    messages.success(request, _("The quorum rule is saved. Decisions already recorded keep the rule they were "
                                "taken under."))
    return redirect("pcg_members")


@login_required
@require_http_methods(["GET", "POST"])
def member(request: HttpRequest, member_id: int) -> HttpResponse:
    _require_reader(request.user)
    member = get_object_or_404(PCGMember.objects.select_related("agency"), pk=member_id)
    form = forms.MemberChangeForm(request.POST or None, instance=member)
    if request.method == "POST":
        _require_writer(request.user)
        if form.is_valid():
            try:
                actions.do_change_member(member, actor=request.user, if_unchanged_since=form.cleaned_data["version"],
                                         request=request, **form.changes())
            except actions.StaleEdit as e:
                member.refresh_from_db()
                return _member_page(request, member, form=forms.MemberChangeForm(instance=member), stale=e.message,
                                    status=409)
            except ValidationError as e:
                _add_errors(form, e)
            else:
                messages.success(request, _("The membership is saved."))
                return redirect("pcg_member", member.pk)
    return _member_page(request, member, form=form, status=400 if form.errors else 200)


def _member_page(request, member, *, form=None, rep_form=None, stale="", status=200) -> HttpResponse:
    may_write = actions.may_write_pcg(request.user)
    return render(request, T + "member.html", _context(
        request, member=member, representatives=member.representatives.select_related("user"), stale=stale,
        form=(form or forms.MemberChangeForm(instance=member)) if may_write else None,
        rep_form=(rep_form or forms.RepresentativeForm(member=member)) if may_write else None,
    ), status=status)


@login_required
@require_POST
def representative_add(request: HttpRequest, member_id: int) -> HttpResponse:
    _require_writer(request.user)
    member = get_object_or_404(PCGMember.objects.select_related("agency"), pk=member_id)
    form = forms.RepresentativeForm(request.POST, member=member)
    if form.is_valid():
        try:
            actions.do_add_representative(member, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Representative added."))
            return redirect("pcg_member", member.pk)
    return _member_page(request, member, rep_form=form, status=400)


@login_required
@require_POST
def representative_remove(request: HttpRequest, representative_id: int) -> HttpResponse:
    _require_writer(request.user)
    representative = PCGRepresentative.objects.filter(pk=representative_id).first()
    if representative is None:  # a second tap: already gone
        messages.info(request, _("That representative was already removed."))
        return redirect("pcg_members")
    actions.do_remove_representative(representative, actor=request.user, request=request)
    messages.success(request, _("Representative removed."))
    return redirect("pcg_member", representative.member_id)


# --- Meetings -------------------------------------------------------------------------------------------------

@login_required
@require_GET
def meetings(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    return render(request, T + "meetings.html", _context(
        request, meetings=PCGMeeting.objects.prefetch_related("attendance", "decisions")))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    _require_writer(request.user)
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting, created = actions.do_schedule_meeting(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            if created:
                messages.success(request, _("The meeting of %(date)s is recorded.") % {
                    "date": meeting.held_on.isoformat()})
            return redirect("pcg_meeting", meeting.pk)
    return render(request, T + "meeting_form.html", _context(request, form=form),
                  status=400 if form.errors else 200)


def _meeting_page(request, meeting, *, approval_form=None, status=200) -> HttpResponse:
    eligible = list(actions.members_on(meeting.held_on))
    attendance = list(meeting.attendance.select_related("member__agency"))
    quorum = quorum_needed(PCGRules.current().quorum, len(eligible))
    may_write = actions.may_write_pcg(request.user)
    show_approval = may_write and not meeting.minutes_approved and meeting.has_happened()
    return render(request, T + "meeting.html", _context(
        request, meeting=meeting, attendance=attendance, eligible=eligible, quorum=quorum,
        quorum_met=len(attendance) >= quorum and bool(eligible),
        decisions=_decisions().filter(meeting=meeting).order_by("number"),
        approval_form=(approval_form or forms.MinutesApprovalForm(initial={"approved_on": timezone.localdate()}))
        if show_approval else None,
    ), status=status)


@login_required
@require_GET
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require_reader(request.user)
    return _meeting_page(request, get_object_or_404(PCGMeeting, pk=meeting_id))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require_writer(request.user)
    meeting = get_object_or_404(PCGMeeting, pk=meeting_id)
    if meeting.minutes_approved:
        return _locked_page(request, meeting)
    form = forms.MeetingEditForm(request.POST or None, instance=meeting)
    stale = ""
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_meeting(meeting, actor=request.user, if_unchanged_since=form.cleaned_data["version"],
                                      request=request, **form.changes())
        except actions.StaleEdit as e:
            meeting.refresh_from_db()
            form, stale = forms.MeetingEditForm(instance=meeting), e.message
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("pcg_meeting", meeting.pk)
    status = 409 if stale else 400 if form.errors else 200
    return render(request, T + "meeting_edit.html", _context(request, meeting=meeting, form=form, stale=stale),
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require_writer(request.user)
    meeting = get_object_or_404(PCGMeeting, pk=meeting_id)
    if meeting.minutes_approved:
        return _locked_page(request, meeting)
    current = {a.member_id: a.attendees for a in meeting.attendance.all()}
    form = forms.AttendanceForm(request.POST or None, members=list(actions.members_on(meeting.held_on)),
                                current=current)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_attendance(meeting, actor=request.user, represented=form.represented(),
                                         request=request)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Attendance saved."))
            return redirect("pcg_meeting", meeting.pk)
    return render(request, T + "attendance.html", _context(request, meeting=meeting, form=form),
                  status=400 if form.errors else 200)


@login_required
@require_POST
def minutes_approve(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require_writer(request.user)
    meeting = get_object_or_404(PCGMeeting, pk=meeting_id)
    if meeting.minutes_approved:  # a second tap, or someone else was quicker
        messages.info(request, _("These minutes are already approved."))
        return redirect("pcg_meeting", meeting.pk)
    form = forms.MinutesApprovalForm(request.POST)
    if form.is_valid():
        try:
            actions.do_approve_minutes(meeting, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("The minutes are approved. The record of this meeting is now final."))
            return redirect("pcg_meeting", meeting.pk)
    return _meeting_page(request, meeting, approval_form=form, status=400)


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require_reader(request.user)
    meeting = get_object_or_404(PCGMeeting, pk=meeting_id)
    context = {"meeting": meeting, "attendance": meeting.attendance.select_related("member__agency"),
               "decisions": _decisions().filter(meeting=meeting).order_by("number"),
               "generated_on": timezone.localdate()}
    try:
        content = render_pdf(T + "minutes_pdf.html", context, request=request)
    except PDFUnavailable as e:
        messages.error(request, str(e))
        return redirect("pcg_meeting", meeting.pk)
    return pdf_response(content, f"pcg-minutes-{meeting.held_on.isoformat()}.pdf")


# --- Decisions ------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require_writer(request.user)
    meeting = get_object_or_404(PCGMeeting, pk=meeting_id)
    if meeting.minutes_approved:
        return _locked_page(request, meeting)
    represented = actions.represented_members(meeting)
    form = forms.DecisionForm(request.POST or None, members=represented)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision, created = actions.do_record_decision(
                meeting, actor=request.user, title=data["title"], text=data["text"], positions=form.positions(),
                protocol=data["protocol"], protocol_effective_on=data["protocol_effective_on"],
                submission_key=data["submission_key"], request=request)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            if created:
                messages.success(request, _("Decision %(ref)s recorded: %(outcome)s.") % {
                    "ref": decision.reference, "outcome": decision.outcome.label})
            return redirect("pcg_decision", decision.pk)
    eligible = actions.members_on(meeting.held_on).count()
    return render(request, T + "decision_form.html", _context(
        request, meeting=meeting, form=form, represented=represented, eligible=eligible,
        quorum=quorum_needed(PCGRules.current().quorum, eligible),
    ), status=400 if form.errors else 200)


@login_required
@require_GET
def decision(request: HttpRequest, decision_id: int) -> HttpResponse:
    _require_reader(request.user)
    decision = get_object_or_404(_decisions(), pk=decision_id)
    return render(request, T + "decision.html", _context(
        request, decision=decision, positions=decision.positions.select_related("member__agency"),
        versions=decision.document_versions.select_related("document"),
    ))


# --- Documents ------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    form = forms.DocumentForm(request.POST or None)
    if request.method == "POST":
        _require_writer(request.user)
        if form.is_valid():
            try:
                document = actions.do_add_document(actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as e:
                _add_errors(form, e)
            else:
                messages.success(request, _("Document added: record its first version, adopted by a decision."))
                return redirect("pcg_document", document.pk)
    docs = PolicyDocument.objects.prefetch_related(
        Prefetch("versions", queryset=PolicyDocumentVersion.objects.select_related("adopted_by__meeting")))
    return render(request, T + "documents.html", _context(
        request, documents=docs, form=form if actions.may_write_pcg(request.user) else None,
    ), status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def document(request: HttpRequest, document_id: int) -> HttpResponse:
    _require_reader(request.user)
    document = get_object_or_404(PolicyDocument, pk=document_id)
    may_write = actions.may_write_pcg(request.user)
    form = forms.DocumentVersionForm(request.POST or None, request.FILES or None) if may_write else None
    if request.method == "POST":
        _require_writer(request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                version, created = actions.do_adopt_document_version(
                    document, actor=request.user, decision=data["decision"], text=data["text"], file=data["file"],
                    summary=data["summary"], submission_key=data["submission_key"], request=request)
            except ValidationError as e:
                _add_errors(form, e)
            else:
                if created:
                    messages.success(request, _("Version %(n)s recorded.") % {"n": version.number})
                return redirect("pcg_document", document.pk)
    versions = document.versions.select_related("adopted_by__meeting", "created_by")
    agreement = Agreement.objects.filter(document=document).first()
    return render(request, T + "document.html", _context(
        request, document=document, versions=versions, agreement=agreement, form=form,
    ), status=400 if form is not None and form.errors else 200)


@login_required
@require_GET
def document_file(request: HttpRequest, version_id: int) -> HttpResponse:
    _require_reader(request.user)
    version = get_object_or_404(PolicyDocumentVersion.objects.select_related("document"), pk=version_id)
    if not version.file:
        raise Http404("No file")
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404("No file") from None
    response = FileResponse(handle, content_type="application/pdf", as_attachment=True,
                            filename=f"{version.document.kind}-{version.document.pk}-v{version.number}.pdf")
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Agreements -----------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def agreements(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    form = forms.AgreementForm(request.POST or None)
    if request.method == "POST":
        _require_writer(request.user)
        if form.is_valid():
            try:
                agreement, created = actions.do_add_agreement(actor=request.user, request=request,
                                                              **form.cleaned_data)
            except ValidationError as e:
                _add_errors(form, e)
            else:
                if created:
                    messages.success(request, _("Agreement added: now name its parties and signatories."))
                return redirect("pcg_agreement", agreement.pk)
    today = timezone.localdate()
    rows = [(a, a.days_to_renewal(today)) for a in Agreement.objects.prefetch_related("parties__agency")]
    return render(request, T + "agreements.html", _context(
        request, rows=rows, form=form if actions.may_write_pcg(request.user) else None,
    ), status=400 if form.errors else 200)


def _agreement_page(request, agreement, *, party_form=None, signatory_form=None, status=200) -> HttpResponse:
    may_write = actions.may_write_pcg(request.user)
    parties = agreement.parties.select_related("agency").prefetch_related("signatories")
    document = agreement.document
    return render(request, T + "agreement.html", _context(
        request, agreement=agreement, parties=parties, days_left=agreement.days_to_renewal(),
        versions=document.versions.select_related("adopted_by__meeting") if document else [],
        party_form=(party_form or forms.PartyForm(agreement=agreement)) if may_write else None,
        signatory_form=(signatory_form or forms.SignatoryForm(agreement=agreement)) if may_write else None,
    ), status=status)


@login_required
@require_GET
def agreement(request: HttpRequest, agreement_id: int) -> HttpResponse:
    _require_reader(request.user)
    return _agreement_page(request, get_object_or_404(Agreement.objects.select_related("document"), pk=agreement_id))


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    _require_writer(request.user)
    agreement = get_object_or_404(Agreement, pk=agreement_id)
    form = forms.AgreementEditForm(request.POST or None, instance=agreement)
    stale = ""
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_agreement(agreement, actor=request.user, request=request,
                                        if_unchanged_since=form.cleaned_data["version"], **form.changes())
        except actions.StaleEdit as e:
            agreement.refresh_from_db()
            form, stale = forms.AgreementEditForm(instance=agreement), e.message
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("The agreement is saved."))
            return redirect("pcg_agreement", agreement.pk)
    status = 409 if stale else 400 if form.errors else 200
    return render(request, T + "agreement_edit.html", _context(request, agreement=agreement, form=form,
                                                               stale=stale), status=status)


@login_required
@require_POST
def party_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    _require_writer(request.user)
    agreement = get_object_or_404(Agreement, pk=agreement_id)
    form = forms.PartyForm(request.POST, agreement=agreement)
    if form.is_valid():
        try:
            actions.do_add_party(agreement, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Party added."))
            return redirect("pcg_agreement", agreement.pk)
    elif request.POST.get("agency", "").isdigit() and AgreementParty.objects.filter(
            agreement=agreement, agency_id=int(request.POST["agency"])).exists():
        return redirect("pcg_agreement", agreement.pk)  # a second tap: the party is there already
    return _agreement_page(request, agreement, party_form=form, status=400)


@login_required
@require_POST
def signatory_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    _require_writer(request.user)
    agreement = get_object_or_404(Agreement, pk=agreement_id)
    form = forms.SignatoryForm(request.POST, agreement=agreement)
    if form.is_valid():
        try:
            actions.do_add_signatory(agreement, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Signatory recorded."))
            return redirect("pcg_agreement", agreement.pk)
    return _agreement_page(request, agreement, signatory_form=form, status=400)
