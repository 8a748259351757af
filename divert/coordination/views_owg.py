"""Operational Work Group pages. The meeting page (and its PDF) is rendered through the viewer's seat: an item
about a person appears only to those who may know the person, with only what their seat may see of them."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from divert.accounts.roles import Role
from divert.audit.log import log_event
from divert.casework.models import PartnerSummary
from divert.coordination import actions_owg as actions
from divert.coordination.agenda import build_agenda
from divert.coordination.forms_owg import (
    ActionItemForm,
    AgendaItemForm,
    AttendanceForm,
    DecisionForm,
    FlagForm,
    GroupForm,
    GuestForm,
    MemberForm,
    MinutesForm,
)
from divert.coordination.models import (
    ActionItem,
    AgendaItem,
    MeetingStatus,
    MinutesLocked,
    OperationalWorkGroup,
    OperationalWorkGroupMeeting,
    OperationalWorkGroupMember,
)
from divert.lib.pdf import PDFUnavailable, pdf_response, render_pdf
from divert.participants.models import Enrollment, Person
from divert.privacy.policy import Category, disclose, is_on_team, visible_persons, visible_referrals
from divert.web.access import get_person_for_user

HIDDEN_LINE = _("Items about people your seat may not see are not shown.")
POLICE_ROLES = (Role.OFFICER, Role.SERGEANT)
PAST_LIMIT = 26


# --- Access ---------------------------------------------------------------------------------------------------

def get_meeting_for_user(user, meeting_id: int) -> OperationalWorkGroupMeeting:
    """The meeting, for members of its group and project managers; 404 for anyone else."""
    meeting = OperationalWorkGroupMeeting.objects.select_related("group", "minutes_approved_by").filter(
        pk=meeting_id).first()
    if meeting is None or not actions.may_view_meeting(user, meeting):
        raise Http404("No such meeting")
    return meeting


def get_meeting_to_edit(user, meeting_id: int) -> OperationalWorkGroupMeeting:
    """404 for non-members, 403 for members who may not edit or when the minutes are approved (locked)."""
    meeting = get_meeting_for_user(user, meeting_id)
    if not actions.is_project_manager(user) or meeting.approved:
        raise PermissionDenied
    return meeting


def _revision(request) -> int | None:
    raw = request.POST.get("revision", "")
    return int(raw) if raw.isdigit() else -1


# --- The meeting through one seat -----------------------------------------------------------------------------

@dataclass
class ItemRow:
    number: int
    item: AgendaItem
    person: Person | None = None
    enrollment: Enrollment | None = None
    summary: PartnerSummary | None = None
    discussion: str = ""
    flag_reason: str = ""
    referral: object | None = None
    referral_status: str = ""
    decisions: list = field(default_factory=list)
    actions: list = field(default_factory=list)


@dataclass
class SeatView:
    rows: list[ItemRow]
    decisions: list  # about the meeting as a whole
    actions: list
    minutes_visible: bool
    summary: str
    attendance: list
    guests: list


def seat_view(user, meeting: OperationalWorkGroupMeeting, *, request) -> SeatView:
    """What `user` may see of the meeting. Partner disclosures (status, the partner summary, what was said about
    the person) are logged against the release that allows them."""
    items = list(meeting.agenda_items.filter(removed=False).select_related("person", "referral", "flag"))
    person_ids = {i.person_id for i in items if i.person_id}
    known = set(visible_persons(user).filter(pk__in=person_ids).values_list("pk", flat=True))
    with_status = set(visible_persons(user, Category.STATUS).filter(pk__in=known).values_list("pk", flat=True))
    with_summary = set(visible_persons(user, Category.PARTNER_SUMMARY).filter(pk__in=known)
                       .values_list("pk", flat=True))
    pm = actions.is_project_manager(user)
    referral_ids = {i.referral_id for i in items if i.referral_id and not i.person_id}
    seen_referrals = set(visible_referrals(user).filter(pk__in=referral_ids).values_list("pk", flat=True))
    minutes_visible = meeting.approved or pm

    def may_read_discussion(pk: int) -> bool:
        # Minutes about a person and a flag's reason are written for partners: the partner summary's readers,
        # and the project manager who writes the minutes.
        return pk in with_summary or (pm and pk in with_status)

    enrollments = {}
    for e in (Enrollment.objects.filter(person_id__in=with_status).select_related("provider", "case_manager")
              .order_by("person_id", "-referred_on", "-id")):
        enrollments.setdefault(e.person_id, e)
    summaries = {}
    for s in PartnerSummary.objects.filter(person_id__in=with_summary).order_by("person_id", "-updated_at", "-id"):
        summaries.setdefault(s.person_id, s)

    def visible_item(item: AgendaItem) -> bool:
        if item.person_id:
            return item.person_id in known
        if item.referral_id:
            return item.referral_id in seen_referrals
        return True

    rows, by_item = [], {}
    for item in items:
        if not visible_item(item):
            continue
        row = ItemRow(number=len(rows) + 1, item=item)
        if item.person_id:
            pk = item.person_id
            row.person = item.person
            row.enrollment = enrollments.get(pk)
            row.summary = summaries.get(pk)
            if may_read_discussion(pk):
                row.flag_reason = item.flag.reason if item.flag_id else ""
                row.discussion = item.minutes if minutes_visible else ""
        elif item.referral_id:
            row.referral = item.referral
            row.referral_status = (item.referral.officer_view_status if user.has_role(*POLICE_ROLES)
                                   else item.referral.get_status_display())
        elif minutes_visible:
            row.discussion = item.minutes
        rows.append(row)
        by_item[item.pk] = row

    def shown(entry) -> bool:
        if entry.agenda_item_id and entry.agenda_item_id not in by_item:
            return False
        return all(pk in known for pk in entry.mentions)

    general_decisions, general_actions = [], []
    for decision in meeting.decisions.all():
        if shown(decision):
            (by_item[decision.agenda_item_id].decisions if decision.agenda_item_id else general_decisions).append(
                decision)
    for action in meeting.action_items.select_related("owner", "task"):
        if shown(action):
            (by_item[action.agenda_item_id].actions if action.agenda_item_id else general_actions).append(action)

    for row in rows:
        if row.person is None:
            continue
        categories = []
        if row.enrollment is not None:
            categories.append(Category.STATUS)
        if row.summary is not None or row.discussion or row.flag_reason:
            categories.append(Category.PARTNER_SUMMARY)
        if categories:
            disclose(user, row.person, categories, request=request, purpose="Operational Work Group meeting")
    return SeatView(rows=rows, decisions=general_decisions, actions=general_actions, minutes_visible=minutes_visible,
                    summary=meeting.minutes_summary if minutes_visible else "",
                    attendance=list(meeting.attendance.select_related("user")),
                    guests=list(meeting.guests.all()))


def _item_labels(meeting, user) -> dict[int, str]:
    """Labels of agenda items for the project manager's forms: the title, and who it is about where they may
    know the person."""
    items = meeting.agenda_items.filter(removed=False).select_related("person", "referral")
    known = set(visible_persons(user).filter(pk__in=[i.person_id for i in items if i.person_id])
                .values_list("pk", flat=True))
    labels = {}
    for number, item in enumerate(items, start=1):
        about = ""
        if item.person_id in known:
            about = f" — {item.person.full_name}"
        elif item.referral_id and not item.person_id:
            about = f" — {item.referral.reference}"
        labels[item.pk] = f"{number}. {item.title}{about}"
    return labels


# --- Pages ----------------------------------------------------------------------------------------------------

@login_required
def owg(request: HttpRequest) -> HttpResponse:
    user = request.user
    groups = list(actions.member_groups(user))
    now = timezone.now()
    meetings = OperationalWorkGroupMeeting.objects.filter(group__in=groups).select_related("group")
    upcoming = list(meetings.filter(starts_at__gte=now - timedelta(hours=12)).order_by("starts_at")[:6])
    past = list(meetings.filter(starts_at__lt=now - timedelta(hours=12)).order_by("-starts_at")[:PAST_LIMIT])
    mine = ActionItem.objects.filter(owner=user).select_related("meeting", "task")
    open_items = [a for a in mine.filter(task__done_at__isnull=True).order_by("due_on", "id")[:100]]
    done_items = list(mine.filter(task__done_at__gte=now - timedelta(days=30)).order_by("-task__done_at")[:20])
    return render(request, "coordination/owg/index.html", {
        "groups": groups, "upcoming": upcoming, "past": past, "open_items": open_items, "done_items": done_items,
        "pm": actions.is_project_manager(user), "today": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def owg_settings(request: HttpRequest) -> HttpResponse:
    if not actions.is_project_manager(request.user):
        raise PermissionDenied
    group = OperationalWorkGroup.objects.order_by("id").first()
    form = GroupForm(request.POST or None, instance=OperationalWorkGroup.objects.get(pk=group.pk) if group else None,
                     initial={} if group else {"first_meeting_on": timezone.localdate()})
    stale = ""
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            group = actions.do_save_group(group, actor=request.user, if_unchanged_since=form.cleaned_data["version"],
                                          request=request, **data)
        except actions.StaleEdit:
            stale = actions.STALE_MESSAGE
            form = GroupForm(instance=OperationalWorkGroup.objects.get(pk=group.pk))
        except ValidationError as e:
            form.add_error(None, e)
        else:
            actions.schedule_owg_meetings(timezone.localdate(), actor=request.user)
            messages.success(request, _("Saved. Meetings follow the new settings."))
            return redirect("owg_settings")
    members = group.members.filter(active=True).select_related("user", "agency") if group else []
    member_form = MemberForm(candidates=_candidates(group)) if group else None
    status = 409 if stale else 400 if form.errors else 200
    return render(request, "coordination/owg/settings.html", {
        "group": group, "form": form, "members": members, "member_form": member_form, "stale": stale},
        status=status)


def _candidates(group):
    User = get_user_model()
    taken = OperationalWorkGroupMember.objects.filter(group=group, active=True).values("user_id")
    return User.objects.filter(is_active=True).exclude(pk__in=taken).order_by("last_name", "first_name", "pk")


@login_required
@require_POST
def owg_member_add(request: HttpRequest) -> HttpResponse:
    if not actions.is_project_manager(request.user):
        raise PermissionDenied
    group = OperationalWorkGroup.objects.order_by("id").first()
    if group is None:
        raise Http404("No group yet")
    form = MemberForm(request.POST, candidates=_candidates(group))
    if not form.is_valid():
        members = group.members.filter(active=True).select_related("user", "agency")
        return render(request, "coordination/owg/settings.html", {
            "group": group, "form": GroupForm(instance=group), "members": members, "member_form": form},
            status=400)
    data = form.cleaned_data
    actions.do_add_member(group, data["user"], actor=request.user, request=request,
                          community_representative=data["community_representative"],
                          organization=data["organization"])
    messages.success(request, _("Member added."))
    return redirect("owg_settings")


@login_required
@require_POST
def owg_member_remove(request: HttpRequest, member_id: int) -> HttpResponse:
    if not actions.is_project_manager(request.user):
        raise PermissionDenied
    member = OperationalWorkGroupMember.objects.filter(pk=member_id).first()
    if member is None:
        raise Http404("No such member")
    actions.do_remove_member(member, actor=request.user, request=request)
    messages.success(request, _("Member removed."))
    return redirect("owg_settings")


@login_required
@require_POST
def owg_schedule(request: HttpRequest) -> HttpResponse:
    if not actions.is_project_manager(request.user):
        raise PermissionDenied
    made = actions.schedule_owg_meetings(timezone.localdate(), actor=request.user)
    messages.success(request, _("%(n)d meeting(s) scheduled.") % {"n": made} if made else
                     _("The next meetings were already scheduled."))
    return redirect("owg")


@login_required
def owg_meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id)
    view = seat_view(request.user, meeting, request=request)
    log_event("divert.owg.meeting.viewed", request=request, target=meeting,
              details={"items_shown": len(view.rows), "approved": meeting.approved})
    return render(request, "coordination/owg/meeting.html", {
        "meeting": meeting, "view": view, "hidden_line": HIDDEN_LINE, "pm": actions.is_project_manager(request.user),
        "today": timezone.localdate()})


@login_required
def owg_meeting_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id)
    view = seat_view(request.user, meeting, request=request)
    context = {"meeting": meeting, "view": view, "hidden_line": HIDDEN_LINE, "viewer": request.user,
               "generated_at": timezone.now()}
    try:
        content = render_pdf("coordination/owg/meeting_pdf.html", context, request=request)
    except PDFUnavailable as e:
        return render(request, "coordination/owg/pdf_unavailable.html", {"meeting": meeting, "error": e}, status=503)
    log_event("divert.owg.meeting.exported", request=request, target=meeting,
              details={"items_shown": len(view.rows), "approved": meeting.approved})
    kind = "minutes" if meeting.approved else "agenda"
    return pdf_response(content, f"owg-{kind}-{meeting.day.isoformat()}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def owg_agenda(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_to_edit(request.user, meeting_id)
    initial = {"person": request.GET["person"]} if request.GET.get("person", "").isdigit() else {}
    form = AgendaItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = None
        if data["person"]:
            person = visible_persons(request.user).filter(pk=data["person"]).first()
            if person is None:
                form.add_error("person", _("No person you may see has that record number, so the item was not "
                                           "added."))
        if not form.errors:
            try:
                _item, created = actions.do_add_agenda_item(meeting, actor=request.user, kind=data["kind"],
                                                            title=data["title"], person=person,
                                                            submission_key=data["submission_key"], request=request)
            except ValidationError as e:
                form.add_error("person" if e.code == "person" else None, e)
            else:
                messages.success(request, _("Item added.") if created else _("This item was already added."))
                return redirect("owg_agenda", meeting.pk)
    return render(request, "coordination/owg/agenda.html", {
        "meeting": meeting, "form": form, "items": _agenda_rows(meeting, request.user)},
        status=400 if form.errors else 200)


def _agenda_rows(meeting, user):
    labels = _item_labels(meeting, user)
    return [(item, labels.get(item.pk, item.title))
            for item in meeting.agenda_items.filter(removed=False).select_related("person", "referral")]


@login_required
@require_POST
def owg_agenda_rebuild(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_to_edit(request.user, meeting_id)
    added = build_agenda(meeting, actor=request.user, request=request)
    messages.success(request, _("%(n)d new item(s) added to the agenda.") % {"n": added} if added
                     else _("The agenda already had everything; nothing new was added."))
    return redirect("owg_agenda", meeting.pk)


@login_required
@require_POST
def owg_agenda_item(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """Remove, move up or down, or mark discussed (or not) one item."""
    meeting = get_meeting_to_edit(request.user, meeting_id)
    item = AgendaItem.objects.filter(pk=item_id, meeting=meeting, removed=False).first()
    if item is None:
        raise Http404("No such agenda item")
    what, revision = request.POST.get("do", ""), _revision(request)
    try:
        if what == "remove":
            actions.do_remove_agenda_item(item, actor=request.user, revision=revision, request=request)
        elif what in ("up", "down"):
            actions.do_move_agenda_item(item, actor=request.user, up=what == "up", revision=revision,
                                        request=request)
        elif what in ("discussed", "not_discussed"):
            actions.do_mark_discussed(item, actor=request.user, discussed=what == "discussed", revision=revision,
                                      request=request)
        else:
            return render(request, "coordination/owg/agenda.html", {
                "meeting": meeting, "form": AgendaItemForm(), "items": _agenda_rows(meeting, request.user),
                "error": _("Choose what to do with the item.")}, status=400)
    except actions.StaleEdit:
        fresh = OperationalWorkGroupMeeting.objects.get(pk=meeting.pk)
        return render(request, "coordination/owg/agenda.html", {
            "meeting": fresh, "form": AgendaItemForm(), "items": _agenda_rows(fresh, request.user),
            "stale": actions.STALE_MESSAGE}, status=409)
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect("owg_agenda", meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def owg_attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_to_edit(request.user, meeting_id)
    members = actions.members_of(meeting.group)
    current = dict(meeting.attendance.values_list("user_id", "status"))
    # Members who left the group after the meeting keep their row.
    members += [u for u in get_user_model().objects.filter(pk__in=set(current) - {m.pk for m in members})]
    form = AttendanceForm(request.POST or None, members=members, current=current,
                          initial={"revision": meeting.revision})
    guest_form = GuestForm(prefix="guest")
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_attendance(meeting, form.statuses(), actor=request.user,
                                         revision=form.cleaned_data["revision"], request=request)
        except actions.StaleEdit:
            fresh = OperationalWorkGroupMeeting.objects.get(pk=meeting.pk)
            return render(request, "coordination/owg/attendance.html", {
                "meeting": fresh, "guest_form": guest_form, "stale": actions.STALE_MESSAGE,
                "form": AttendanceForm(members=members, current=dict(fresh.attendance.values_list("user_id", "status")),
                                       initial={"revision": fresh.revision})}, status=409)
        messages.success(request, _("Attendance saved."))
        return redirect("owg_attendance", meeting.pk)
    return render(request, "coordination/owg/attendance.html", {
        "meeting": meeting, "form": form, "guest_form": guest_form}, status=400 if form.errors else 200)


@login_required
@require_POST
def owg_guest_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_to_edit(request.user, meeting_id)
    guest_form = GuestForm(request.POST, prefix="guest")
    if guest_form.is_valid():
        data = guest_form.cleaned_data
        try:
            actions.do_add_guest(meeting, actor=request.user, name=data["name"], agency=data["agency"],
                                 submission_key=data["submission_key"], request=request)
        except ValidationError as e:
            guest_form.add_error(None, e)
        else:
            messages.success(request, _("Guest added."))
            return redirect("owg_attendance", meeting.pk)
    members = actions.members_of(meeting.group)
    return render(request, "coordination/owg/attendance.html", {
        "meeting": meeting, "guest_form": guest_form,
        "form": AttendanceForm(members=members, current=dict(meeting.attendance.values_list("user_id", "status")),
                               initial={"revision": meeting.revision})}, status=400)


def _minutes_context(request, meeting, *, form=None, decision_form=None, action_form=None, **extra):
    labels = _item_labels(meeting, request.user)
    items = meeting.agenda_items.filter(removed=False)
    owners = get_user_model().objects.filter(
        pk__in=[u.pk for u in actions.members_of(meeting.group)] + [request.user.pk]).order_by("last_name", "pk")
    return {
        "meeting": meeting, "labels": labels,
        "form": form or MinutesForm(items=items, labels=labels,
                                    initial={"revision": meeting.revision, "summary": meeting.minutes_summary}),
        "decision_form": decision_form or DecisionForm(prefix="decision", items=items, labels=labels),
        "action_form": action_form or ActionItemForm(prefix="action", items=items, labels=labels, owners=owners,
                                                     initial={"due_on": meeting.day + timedelta(
                                                         days=meeting.group.cadence_days)}),
        "findings": actions.minutes_findings(meeting, request.user),
        "decisions": meeting.decisions.select_related("agenda_item"),
        "action_items": meeting.action_items.select_related("owner", "task", "agenda_item"),
        "has_attendance": meeting.attendance.exists(),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def owg_minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_to_edit(request.user, meeting_id)
    if request.method == "GET":
        return render(request, "coordination/owg/minutes.html", _minutes_context(request, meeting))
    labels = _item_labels(meeting, request.user)
    form = MinutesForm(request.POST, items=meeting.agenda_items.filter(removed=False), labels=labels)
    if not form.is_valid():
        return render(request, "coordination/owg/minutes.html", _minutes_context(request, meeting, form=form),
                      status=400)
    try:
        findings = actions.do_save_minutes(meeting, actor=request.user, summary=form.cleaned_data["summary"],
                                           item_minutes=form.item_minutes(),
                                           revision=form.cleaned_data["revision"], request=request)
    except actions.StaleEdit:
        fresh = OperationalWorkGroupMeeting.objects.get(pk=meeting.pk)
        return render(request, "coordination/owg/minutes.html",
                      _minutes_context(request, fresh, stale=actions.STALE_MESSAGE), status=409)
    if findings:
        messages.warning(request, _("Draft saved. Some lines must be rewritten before the minutes can be approved."))
    else:
        messages.success(request, _("Draft saved."))
    return redirect("owg_minutes", meeting.pk)


@login_required
@require_POST
def owg_decision_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_to_edit(request.user, meeting_id)
    labels = _item_labels(meeting, request.user)
    form = DecisionForm(request.POST, prefix="decision", items=meeting.agenda_items.filter(removed=False),
                        labels=labels)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_decision(meeting, actor=request.user, text=data["text"], reason=data["reason"],
                                       agenda_item=data["agenda_item"], submission_key=data["submission_key"],
                                       request=request)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("owg_minutes", meeting.pk)
    return render(request, "coordination/owg/minutes.html", _minutes_context(request, meeting, decision_form=form),
                  status=400)


@login_required
@require_POST
def owg_action_item_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_to_edit(request.user, meeting_id)
    labels = _item_labels(meeting, request.user)
    owners = get_user_model().objects.filter(
        pk__in=[u.pk for u in actions.members_of(meeting.group)] + [request.user.pk])
    form = ActionItemForm(request.POST, prefix="action", items=meeting.agenda_items.filter(removed=False),
                          labels=labels, owners=owners)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_add_action_item(meeting, actor=request.user, text=data["text"], owner=data["owner"],
                                       due_on=data["due_on"], agenda_item=data["agenda_item"],
                                       submission_key=data["submission_key"], request=request)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Action item added; it is now a task for its owner."))
            return redirect("owg_minutes", meeting.pk)
    return render(request, "coordination/owg/minutes.html", _minutes_context(request, meeting, action_form=form),
                  status=400)


@login_required
@require_POST
def owg_minutes_approve(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_id)
    if not actions.is_project_manager(request.user):
        raise PermissionDenied
    if meeting.approved:
        messages.info(request, _("These minutes were already approved."))
        return redirect("owg_meeting", meeting.pk)
    try:
        actions.do_approve_minutes(meeting, actor=request.user, revision=_revision(request), request=request)
    except actions.StaleEdit:
        return render(request, "coordination/owg/minutes.html",
                      _minutes_context(request, OperationalWorkGroupMeeting.objects.get(pk=meeting.pk),
                                       stale=actions.STALE_MESSAGE), status=409)
    except MinutesLocked:
        raise PermissionDenied from None
    except ValidationError as e:
        return render(request, "coordination/owg/minutes.html",
                      _minutes_context(request, meeting, approve_error=e.messages[0]), status=400)
    messages.success(request, _("Minutes approved. They can no longer change."))
    return redirect("owg_meeting", meeting.pk)


@login_required
@require_POST
def owg_action_item_done(request: HttpRequest, action_id: int) -> HttpResponse:
    action = ActionItem.objects.select_related("task", "meeting").filter(pk=action_id).first()
    if action is None or not (actions.may_complete(request.user, action)
                              or actions.may_view_meeting(request.user, action.meeting)):
        raise Http404("No such action item")
    if not actions.may_complete(request.user, action):
        raise PermissionDenied
    actions.do_complete_action_item(action, actor=request.user, request=request)
    messages.success(request, _("Marked done."))
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else "owg")


@login_required
@require_POST
def owg_flag(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id, Category.PARTNER_SUMMARY)
    if not is_on_team(request.user, person):
        raise PermissionDenied
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            _flag, created = actions.do_flag_person(person, actor=request.user, reason=form.cleaned_data["reason"],
                                                    request=request)
        except ValidationError as e:
            form.add_error("reason", e)
        else:
            messages.success(request, _("Flagged for the next OWG meeting.") if created
                             else _("This person is already flagged for the next OWG meeting."))
            return redirect("person", person.pk)
    return render(request, "coordination/owg/flag.html", {"person": person, "form": form}, status=400)


def next_meeting():
    return (OperationalWorkGroupMeeting.objects.filter(starts_at__gte=timezone.now() - timedelta(hours=12),
                                                       status=MeetingStatus.SCHEDULED,
                                                       minutes_approved_at__isnull=True)
            .order_by("starts_at").first())
