from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from divert.accounts.models import User
from divert.accounts.roles import Role
from divert.audit.log import log_event
from divert.participants import actions
from divert.participants.access import (
    get_enrollment_for_user,
    may_assign,
    may_change_status,
    require,
)
from divert.participants.forms import AssignmentForm, MergeForm, PhotoForm, StatusChangeForm
from divert.participants.models import OPEN_STATUSES, Person, photo_content_type
from divert.privacy.policy import Category, is_on_team, may_merge, visible_persons
from divert.protocol.models import caseload_limits

STALE = _("This enrollment was changed by someone else since you opened the form. Nothing was saved; "
          "check the new state below and try again.")


def _stale(request, template: str, context: dict) -> HttpResponse:
    context["stale"] = STALE
    return render(request, template, context, status=409)


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_status(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = get_enrollment_for_user(request.user, enrollment_id)
    require(may_change_status(request.user, enrollment))
    form = StatusChangeForm(request.POST or None, enrollment=enrollment)
    context = {"enrollment": enrollment, "person": enrollment.person, "form": form}
    if request.method == "POST" and form.is_valid():
        if form.is_stale():
            return _stale(request, "participants/status.html", {**context, "form": StatusChangeForm(
                enrollment=enrollment)})
        data = form.cleaned_data
        try:
            actions.do_change_status(enrollment, data["to_status"], actor=request.user,
                                     effective_on=data["effective_on"], reason=data["reason"],
                                     exit_reason=data["exit_reason"], request=request,
                                     if_unchanged_since=data["version"])
        except actions.StaleEnrollment:
            enrollment.refresh_from_db()
            return _stale(request, "participants/status.html", {**context, "form": StatusChangeForm(
                enrollment=enrollment)})
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Status changed to %(status)s.") % {"status": enrollment.get_status_display()})
            return redirect("person", enrollment.person_id)
    return render(request, "participants/status.html", context, status=400 if form.errors else 200)


def _case_managers(enrollment):
    return (User.objects.filter(is_active=True, memberships__active=True, memberships__role=Role.CASE_MANAGER,
                                memberships__agency_id=enrollment.provider_id)
            .annotate(open_caseload=Count("caseload", filter=Q(caseload__status__in=OPEN_STATUSES), distinct=True))
            .order_by("last_name", "first_name", "pk"))


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_assign(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = get_enrollment_for_user(request.user, enrollment_id)
    require(may_assign(request.user, enrollment))
    warning, maximum = caseload_limits()
    case_managers = _case_managers(enrollment)
    form = AssignmentForm(request.POST or None, enrollment=enrollment, case_managers=case_managers)
    context = {"enrollment": enrollment, "person": enrollment.person, "form": form, "warning": warning,
               "maximum": maximum, "case_managers": case_managers}
    if request.method == "POST" and form.is_valid():
        fresh = {**context, "form": AssignmentForm(enrollment=enrollment, case_managers=case_managers)}
        if form.is_stale():
            return _stale(request, "participants/assign.html", fresh)
        data = form.cleaned_data
        try:
            result = actions.do_assign_case_manager(
                enrollment, data["case_manager"], actor=request.user, warning=warning, maximum=maximum,
                override_reason=data["override_reason"], request=request, if_unchanged_since=data["version"])
        except actions.StaleEnrollment:
            enrollment.refresh_from_db()
            return _stale(request, "participants/assign.html", fresh)
        except actions.CaseloadLimitError as e:
            form.add_error("override_reason", e)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Assigned to %(name)s.") % {"name": data["case_manager"].get_full_name()})
            if result.warning:
                messages.warning(request, result.warning)
            return redirect("person", enrollment.person_id)
    return render(request, "participants/assign.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def person_merge(request: HttpRequest, person_id: int) -> HttpResponse:
    survivor = visible_persons(request.user).filter(pk=person_id, merged_into__isnull=True).first()
    if survivor is None:
        raise Http404("No such person")
    require(request.user.has_role(Role.SUPERVISOR, Role.PROJECT_MANAGER))
    form = MergeForm(request.POST or request.GET or None)
    duplicate = None
    if form.is_bound and form.is_valid():
        duplicate = visible_persons(request.user).filter(pk=form.cleaned_data["duplicate"]).first()
        if duplicate is None:
            form.add_error("duplicate", _("You have no person with that record number."))
        elif duplicate.pk == survivor.pk:
            form.add_error("duplicate", _("That is this person's own record."))
            duplicate = None
        elif duplicate.merged_into_id is not None:
            form.add_error("duplicate", _("That record was already merged into another person."))
            duplicate = None
        if duplicate is not None:
            require(may_merge(request.user, survivor, duplicate))
        if request.method == "POST" and duplicate is not None:
            if not form.cleaned_data["reason"].strip():
                form.add_error("reason", _("Say why these records are the same person."))
            else:
                try:
                    actions.do_merge_persons(survivor, duplicate, actor=request.user,
                                             reason=form.cleaned_data["reason"], request=request)
                except ValidationError as e:
                    form.add_error(None, e)
                else:
                    messages.success(request, _("The records were merged. Everything is now on this record."))
                    return redirect("person", survivor.pk)
    return render(request, "participants/merge.html", {
        "person": survivor, "duplicate": duplicate if not form.errors else None, "form": form,
    }, status=400 if form.errors else 200)


@login_required
def person_photo(request: HttpRequest, person_id: int) -> HttpResponse:
    person = visible_persons(request.user).filter(pk=person_id).first()
    if person is None or not person.photo:
        raise Http404("No such photo")
    try:
        handle = person.photo.open("rb")
    except FileNotFoundError:
        raise Http404("No such photo") from None
    content_type = photo_content_type(handle.read(8))
    handle.seek(0)
    if content_type is None:
        handle.close()
        raise Http404("No such photo")
    log_event("divert.person.photo.viewed", request=request, person=person, target=person,
              category=Category.IDENTITY)
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def person_photo_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person: Person | None = visible_persons(request.user).filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person")
    # The case-management team keeps the record; others who may know the person may not change it.
    require(is_on_team(request.user, person))  # a release lets partners read, never write
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        actions.do_set_photo(person, None if form.cleaned_data["remove"] else form.cleaned_data["photo"],
                             actor=request.user, request=request)
        messages.success(request, _("Photo saved."))
        return redirect("person", person.pk)
    return render(request, "participants/photo.html", {"person": person, "form": form},
                  status=400 if form.errors else 200)
