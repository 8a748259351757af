from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from divert.audit.log import log_event
from divert.records.access import get_import_for_user, require_records_seat
from divert.records.actions import do_upload_import
from divert.records.forms import UploadForm
from divert.records.models import FeedImport
from divert.records.report import report_name, write_report

LIST_LIMIT = 100
PROBLEMS_SHOWN = 20


@login_required
@require_GET
def imports(request: HttpRequest) -> HttpResponse:
    require_records_seat(request.user)
    rows = FeedImport.objects.select_related("profile", "created_by")[:LIST_LIMIT]
    return render(request, "records/imports.html", {"imports": rows})


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    require_records_seat(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            imp = do_upload_import(data["file"], profile=data["profile"], kind=data["kind"], actor=request.user)
        except ValueError as exc:
            form.add_error(None, ValidationError(str(exc)))
        else:
            messages.success(request, _("The file was received; its import has started."))
            return redirect("records_import_detail", imp.pk)
    return render(request, "records/import_new.html", {"form": form}, status=400 if form.errors else 200)


def _detail_context(imp: FeedImport) -> dict:
    staged = imp.staged.all()
    return {
        "imp": imp,
        "by_kind": staged.values("kind").annotate(n=Count("id")).order_by("kind"),
        "by_severity": staged.exclude(severity="").values("severity").annotate(n=Count("id")).order_by("severity"),
        "by_link": staged.values("link_status").annotate(n=Count("id")).order_by("link_status"),
        "span": staged.aggregate(first=Min("occurred_at"), last=Max("occurred_at")),
        "problems": imp.problems.all()[:PROBLEMS_SHOWN],
    }


@login_required
@require_GET
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    imp = get_import_for_user(request.user, import_id)
    return render(request, "records/import_detail.html", _detail_context(imp))


@login_required
@require_GET
def import_progress(request: HttpRequest, import_id: int) -> HttpResponse:
    """The status panel alone, for the detail page to poll while the import runs."""
    imp = get_import_for_user(request.user, import_id)
    response = render(request, "records/_progress.html", {"imp": imp})
    if imp.done and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # counts and problems below the panel are now final
    return response


@login_required
@require_GET
def import_report(request: HttpRequest, import_id: int) -> HttpResponse:
    imp = get_import_for_user(request.user, import_id)
    log_event("divert.records.import.report_downloaded", request=request, target=imp,
              details={"file": imp.file_name, "problems": imp.problems_total})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{imp.pk}-{_safe(report_name(imp))}"'
    response["Cache-Control"] = "no-store, private"
    write_report(imp, response)
    return response


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:120]

