"""The HMIS export page (project manager) and the webhook pages (site administrator)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from divert.accounts.roles import Role
from divert.audit.log import log_event
from divert.interop import hmis, webhooks
from divert.interop.actions import do_create_endpoint, do_export_hmis, do_rotate_secret, do_set_endpoint_active
from divert.interop.forms import HmisExportForm, WebhookEndpointForm
from divert.interop.models import HmisExport, WebhookDelivery, WebhookEndpoint
from divert.lib.charts import bar_chart
from divert.web.access import require_role


@login_required
def hmis_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.PROJECT_MANAGER)
    problem = hmis.setup_problem()
    form = HmisExportForm(request.POST or None)
    if request.method == "POST" and problem is None and form.is_valid():
        start, end = form.cleaned_data["period_from"], form.cleaned_data["period_to"]
        record, data = do_export_hmis(start, end, actor=request.user, via=HmisExport.Via.WEB, request=request)
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="hmis-{start:%Y%m%d}-{end:%Y%m%d}.zip"'
        return response
    if request.method == "GET":
        log_event("divert.interop.hmis.viewed", request=request)
    exports = list(HmisExport.objects.select_related("made_by")[:20])
    chart = bar_chart([(f"{e.made_at:%Y-%m-%d} #{e.pk}", e.persons) for e in exports[:10]],
                      "Participants in the most recent exports")
    status = 400 if request.method == "POST" else 200
    return render(request, "interop/hmis_export.html",
                  {"form": form, "problem": problem, "exports": exports, "chart": chart}, status=status)


def _require_site_admin(request: HttpRequest) -> None:
    require_role(request.user, Role.SITE_ADMIN)


@login_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    _require_site_admin(request)
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST":
        if not webhooks.enabled():
            return render(request, "interop/webhooks.html", {"enabled": False}, status=400)
        if form.is_valid():
            endpoint = do_create_endpoint(url=form.cleaned_data["url"], description=form.cleaned_data["description"],
                                          events=form.cleaned_data["events"], actor=request.user, request=request)
            # The secret is shown this once, in the answer to the form; no page shows it again.
            return render(request, "interop/webhook_secret.html", {"endpoint": endpoint, "secret": endpoint.secret})
    endpoints = WebhookEndpoint.objects.order_by("url", "id")
    return render(request, "interop/webhooks.html",
                  {"enabled": webhooks.enabled(), "form": form, "endpoints": endpoints},
                  status=400 if request.method == "POST" else 200)


def _endpoint(request: HttpRequest, endpoint_id: int) -> WebhookEndpoint:
    _require_site_admin(request)
    if not webhooks.enabled():
        raise Http404("webhooks are off on this site")
    return get_object_or_404(WebhookEndpoint, pk=endpoint_id)


@login_required
def webhook_detail(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    deliveries = (WebhookDelivery.objects.filter(endpoint=endpoint).prefetch_related("attempt_log")
                  .order_by("-created_at")[:100])
    return render(request, "interop/webhook_detail.html", {"endpoint": endpoint, "deliveries": deliveries})


@login_required
@require_POST
def webhook_toggle(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    do_set_endpoint_active(endpoint, not endpoint.active, actor=request.user, request=request)
    return redirect("webhook_detail", endpoint.pk)


@login_required
@require_POST
def webhook_rotate(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    secret = do_rotate_secret(endpoint, actor=request.user, request=request)
    return render(request, "interop/webhook_secret.html", {"endpoint": endpoint, "secret": secret})
