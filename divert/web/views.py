from allauth.usersessions.internal.flows.sessions import end_sessions
from allauth.usersessions.models import UserSession
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from divert.accounts.roles import Role
from divert.audit.log import log_event
from divert.audit.models import AuditEvent
from divert.participants.models import Person
from divert.privacy.policy import Category, can_see, visible_persons
from divert.web.access import get_person_for_user, require_role
from divert.web.home import home_context

PAGE_SIZE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    seat = request.user.seat
    if seat is None:
        return render(request, "web/home/no_seat.html")
    context = home_context(request.user, seat)
    return render(request, f"web/home/{seat.role}.html", context)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "web/account.html")


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    log_event("divert.session.signed_out_everywhere", request=request)
    end_sessions(request, list(UserSession.objects.filter(user=request.user)))
    return redirect("account_login")


@login_required
def mfa_required(request: HttpRequest) -> HttpResponse:
    return render(request, "web/mfa_required.html")


@login_required
def people(request: HttpRequest) -> HttpResponse:
    persons = visible_persons(request.user).prefetch_related("aliases")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        for term in query.split():
            persons = persons.filter(
                Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(aliases__name__icontains=term)
            )
        persons = persons.distinct()
        log_event("divert.person.searched", request=request, details={"query_length": len(query)})
    page = Paginator(persons.order_by("last_name", "first_name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/people.html", {"page": page, "query": query})


@login_required
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    tombstone = Person.objects.filter(pk=person_id, merged_into__isnull=False).first()
    if tombstone is not None:
        # A record merged into another: old links lead to the survivor, for those who may see the survivor.
        survivor = get_person_for_user(request.user, tombstone.survivor().pk)
        return redirect("person", survivor.pk)
    person = get_person_for_user(request.user, person_id)
    status = can_see(request.user, person, Category.STATUS)
    enrollments = person.enrollments.select_related("provider", "case_manager") if status else []
    log_event("divert.person.viewed", request=request, person=person, target=person,
              category=Category.STATUS if status else Category.IDENTITY, details={"reason": status.reason})
    may_see_access = request.user.has_role(Role.PROJECT_MANAGER, Role.SUPERVISOR)
    return render(request, "web/person.html", {
        "person": person, "enrollments": enrollments, "may_see_status": bool(status),
        "may_see_referral": bool(can_see(request.user, person, Category.REFERRAL)),
        "may_see_access": may_see_access,
    })


@login_required
def person_access(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    require_role(request.user, Role.PROJECT_MANAGER, Role.SUPERVISOR)
    # Logged first, so the page a reader sees includes their own look.
    log_event("divert.person.access_log.viewed", request=request, person=person, target=person)
    events = AuditEvent.objects.filter(person=person).select_related("actor", "agency").order_by("-id")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "web/person_access.html", {"person": person, "page": page})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.PROJECT_MANAGER)
    events = AuditEvent.objects.select_related("agency").order_by("-id")
    action = request.GET.get("action", "").strip()[:100]
    if action:
        events = events.filter(action__startswith=action)
    username = request.GET.get("user", "").strip()[:150]
    if username:
        events = events.filter(actor_username=username)
    log_event("divert.audit.log.viewed", request=request, details={"action": action, "user": username})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "web/audit_log.html", {"page": page, "action": action, "username": username})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        database = "unavailable"
    ok = database == "ok"
    return JsonResponse({"status": "ok" if ok else "error", "database": database,
                         "vendor": connection.vendor}, status=200 if ok else 503)
