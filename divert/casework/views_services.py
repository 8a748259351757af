"""The provider directory, service referrals and flexible funds.

Access: a person's service referrals and expenses answer 404 to anyone the policy does not let see their data
category (sud, health or casework), and 403 to a reader who is not on the person's case-management team.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from divert.audit.log import log_event
from divert.casework import actions_services as actions
from divert.casework.forms_services import (
    ChooseServiceForm,
    DecideExpenseForm,
    DirectorySearchForm,
    ExpenseForm,
    FundingSourceForm,
    ProviderForm,
    ReferralStatusForm,
    ServiceReferralForm,
)
from divert.casework.models import (
    Expense,
    ExpenseStatus,
    FundingSource,
    ServiceCategory,
    ServiceProvider,
    ServiceReferral,
    SpendingCategory,
)
from divert.lib.spreadsheet import neutralise
from divert.privacy.policy import Category, can_see, disclose, is_on_team, visible_persons
from divert.web.access import get_person_for_user


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else NON_FIELD_ERRORS, errors)
    else:
        form.add_error(None, error)


def _render(request, template: str, context: dict, form) -> HttpResponse:
    return render(request, template, context, status=400 if form is not None and form.errors else 200)


def _person_for_team(user, person_id: int):
    """404 unless the user may see the person's casework; 403 unless they are on the person's team."""
    person = get_person_for_user(user, person_id, Category.CASEWORK)
    _require(is_on_team(user, person))
    return person


def _referral_for_user(user, referral_id: int) -> ServiceReferral:
    referral = (ServiceReferral.objects.select_related("person", "provider", "created_by")
                .filter(pk=referral_id).first())
    if referral is None or not visible_persons(user).filter(pk=referral.person_id).exists() \
            or not can_see(user, referral.person, referral.data_category):
        raise Http404("No such referral")
    return referral


# --- The directory ------------------------------------------------------------------------------------------

@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    _require(actions.may_use_directory(request.user))
    form = DirectorySearchForm(request.GET or None)
    providers = ServiceProvider.objects.prefetch_related("offerings").order_by("-active", "name")
    if form.is_valid():
        if form.cleaned_data["q"]:
            providers = providers.filter(name__icontains=form.cleaned_data["q"])
        if form.cleaned_data["category"]:
            providers = providers.filter(offerings__category=form.cleaned_data["category"])
    return _render(request, "casework/services/directory.html", {
        "form": form, "providers": providers, "may_edit": actions.may_edit_directory(request.user)}, form)


@login_required
@require_http_methods(["GET", "POST"])
def provider_edit(request: HttpRequest, provider_id: int | None = None) -> HttpResponse:
    provider = get_object_or_404(ServiceProvider, pk=provider_id) if provider_id else None
    _require(actions.may_edit_directory(request.user))
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_save_provider(provider, actor=request.user, categories=data["categories"], request=request,
                                     if_unchanged_since=data.get("updated_at"),
                                     **{k: data[k] for k in actions.PROVIDER_FIELDS})
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("The directory was updated."))
            return redirect("service_directory")
    return _render(request, "casework/services/provider_form.html", {"form": form, "provider": provider}, form)


# --- Service referrals --------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def service_referral_new(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_for_team(request.user, person_id)
    category = request.POST.get("category") or request.GET.get("category")
    if category not in ServiceCategory.values:
        chooser = ChooseServiceForm(request.GET if category else None)
        return _render(request, "casework/services/referral_choose.html", {"person": person, "form": chooser},
                       chooser if category else None)
    form = ServiceReferralForm(request.POST or None, category=category)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = actions.do_send_service_referral(person, actor=request.user, provider=data["provider"],
                                                        category=category, sent_on=data["sent_on"],
                                                        note=data["note"], request=request)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("The service referral was recorded."))
            return redirect("service_referral", referral.pk)
    return _render(request, "casework/services/referral_new.html", {
        "person": person, "form": form, "category_label": ServiceCategory(category).label}, form)


@login_required
@require_http_methods(["GET", "POST"])
def service_referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _referral_for_user(request.user, referral_id)
    may_write = is_on_team(request.user, referral.person)
    form = ReferralStatusForm(request.POST or None, referral=referral) if may_write else None
    if request.method == "POST":
        _require(may_write)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_change_referral_status(referral, data["to_status"], actor=request.user, note=data["note"],
                                                  outcome=data["outcome"], request=request,
                                                  if_unchanged_since=data["updated_at"])
            except ValidationError as e:
                _add_errors(form, e)
            else:
                messages.success(request, _("The referral was updated."))
                return redirect("service_referral", referral.pk)
    actions.log_referral_viewed(referral, request=request)
    # A partner reading under a release: accounted against the release, with the Part 2 notice for SUD.
    notice = disclose(request.user, referral.person, [referral.data_category], request=request)
    return _render(request, "casework/services/referral_detail.html", {
        "referral": referral, "person": referral.person, "notice": notice, "form": form if not referral.is_closed or
        (form is not None and form.errors) else None,
        "history": referral.status_changes.select_related("changed_by")}, form)


# --- Flexible funds -----------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def expense_new(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_for_team(request.user, person_id)
    form = ExpenseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expense = actions.do_record_expense(person, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            if expense.status == ExpenseStatus.PENDING:
                messages.info(request, _("Recorded. It is above $%(limit)s, so it waits for a supervisor's "
                                         "approval.") % {"limit": actions.approval_threshold()})
            else:
                messages.success(request, _("The expense was recorded."))
            return redirect("person", person.pk)
    return _render(request, "casework/services/expense_new.html", {
        "person": person, "form": form, "threshold": actions.approval_threshold()}, form)


PENDING_SHOWN = 50


def _pending_for(user) -> list[Expense]:
    """Pending expenses of persons whose casework this user may see (the policy's answer, as one query)."""
    return list(Expense.objects.filter(status=ExpenseStatus.PENDING,
                                       person__in=visible_persons(user, Category.CASEWORK))
                .select_related("person", "funding_source", "requested_by").order_by("spent_on", "id"))


@login_required
@require_GET
def funds_ledger(request: HttpRequest) -> HttpResponse:
    _require(actions.may_see_ledger(request.user))
    summary = actions.ledger()
    labels = dict(SpendingCategory.choices)
    category_rows = [(labels.get(r["category"], r["category"]), r["total"]) for r in summary["by_category"]]
    waiting = _pending_for(request.user)
    # The oldest first, a page at a time: each one shown is a read of that person's casework, and is audited.
    pending = waiting[:PENDING_SHOWN]
    log_event("divert.casework.funds.ledger_viewed", request=request, details={"pending_shown": len(pending)})
    for person_id in {e.person_id for e in pending}:
        person = next(e.person for e in pending if e.person_id == person_id)
        actions.log_expenses_viewed(person, sum(1 for e in pending if e.person_id == person_id), request=request,
                                    where="pending approvals")
        # Shown under a release (the project office named for casework): accounted against it.
        disclose(request.user, person, [Category.CASEWORK], request=request, purpose="flexible-funds ledger")
    return render(request, "casework/services/ledger.html", {
        "category_rows": category_rows, "sources": summary["sources"],
        "source_rows": [(s["source"].name, s["approved"] + s["pending"]) for s in summary["sources"]],
        "pending": pending, "pending_total": len(waiting),
        "may_manage_funding": actions.may_manage_funding(request.user),
        "threshold": actions.approval_threshold(),
    })


@login_required
@require_GET
def funds_ledger_csv(request: HttpRequest) -> HttpResponse:
    """The tables behind the ledger's charts: aggregates only, no participant appears."""
    _require(actions.may_see_ledger(request.user))
    summary = actions.ledger()
    log_event("divert.casework.funds.ledger_exported", request=request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="flexible-funds.csv"'
    response["Cache-Control"] = "no-store, private"
    writer = csv.writer(response)
    writer.writerow(["table", "name", "period start", "period end", "budget", "approved", "pending", "remaining"])
    for s in summary["sources"]:
        src = s["source"]
        writer.writerow([neutralise(v) for v in ("funding source", src.name, src.period_start, src.period_end,
                                            src.budget_amount, s["approved"], s["pending"], s["remaining"])])
    labels = dict(SpendingCategory.choices)
    for row in summary["by_category"]:
        writer.writerow([neutralise(v) for v in ("spending category", labels.get(row["category"], row["category"]),
                                            "", "", "", row["total"], "", "")])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def expense_decide(request: HttpRequest, expense_id: int) -> HttpResponse:
    expense = get_object_or_404(Expense.objects.select_related("person", "funding_source", "requested_by"),
                                pk=expense_id)
    get_person_for_user(request.user, expense.person_id, Category.CASEWORK)
    _require(actions.may_decide_expense(request.user, expense))
    form = DecideExpenseForm(request.POST or None, initial={"updated_at": expense.updated_at})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_decide_expense(expense, actor=request.user, approve=data["decision"] == ExpenseStatus.APPROVED,
                                      reason=data["reason"], request=request, if_unchanged_since=data["updated_at"])
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("funds_ledger")
    actions.log_expenses_viewed(expense.person, 1, request=request, where="approval")
    return _render(request, "casework/services/expense_decide.html", {
        "expense": expense, "person": expense.person, "form": form,
        "committed": actions.committed(expense.funding_source)}, form)


@login_required
@require_http_methods(["GET", "POST"])
def funding_source_edit(request: HttpRequest, source_id: int | None = None) -> HttpResponse:
    source = get_object_or_404(FundingSource, pk=source_id) if source_id else None
    _require(actions.may_manage_funding(request.user))
    form = FundingSourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_save_funding_source(source, actor=request.user, request=request,
                                           if_unchanged_since=data.get("updated_at"),
                                           **{k: data[k] for k in actions.FUNDING_FIELDS})
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("The funding source was saved."))
            return redirect("funds_ledger")
    return _render(request, "casework/services/funding_source_form.html", {"form": form, "source": source}, form)

