from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from divert.accounts.roles import CASE_MANAGEMENT_ROLES, Role
from divert.audit.log import log_event
from divert.casework import actions_contacts as actions
from divert.casework.engagement import last_substantive_contacts
from divert.casework.forms_contacts import DURATION_PICKS, EditContactForm, NewContactForm, PartnerSummaryForm, TaskForm
from divert.casework.models import Contact, PartnerSummary, Task
from divert.casework.timeline import persons_with
from divert.participants.models import OPEN_STATUSES, Enrollment, EnrollmentStatus, Person
from divert.privacy.policy import Category, disclose, grants_for, is_on_team, visible_persons, visible_referrals
from divert.protocol.models import caseload_limits
from divert.web.access import get_person_for_user, require_role

TEAM_ROLES = tuple(CASE_MANAGEMENT_ROLES)
LIST_LIMIT = 200
DONE_RECENTLY_DAYS = 14


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def get_contact_for_user(user, contact_id: int) -> Contact:
    """The contact, if this user may see its note's category for its person; 404 otherwise."""
    contact = Contact.objects.select_related("person", "recorded_by").filter(pk=contact_id).first()
    if contact is None:
        raise Http404("No such contact")
    get_person_for_user(user, contact.person_id, contact.note_category)
    return contact


def _log_contact_read(request, contact: Contact) -> str | None:
    log_event("divert.casework.contact.viewed", request=request, person=contact.person, target=contact,
              category=contact.note_category)
    return disclose(request.user, contact.person, [contact.note_category], request=request)


# --- Contacts -------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id, Category.CASEWORK)
    require(is_on_team(request.user, person))
    form = NewContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("submission_key")
        try:
            _contact, created = actions.do_record_contact(person, actor=request.user, submission_key=key,
                                                          request=request, **data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Contact saved.") if created else _("This contact was already saved."))
            # The person page tells the browser which draft it may now forget.
            return redirect(f"{reverse('person', args=[person.pk])}?{urlencode({'contact_saved': key})}")
    return render(request, "casework/contacts/new.html", {"person": person, "form": form, "picks": DURATION_PICKS},
                  status=400 if form.errors else 200)


@login_required
def contact_detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = get_contact_for_user(request.user, contact_id)
    notice = _log_contact_read(request, contact)
    return render(request, "casework/contacts/detail.html", {
        "contact": contact, "person": contact.person, "notice": notice,
        "may_edit": is_on_team(request.user, contact.person)})


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = get_contact_for_user(request.user, contact_id)
    require(is_on_team(request.user, contact.person))
    form = EditContactForm(request.POST or None, instance=Contact.objects.get(pk=contact.pk))
    context = {"contact": contact, "person": contact.person, "form": form, "picks": DURATION_PICKS}
    if request.method == "GET":
        _log_contact_read(request, contact)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            actions.do_edit_contact(contact, actor=request.user, if_unchanged_since=form.cleaned_data["version"],
                                    request=request, **data)
        except actions.StaleEdit:
            fresh = Contact.objects.get(pk=contact.pk)
            return render(request, "casework/contacts/edit.html", {
                **context, "contact": fresh, "form": EditContactForm(instance=fresh),
                "stale": actions.STALE_MESSAGE}, status=409)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Contact updated."))
            return redirect("person", contact.person_id)
    return render(request, "casework/contacts/edit.html", context, status=400 if form.errors else 200)


# --- Partner summary ------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def partner_summary(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id, Category.PARTNER_SUMMARY)
    team = is_on_team(request.user, person)
    require(team or request.method == "GET")
    latest = actions.latest_partner_summary(person)
    form = PartnerSummaryForm(request.POST or None, latest=latest) if team else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            actions.do_write_partner_summary(person, actor=request.user, text=form.cleaned_data["text"],
                                             based_on=form.cleaned_data["based_on"], request=request)
        except actions.StaleEdit:
            return render(request, "casework/contacts/partner_summary.html", {
                "person": person, "latest": latest, "team": team, "stale": actions.STALE_MESSAGE,
                "form": PartnerSummaryForm(latest=latest), "history": _history(person)}, status=409)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Partner summary saved."))
            return redirect("person", person.pk)
    log_event("divert.casework.partner_summary.viewed", request=request, person=person, target=latest,
              category=Category.PARTNER_SUMMARY)
    notice = disclose(request.user, person, [Category.PARTNER_SUMMARY], request=request) if latest else None
    return render(request, "casework/contacts/partner_summary.html", {
        "person": person, "latest": latest, "team": team, "form": form, "notice": notice,
        "history": _history(person) if team else []}, status=400 if form is not None and form.errors else 200)


def _history(person):
    return PartnerSummary.objects.filter(person=person).select_related("written_by")[:20]


# --- Tasks ----------------------------------------------------------------------------------------------------

def _team_members(user):
    User = get_user_model()
    members = User.objects.filter(is_active=True, memberships__agency_id=user.seat.agency_id,
                                  memberships__active=True, memberships__role__in=TEAM_ROLES)
    return User.objects.filter(pk__in=members.values("pk")).order_by("last_name", "first_name", "pk")


def _team_persons(user):
    """Persons whose casework this user sees by their seat (a release does not put a partner on the team)."""
    seat_grants = [g for g in grants_for(user) if g.consent is None and Category.CASEWORK in g.categories]
    q = Q(pk__in=[])
    for grant in seat_grants:
        q |= grant.persons
    return Person.objects.filter(pk__in=Person.objects.filter(q).values("pk"))


def visible_tasks(user):
    """Tasks of the user and their colleagues at the agency; those about a person only where the user may see
    that person's casework."""
    mine_or_team = Q(assigned_to=user) | Q(created_by=user) | Q(assigned_to__in=_team_members(user))
    about = Q(person__isnull=True) | Q(person__in=_team_persons(user))
    return Task.objects.filter(mine_or_team).filter(about).select_related("person", "assigned_to")


def _person_param(request):
    raw = request.POST.get("person") or request.GET.get("person")
    if not raw:
        return None
    if not str(raw).isdigit():
        raise Http404("No such person")
    person = get_person_for_user(request.user, int(raw), Category.CASEWORK)
    require(is_on_team(request.user, person))
    return person


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *TEAM_ROLES)
    person = _person_param(request)
    shown = visible_tasks(request.user)
    worker = None
    if request.GET.get("worker", "").isdigit():
        worker = _team_members(request.user).filter(pk=int(request.GET["worker"])).first()
        if worker is None:
            raise Http404("No such colleague")
        shown = shown.filter(assigned_to=worker)
    if person is not None:
        shown = shown.filter(person=person)
    open_tasks = list(shown.filter(done_at__isnull=True)[:LIST_LIMIT])
    done = list(shown.filter(done_at__gte=timezone.now() - timedelta(days=DONE_RECENTLY_DAYS))
                .order_by("-done_at")[:50])
    log_event("divert.casework.tasks.viewed", request=request, person=person, category=Category.CASEWORK,
              details={"open": len(open_tasks), "worker": getattr(worker, "pk", None)})
    return render(request, "casework/contacts/tasks.html", {
        "mine": [t for t in open_tasks if t.assigned_to_id == request.user.pk],
        "team": [t for t in open_tasks if t.assigned_to_id != request.user.pk],
        "done": done, "person": person, "worker": worker, "members": _team_members(request.user),
        "today": timezone.localdate(), "soon": timezone.localdate() + timedelta(days=3)})


def _assignees(user, person):
    members = _team_members(user)
    if person is None:
        return members
    return members.filter(pk__in=[m.pk for m in members if is_on_team(m, person)])


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *TEAM_ROLES)
    person = _person_param(request)
    form = TaskForm(request.POST or None, assignees=_assignees(request.user, person),
                    initial={"assigned_to": request.user.pk, "kind": "task"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.do_add_task(actor=request.user, assigned_to=data["assigned_to"], title=data["title"],
                            kind=data["kind"], due_on=data["due_on"], person=person, request=request)
        messages.success(request, _("Task added."))
        return redirect("person", person.pk) if person else redirect("tasks")
    return render(request, "casework/contacts/task_new.html", {"form": form, "person": person},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    require_role(request.user, *TEAM_ROLES)
    task = visible_tasks(request.user).filter(pk=task_id).first()
    if task is None:
        raise Http404("No such task")
    require(request.user.pk in (task.assigned_to_id, task.created_by_id) or request.user.has_role(Role.SUPERVISOR))
    actions.do_complete_task(task, actor=request.user, request=request)
    messages.success(request, _("Marked done."))
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else "tasks")


# --- Outreach worklist and caseloads --------------------------------------------------------------------------

def _awaiting_intake(user) -> list:
    referrals = (visible_referrals(user).filter(status__in=["pending_intake", "intake_lapsed"])
                 .select_related("protocol").order_by("referred_at")[:LIST_LIMIT])
    return sorted(((r, r.days_left()) for r in referrals), key=lambda pair: pair[1])


def _no_contact(user, seat, days: int):
    cutoff = timezone.now() - timedelta(days=days)
    last = Subquery(Contact.objects.filter(person_id=OuterRef("person_id"), substantive=True)
                    .order_by("-occurred_at").values("occurred_at")[:1])
    enrollments = (Enrollment.objects.filter(provider_id=seat.agency_id,
                                             status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.INACTIVE],
                                             person__in=persons_with(user, Category.CASEWORK))
                   .annotate(last_contact=last, since=Coalesce("enrolled_on", "referred_on"))
                   .filter(Q(last_contact__lt=cutoff) | Q(last_contact__isnull=True, since__lte=cutoff.date()))
                   .select_related("person", "case_manager"))
    return enrollments.order_by(F("last_contact").asc(nulls_first=True), "since")[:LIST_LIMIT]


@login_required
def outreach(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.OUTREACH, Role.SUPERVISOR, Role.CASE_MANAGER)
    seat, days = request.user.seat, settings.DIVERT_NO_CONTACT_DAYS
    in_the_wind = list(Enrollment.objects.filter(provider_id=seat.agency_id, status=EnrollmentStatus.IN_THE_WIND,
                                                 person__in=visible_persons(request.user))
                       .select_related("person", "case_manager").order_by("person__last_name")[:LIST_LIMIT])
    # The date of the last contact is casework: shown only for people whose casework this seat may see.
    casework_ids = set(persons_with(request.user, Category.CASEWORK).filter(
        pk__in=[e.person_id for e in in_the_wind]).values_list("pk", flat=True))
    last = last_substantive_contacts(casework_ids)
    wind_rows = [(e, e.person_id in casework_ids, last.get(e.person_id)) for e in in_the_wind]
    no_contact = list(_no_contact(request.user, seat, days))
    awaiting = _awaiting_intake(request.user)
    log_event("divert.casework.outreach.viewed", request=request, category=Category.CASEWORK,
              details={"awaiting_intake": len(awaiting), "in_the_wind": len(wind_rows),
                       "no_contact": len(no_contact), "days": days})
    return render(request, "casework/contacts/outreach.html", {
        "awaiting": awaiting, "wind_rows": wind_rows, "no_contact": no_contact, "days": days,
        "now": timezone.now()})


@login_required
def caseloads(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.SUPERVISOR)
    agency_id = request.user.seat.agency_id
    warning, maximum = caseload_limits()
    here = Q(caseload__provider_id=agency_id)
    User = get_user_model()
    cms = User.objects.filter(memberships__agency_id=agency_id, memberships__active=True,
                              memberships__role=Role.CASE_MANAGER).values("pk")

    def count(status):
        return Count("caseload", filter=here & Q(caseload__status=status))

    staff = list(User.objects.filter(pk__in=cms).annotate(
        active=count(EnrollmentStatus.ACTIVE), inactive=count(EnrollmentStatus.INACTIVE),
        wind=count(EnrollmentStatus.IN_THE_WIND), pending=count(EnrollmentStatus.PENDING_INTAKE),
    ).order_by("last_name", "first_name", "pk"))
    for cm in staff:
        cm.open = cm.active + cm.inactive + cm.wind + cm.pending
    chosen, enrollments = _chosen_caseload(request, agency_id, staff)
    return render(request, "casework/contacts/caseloads.html", {
        "staff": staff, "warning": warning, "maximum": maximum, "chosen": chosen, "enrollments": enrollments,
        "chart_rows": [(cm.get_full_name() or cm.username, cm.open) for cm in staff],
        "unassigned": Enrollment.objects.filter(provider_id=agency_id, status__in=OPEN_STATUSES,
                                                case_manager__isnull=True).count()})


def _chosen_caseload(request, agency_id: int, staff):
    """One case manager's open enrollments (or the unassigned ones), each with a link to reassign it."""
    raw = request.GET.get("case_manager", "")
    open_here = Enrollment.objects.filter(provider_id=agency_id, status__in=OPEN_STATUSES).select_related("person")
    if raw == "none":
        return "none", list(open_here.filter(case_manager__isnull=True).order_by("person__last_name")[:LIST_LIMIT])
    chosen = next((cm for cm in staff if str(cm.pk) == raw), None)
    if chosen is None:
        return None, []
    return chosen, list(open_here.filter(case_manager=chosen).order_by("person__last_name")[:LIST_LIMIT])
