from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from divert.notify.actions import do_mark_all_read, do_mark_read, do_set_preferences, preference_for
from divert.notify.forms import PreferenceForm
from divert.notify.models import Notification

PAGE_SIZE = 25


def _posted(request: HttpRequest):
    """The submitted data on a POST (even an empty one, which then fails validation), None on a GET."""
    return request.POST if request.method == "POST" else None


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page, "preference": preference_for(request.user)})


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


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Each user sets their own: there is no one else's preference to reach (the page has no id in it)."""
    current = preference_for(request.user)
    form = PreferenceForm(_posted(request), initial={"email": current.email, "sms": current.sms})
    if request.method == "POST" and form.is_valid():
        do_set_preferences(request.user, request=request, **form.cleaned_data)
        messages.success(request, _("Saved. Your inbox keeps every notification whatever you choose here."))
        return redirect("notification_preferences")
    return render(request, "notify/preferences.html", {"form": form}, status=400 if form.errors else 200)
