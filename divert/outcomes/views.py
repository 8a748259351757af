"""The outcomes dashboard (signed in), the public impact page (no sign-in), unit costs and the quarterly reports.

Who sees the dashboard, and whether small cells are hidden for them, is the privacy policy's answer
(`may_see_program_outcomes`); anyone else gets 404, as for any page they have no business knowing.
"""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from divert.accounts.roles import Role
from divert.audit.log import log_event
from divert.lib.pdf import PDFUnavailable, pdf_response
from divert.outcomes import actions
from divert.outcomes.dashboard import full_tables, suppressed_tables
from divert.outcomes.forms import OutcomeFilterForm, UnitCostForm
from divert.outcomes.metrics import METRICS
from divert.outcomes.models import QuarterlyReport, UnitCostDeclaration
from divert.outcomes.present import chart_for
from divert.outcomes.public import headlines, public_figures, tables_of, threshold
from divert.privacy.policy import OUTCOMES_IN_FULL, may_see_program_outcomes


def _level(user) -> str:
    level = may_see_program_outcomes(user)
    if level is None:
        raise Http404
    return level


def _figures(tables) -> list[dict]:
    return [{"table": t, "chart": chart_for(t), "rows": list(zip(t.rows, t.values, t.hidden or [[""] * len(
        t.columns)] * len(t.rows), strict=True))} for t in tables]


def _filter_form(request: HttpRequest, full: bool) -> OutcomeFilterForm:
    data = request.GET.copy()
    if "period" not in data:
        data["period"] = str(timezone.localdate().year)
    return OutcomeFilterForm(data, full=full)


def _tables(form: OutcomeFilterForm, full: bool, names=None):
    f = form.filter()
    return full_tables(f, names) if full else suppressed_tables(f, form.dimension(), names)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    full = _level(request.user) == OUTCOMES_IN_FULL
    form = _filter_form(request, full)
    if not form.is_valid():
        return render(request, "outcomes/dashboard.html", {"form": form, "full": full, "k": threshold()},
                      status=400)
    return render(request, "outcomes/dashboard.html", {
        "form": form, "full": full, "k": threshold(), "filter": form.filter(), "figures": _figures(
            _tables(form, full)), "query": request.GET.urlencode(),
        "may_report": request.user.has_role(Role.PROJECT_MANAGER)})


@login_required
@require_GET
def export_table(request: HttpRequest, metric: str) -> HttpResponse:
    full = _level(request.user) == OUTCOMES_IN_FULL
    if metric not in METRICS:
        raise Http404
    form = _filter_form(request, full)
    if not form.is_valid():
        return HttpResponse("; ".join(e for errors in form.errors.values() for e in errors), status=400,
                            content_type="text/plain; charset=utf-8")
    from divert.outcomes.present import table_csv

    (table,) = _tables(form, full, [metric])
    log_event("divert.outcomes.dashboard.exported", request=request, details={"metric": metric,
                                                                               "filter": form.filter().key()})
    response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="outcomes-{metric}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def impact_context(css_href: str, *, static_site: bool = False) -> dict:
    payload = public_figures()
    tables = tables_of(payload)
    return {"k": payload["k"], "start": date.fromisoformat(payload["start"]), "end": date.fromisoformat(
        payload["end"]), "headlines": headlines(payload), "figures": _figures(tables.values()),
        "css_href": css_href, "static_site": static_site}


@require_GET
def impact(request: HttpRequest) -> HttpResponse:
    """The public impact page: aggregates only, suppressed; no sign-in."""
    return render(request, "outcomes/impact.html", impact_context(static("divert/impact.css")))


@login_required
@require_http_methods(["GET", "POST"])
def unit_costs(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.PROJECT_MANAGER):
        raise Http404
    form = UnitCostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_declare_unit_costs(actor=request.user, request=request, **form.cleaned_data)
        return redirect("outcomes:unit_costs")
    return render(request, "outcomes/unit_costs.html", {
        "form": form, "declarations": UnitCostDeclaration.objects.all()},
        status=400 if request.method == "POST" else 200)


def _may_read_reports(user) -> bool:
    from divert.coordination.actions_pcg import may_read_pcg

    return may_read_pcg(user) or may_see_program_outcomes(user) is not None


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    if not _may_read_reports(request.user):
        raise Http404
    return render(request, "outcomes/reports.html", {
        "reports": QuarterlyReport.objects.defer("pdf"), "may_make": request.user.has_role(Role.PROJECT_MANAGER)})


@login_required
@require_POST
def make_report(request: HttpRequest) -> HttpResponse:
    from divert.outcomes.report import do_make_report, last_full_quarter

    if not _may_read_reports(request.user):
        raise Http404
    if not request.user.has_role(Role.PROJECT_MANAGER):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    try:
        report = do_make_report(*last_full_quarter(timezone.localdate()), actor=request.user, request=request)
    except PDFUnavailable as exc:
        return render(request, "outcomes/reports.html", {"reports": QuarterlyReport.objects.defer("pdf"),
                                                         "may_make": True, "error": str(exc)}, status=503)
    return redirect("outcomes:report_pdf", report.pk)


@login_required
@require_GET
def report_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    if not _may_read_reports(request.user):
        raise Http404
    report = get_object_or_404(QuarterlyReport, pk=report_id)
    log_event("divert.outcomes.report.downloaded", request=request, target=report)
    return pdf_response(bytes(report.pdf), f"outcomes-{report.quarter_start:%Y-%m}.pdf")
