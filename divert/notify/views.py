from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from divert.notify.actions import do_mark_all_read, do_mark_read
from divert.notify.models import Notification

PAGE_SIZE = 25


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    # Someone else's notification is not found: its existence is none of the asker's business.
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    do_mark_read(request.user, notification)
    # notify() only stores paths inside Divert; checked again here so a stored row can never redirect away.
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    do_mark_all_read(request.user)
    return redirect("inbox")
