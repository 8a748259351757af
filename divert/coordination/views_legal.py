"""Pages of the legal area: legal matters (with charges, court dates, disposition) and charge coordination.

Every page starts with an access helper (access.py): 404 when the viewer may not read the matter or request, 403
when they may read but not write. Every read of legal data writes an audit event, and what a partner reads under a
release goes to the accounting of disclosures.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from divert.accounts.roles import CASE_MANAGEMENT_ROLES, Role
from divert.audit.log import log_event
from divert.casework.actions_assessment import current_enrollment
from divert.casework.models import Goal, GoalStatus
from divert.coordination import actions_legal as actions
from divert.coordination.access import (
    get_coordination_request_for_user,
    get_matter_for_user,
    may_answer,
    may_decide,
    may_edit_matter,
    may_open_request,
    may_read_answer,
    may_record_matters,
    require,
    visible_coordination_requests,
    what_viewer_sees,
)
from divert.coordination.forms_legal import (
    AnswerForm,
    ChargeForm,
    CourtDateForm,
    DecisionForm,
    DispositionForm,
    MatterForm,
    OpenRequestForm,
)
from divert.coordination.models import CoordinationEvent, CoordinationRequest, CoordinationStatus
from divert.privacy.policy import Category, can_see, disclose, is_on_team
from divert.web.access import get_person_for_user, require_role

LIST_ROLES = (Role.PROSECUTOR, Role.DEFENDER, Role.PROJECT_MANAGER, *CASE_MANAGEMENT_ROLES)
RECENT_DAYS = 90
LIST_LIMIT = 200
ANSWER_GOAL_STATUSES = (GoalStatus.OPEN, GoalStatus.IN_PROGRESS, GoalStatus.ACHIEVED)


def _read(request, action: str, person, target, **details) -> str | None:
    """Log a read of legal data; account for it when a release is what let the reader see it."""
    log_event(action, request=request, person=person, target=target, category=Category.LEGAL, details=details)
    return disclose(request.user, person, [Category.LEGAL], request=request, purpose="legal matters")


def _read_form(request, person, target) -> None:
    """A form page shows the matter or request it is about: opening it is a read of legal data."""
    if request.method == "GET":
        is_request = isinstance(target, CoordinationRequest)
        action = "divert.coordination.viewed" if is_request else "divert.legal.matter.viewed"
        _read(request, action, person, target, form=request.resolver_match.url_name)


def _status(form) -> int:
    return 400 if form.errors else 200


def _refused(form, error: ValidationError) -> None:
    """Put a refusal from the write layer on the form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Legal matters ------------------------------------------------------------------------------------------------

@login_required
def legal_matter(request: HttpRequest, matter_id: int) -> HttpResponse:
    matter = get_matter_for_user(request.user, matter_id)
    _read(request, "divert.legal.matter.viewed", matter.person, matter)
    requests = visible_coordination_requests(request.user).filter(matter=matter).order_by("-opened_at")
    may_open = (may_open_request(request.user, matter) and matter.is_open
                and not CoordinationRequest.objects.open().filter(matter=matter).exists())
    return render(request, "coordination/legal/matter.html", {
        "matter": matter, "person": matter.person, "charges": matter.charges.all(),
        "court_dates": matter.court_dates.all(), "requests": requests,
        "may_edit": may_edit_matter(request.user, matter), "may_open": may_open})


@login_required
@require_http_methods(["GET", "POST"])
def legal_matter_new(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    require(may_record_matters(request.user, person))
    office = request.user.seat.agency if request.user.has_role(Role.PROSECUTOR) else None
    form = MatterForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        fields = form.matter_fields() | ({"prosecuting_agency": office} if office else {})
        try:
            matter, _created = actions.do_record_legal_matter(request.user, person, charges=form.charges(),
                                                              request=request, **fields)
        except ValidationError as e:
            _refused(form, e)
        else:
            messages.success(request, _("Legal matter recorded."))
            return redirect("legal_matter", matter.pk)
    return render(request, "coordination/legal/matter_form.html", {"person": person, "form": form, "office": office},
                  status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def legal_matter_edit(request: HttpRequest, matter_id: int) -> HttpResponse:
    matter = get_matter_for_user(request.user, matter_id)
    require(may_edit_matter(request.user, matter))
    _read_form(request, matter.person, matter)
    office = matter.prosecuting_agency if not is_on_team(request.user, matter.person) else None
    form = MatterForm(request.POST or None, instance=type(matter).objects.get(pk=matter.pk), office=office)
    context = {"person": matter.person, "matter": matter, "form": form, "office": office}
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_legal_matter(matter, actor=request.user, request=request,
                                           if_unchanged_since=form.cleaned_data["version"], **form.matter_fields())
        except actions.StaleEdit:
            fresh = type(matter).objects.get(pk=matter.pk)
            return render(request, "coordination/legal/matter_form.html", {
                **context, "form": MatterForm(instance=fresh, office=office), "stale": actions.STALE_MESSAGE},
                status=409)
        except ValidationError as e:
            _refused(form, e)
        else:
            messages.success(request, _("Legal matter updated."))
            return redirect("legal_matter", matter.pk)
    return render(request, "coordination/legal/matter_form.html", context, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def legal_charge_new(request: HttpRequest, matter_id: int) -> HttpResponse:
    matter = get_matter_for_user(request.user, matter_id)
    require(may_edit_matter(request.user, matter))
    _read_form(request, matter.person, matter)
    form = ChargeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_add_charge(matter, actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("Charge added."))
        return redirect("legal_matter", matter.pk)
    return render(request, "coordination/legal/charge_form.html", {"matter": matter, "person": matter.person,
                                                                   "form": form}, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def legal_court_date_new(request: HttpRequest, matter_id: int) -> HttpResponse:
    matter = get_matter_for_user(request.user, matter_id)
    require(may_edit_matter(request.user, matter))
    _read_form(request, matter.person, matter)
    form = CourtDateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _court_date, created = actions.do_add_court_date(matter, actor=request.user, request=request,
                                                         **form.cleaned_data)
        messages.success(request, _("Court date added.") if created else _("This court date was already there."))
        return redirect("legal_matter", matter.pk)
    return render(request, "coordination/legal/court_date_form.html", {"matter": matter, "person": matter.person,
                                                                       "form": form}, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def legal_disposition(request: HttpRequest, matter_id: int) -> HttpResponse:
    matter = get_matter_for_user(request.user, matter_id)
    require(may_edit_matter(request.user, matter))
    _read_form(request, matter.person, matter)
    form = DispositionForm(request.POST or None, matter=matter)
    context = {"matter": matter, "person": matter.person, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_disposition(matter, actor=request.user, disposition=data["disposition"],
                                          disposed_on=data["disposed_on"], if_unchanged_since=data["version"],
                                          request=request)
        except actions.StaleEdit:
            fresh = type(matter).objects.get(pk=matter.pk)
            return render(request, "coordination/legal/disposition_form.html", {
                **context, "matter": fresh, "form": DispositionForm(matter=fresh), "stale": actions.STALE_MESSAGE},
                status=409)
        except ValidationError as e:
            _refused(form, e)
        else:
            messages.success(request, _("Disposition recorded; the matter is closed."))
            return redirect("legal_matter", matter.pk)
    return render(request, "coordination/legal/disposition_form.html", context, status=_status(form))


# --- Coordination requests ---------------------------------------------------------------------------------------

@login_required
def coordination(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *LIST_ROLES)
    user, seat = request.user, request.user.seat
    shown = visible_coordination_requests(user).select_related("person", "matter", "prosecuting_agency",
                                                               "case_manager")
    if seat.role == Role.PROSECUTOR:
        shown = shown.filter(prosecuting_agency_id=seat.agency_id)
    open_requests = list(shown.open().order_by("opened_at")[:LIST_LIMIT])
    recent = list(shown.filter(decided_at__gte=timezone.now() - timedelta(days=RECENT_DAYS))
                  .order_by("-decided_at")[:LIST_LIMIT])
    mine = [r for r in open_requests if r.case_manager_id == user.pk and r.status == CoordinationStatus.AWAITING_ANSWER]
    log_event("divert.coordination.listed", request=request, category=Category.LEGAL,
              details={"open": len(open_requests), "recent": len(recent)})
    return render(request, "coordination/legal/list.html", {
        "mine": mine, "open_requests": [r for r in open_requests if r not in mine], "recent": recent,
        "seat_role": seat.role, "recent_days": RECENT_DAYS})


def _timeline(req: CoordinationRequest, user) -> list[dict]:
    may_know_team = bool(can_see(user, req.person, Category.STATUS))
    rows = []
    for event in req.events.select_related("actor", "recipient"):
        rows.append({"event": event, "actor": event.actor if may_know_team or event.actor_id in (
            req.opened_by_id, req.decided_by_id) else None, "recipient": event.recipient if may_know_team else None,
            "value": _event_value(req, event)})
    return rows


def _event_value(req: CoordinationRequest, event: CoordinationEvent) -> str:
    field = {"answered": "answer_kind", "decided": "decision"}.get(event.kind)
    if not field or not event.value:
        return ""
    return str(dict(CoordinationRequest._meta.get_field(field).choices).get(event.value, ""))


@login_required
def coordination_request(request: HttpRequest, request_id: int) -> HttpResponse:
    req = get_coordination_request_for_user(request.user, request_id)
    user, person = request.user, req.person
    notice = _read(request, "divert.coordination.viewed", person, req)
    answer_allowed = may_read_answer(user, req) if req.answer_kind else False
    if answer_allowed and req.has_recommendation:
        notice = disclose(user, person, [Category.PARTNER_SUMMARY], request=request,
                          purpose="charge coordination") or notice
    return render(request, "coordination/legal/request.html", {
        "req": req, "person": person, "matter": req.matter, "timeline": _timeline(req, user),
        "answer_allowed": bool(answer_allowed), "team": is_on_team(user, person), "notice": notice,
        "goals": req.goals.all() if is_on_team(user, person) else [], "sees": what_viewer_sees(user, person),
        "may_answer": req.is_open and may_answer(user, req), "may_decide": req.is_open and may_decide(user, req)})


@login_required
@require_http_methods(["GET", "POST"])
def coordination_open(request: HttpRequest, matter_id: int) -> HttpResponse:
    matter = get_matter_for_user(request.user, matter_id)
    require(may_open_request(request.user, matter))
    _read_form(request, matter.person, matter)
    form = OpenRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            req, created = actions.do_open_coordination_request(request.user, matter, note=form.cleaned_data["note"],
                                                                request=request)
        except ValidationError as e:
            _refused(form, e)
        else:
            messages.success(request, _("Coordination request sent to the case manager.") if created
                             else _("A coordination request on this matter is already open."))
            return redirect("coordination_request", req.pk)
    return render(request, "coordination/legal/open.html", {"matter": matter, "person": matter.person, "form": form},
                  status=_status(form))


def _answer_goals(user, person):
    enrollment = current_enrollment(user, person)
    return Goal.objects.filter(plan__enrollment=enrollment, status__in=ANSWER_GOAL_STATUSES).order_by("created_at")


@login_required
@require_http_methods(["GET", "POST"])
def coordination_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    req = get_coordination_request_for_user(request.user, request_id)
    require(may_answer(request.user, req))
    _read_form(request, req.person, req)
    release = actions.release_for_prosecutor(req)
    form = AnswerForm(request.POST or None, req=req, goals=_answer_goals(request.user, req.person),
                      may_recommend=release is not None)
    context = {"req": req, "person": req.person, "form": form, "release": release}
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            actions.do_answer_coordination_request(req, actor=request.user, request=request,
                                                   if_unchanged_since=form.cleaned_data["version"], **data)
        except actions.StaleEdit:
            fresh = get_coordination_request_for_user(request.user, req.pk)
            return render(request, "coordination/legal/answer.html", {**context, "req": fresh, "form": AnswerForm(
                req=fresh, goals=_answer_goals(request.user, fresh.person), may_recommend=release is not None),
                "stale": actions.STALE_MESSAGE}, status=409)
        except ValidationError as e:
            _refused(form, e)
        else:
            messages.success(request, _("Answer sent to the prosecutor."))
            return redirect("coordination_request", req.pk)
    return render(request, "coordination/legal/answer.html", context, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def coordination_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    req = get_coordination_request_for_user(request.user, request_id)
    require(may_decide(request.user, req))
    _read_form(request, req.person, req)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_decide_coordination_request(req, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as e:
            _refused(form, e)
        else:
            messages.success(request, _("Decision recorded; the case manager is notified."))
            return redirect("coordination_request", req.pk)
    return render(request, "coordination/legal/decide.html", {"req": req, "person": req.person, "form": form},
                  status=_status(form))
