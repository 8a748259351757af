"""The protocol pages: the project manager edits drafts and records approvals; every seat reads approved versions."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from divert.accounts.roles import Role

from . import actions
from .examples import EXAMPLES
from .forms import ApprovalForm, NewDraftForm, ProtocolForm, offense_formset
from .models import DiversionProtocol
from .wording import SECTIONS, approver_checks, differences, officer_questions, sections


def _require_manager(user) -> None:
    """403: only the project manager edits the protocol and sees drafts."""
    if not user.has_role(Role.PROJECT_MANAGER):
        raise PermissionDenied


def _version_for_reader(user, version: int) -> DiversionProtocol:
    """Approved versions are the program's policy among partners: every seat reads them. Drafts: 404 but for the
    project manager, since a draft is not policy yet."""
    if user.seat is None:
        raise PermissionDenied
    protocol = DiversionProtocol.objects.select_related("approved_by", "created_by", "based_on").filter(
        version=version).first()
    if protocol is None or (not protocol.is_approved and not user.has_role(Role.PROJECT_MANAGER)):
        raise Http404("No such protocol version")
    return protocol


def _draft_for_manager(request: HttpRequest, version: int) -> DiversionProtocol | HttpResponse:
    """The draft to change, or the page that says an approved version cannot change (403)."""
    _require_manager(request.user)
    protocol = DiversionProtocol.objects.filter(version=version).first()
    if protocol is None:
        raise Http404("No such protocol version")
    if protocol.is_approved:
        return render(request, "protocol/locked.html", {"protocol": protocol}, status=403)
    return protocol


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else NON_FIELD_ERRORS, errors)
    else:
        form.add_error(None, error)


def _standing(protocol: DiversionProtocol, in_effect: DiversionProtocol | None, today) -> str:
    if not protocol.is_approved:
        return _("Draft")
    if in_effect is not None and protocol.pk == in_effect.pk:
        return _("In effect")
    if protocol.effective_on > today:
        return _("Takes effect %(date)s") % {"date": protocol.effective_on.isoformat()}
    return _("Superseded")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    today = timezone.localdate()
    in_effect = DiversionProtocol.objects.in_effect(today)
    versions = list(DiversionProtocol.objects.select_related("approved_by", "created_by"))
    draft = next((v for v in versions if not v.is_approved), None)
    rows = [(v, _standing(v, in_effect, today)) for v in versions]
    has_approved = any(v.is_approved for v in versions)
    return render(request, "protocol/index.html", {
        "in_effect": in_effect, "draft": draft, "rows": rows, "today": today,
        "new_form": None if has_approved else NewDraftForm(),
        "start_from": in_effect or next((v for v in versions if v.is_approved), None),
    })


@login_required
def current(request: HttpRequest) -> HttpResponse:
    """A stable link for every seat: the version in effect today."""
    if request.user.seat is None:
        raise PermissionDenied
    protocol = DiversionProtocol.objects.in_effect()
    if protocol is None:
        raise Http404("No protocol version is in effect")
    return redirect("protocol:detail", protocol.version)


@login_required
def detail(request: HttpRequest, version: int) -> HttpResponse:
    protocol = _version_for_reader(request.user, version)
    today = timezone.localdate()
    return render(request, "protocol/detail.html", {
        "protocol": protocol, "sections": sections(protocol), "offenses": protocol.offenses.all(),
        "door_questions": officer_questions(protocol), "checks": approver_checks(protocol),
        "standing": _standing(protocol, DiversionProtocol.objects.in_effect(today), today),
        "may_edit": request.user.has_role(Role.PROJECT_MANAGER) and not protocol.is_approved,
        "is_manager": request.user.has_role(Role.PROJECT_MANAGER),
    })


@login_required
@require_POST
def new(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    approved = DiversionProtocol.objects.approved()
    based_on = DiversionProtocol.objects.in_effect() or approved.order_by("-version").first()
    values = {}
    if based_on is None:
        form = NewDraftForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose an example protocol to start from."))
            return redirect("protocol:index")
        values = copy.deepcopy(EXAMPLES[form.cleaned_data["example"]])
    try:
        draft = actions.do_create_draft(actor=request.user, based_on=based_on, request=request, **values)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("protocol:index")
    messages.success(request, _("Draft version %(v)s started. Nothing changes for referrals until the policy "
                                "group approves it.") % {"v": draft.version})
    return redirect("protocol:edit", draft.version)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, version: int) -> HttpResponse:
    draft = _draft_for_manager(request, version)
    if isinstance(draft, HttpResponse):
        return draft
    data = request.POST if request.method == "POST" else None
    # The form works on its own copy: a refused edit must not leak into the page's heading.
    form = ProtocolForm(data, instance=DiversionProtocol.objects.get(pk=draft.pk))
    offenses = offense_formset(draft, data)
    if data is not None and form.is_valid() and offenses.is_valid():
        try:
            with transaction.atomic():
                changed = actions.do_update_draft(draft, actor=request.user, changes=form.changes(), request=request)
                actions.do_set_offenses(draft, offenses.rows(), actor=request.user, request=request)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("The draft was saved.") if changed or offenses.has_changed()
                             else _("Nothing to save: the draft is as it was."))
            return redirect("protocol:detail", draft.version)
    return render(request, "protocol/edit.html", {
        "protocol": draft, "form": form, "offenses": offenses,
        "fieldsets": _fieldsets(form)}, status=400 if data is not None else 200)


def _fieldsets(form: ProtocolForm) -> list[tuple[str, list]]:
    return [(str(title), [form[name] for name in names]) for title, names in SECTIONS]


@login_required
@require_http_methods(["GET", "POST"])
def approve(request: HttpRequest, version: int) -> HttpResponse:
    draft = _draft_for_manager(request, version)
    if isinstance(draft, HttpResponse):
        return draft
    form = ApprovalForm(request.POST or None, initial={"approved_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_approve(draft, actor=request.user, approved_on=data["approved_on"],
                               effective_on=data["effective_on"], record=data["record"], request=request)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Version %(v)s is approved and takes effect on %(date)s. It can no longer "
                                        "change.") % {"v": draft.version, "date": data["effective_on"].isoformat()})
            return redirect("protocol:detail", draft.version)
    return render(request, "protocol/approve.html", {
        "protocol": draft, "form": form, "checks": approver_checks(draft), "offense_count": draft.offenses.count(),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def discard(request: HttpRequest, version: int) -> HttpResponse:
    draft = _draft_for_manager(request, version)
    if isinstance(draft, HttpResponse):
        return draft
    actions.do_discard_draft(draft, actor=request.user, request=request)
    messages.success(request, _("Draft version %(v)s was discarded.") % {"v": version})
    return redirect("protocol:index")


@login_required
def diff(request: HttpRequest, version: int) -> HttpResponse:
    protocol = _version_for_reader(request.user, version)
    base = protocol.based_on
    return render(request, "protocol/diff.html", {
        "protocol": protocol, "base": base, "diff": differences(base, protocol) if base else None,
    })
