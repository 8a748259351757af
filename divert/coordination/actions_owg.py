"""Writes for the Operational Work Group: the group and its members, meetings from the cadence, agenda edits,
attendance, decisions, action items (which become tasks), minutes and their approval, and flags.

Each write is one transaction with its audit event. Audit details name what changed, never the text. Text that
partners read (agenda titles, decisions, action items, flags, minutes) goes through the First Golden Rule check
(divert.coordination.golden_rule); a name of a participant is allowed only where every reader may know them.
"""

import re
import uuid
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from divert.accounts.roles import Role
from divert.audit.log import log_event
from divert.casework.actions_contacts import do_add_task, do_complete_task
from divert.coordination import golden_rule
from divert.coordination.models import (
    ActionItem,
    AgendaItem,
    AgendaItemKind,
    AgendaSource,
    AttendanceStatus,
    MeetingAttendance,
    MeetingDecision,
    MeetingGuest,
    MeetingStatus,
    MinutesLocked,
    OperationalWorkGroup,
    OperationalWorkGroupFlag,
    OperationalWorkGroupMeeting,
    OperationalWorkGroupMember,
)
from divert.notify.actions import notify
from divert.participants.models import Person
from divert.privacy.policy import Category, can_see, is_on_team, visible_persons

STALE_MESSAGE = _("This meeting was changed by someone else since you opened the page. Nothing was saved; check "
                  "what it says now and try again.")
# How far ahead meetings are scheduled, in cadences; and how soon before a meeting its agenda is built.
SCHEDULE_AHEAD_CADENCES = 2
AGENDA_AHEAD_DAYS = 7


class StaleEdit(ValidationError):
    def __init__(self):
        super().__init__(STALE_MESSAGE, code="stale")


# --- Who may do what ------------------------------------------------------------------------------------------

def is_project_manager(user) -> bool:
    return user.is_authenticated and user.has_role(Role.PROJECT_MANAGER)


def member_groups(user):
    """The groups this user may read: every group for a project manager, otherwise those they are a member of."""
    if is_project_manager(user):
        return OperationalWorkGroup.objects.all()
    if not user.is_authenticated or not user.is_active:
        return OperationalWorkGroup.objects.none()
    return OperationalWorkGroup.objects.filter(members__user=user, members__active=True).distinct()


def may_view_meeting(user, meeting: OperationalWorkGroupMeeting) -> bool:
    return member_groups(user).filter(pk=meeting.group_id).exists()


def _require_pm(actor) -> None:
    if not is_project_manager(actor):
        raise PermissionDenied


def _require_open(meeting: OperationalWorkGroupMeeting) -> OperationalWorkGroupMeeting:
    """Lock the meeting row; refuse if its minutes are approved."""
    locked = OperationalWorkGroupMeeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.approved:
        raise MinutesLocked()
    return locked


def _bump(meeting: OperationalWorkGroupMeeting, expected: int | None) -> None:
    if expected is not None and meeting.revision != expected:
        raise StaleEdit()
    meeting.revision += 1
    meeting.save(update_fields=["revision", "updated_at"])


def _day(d) -> str:
    return date_format(d, "DATE_FORMAT")


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


# --- Names of participants in text that partners read ----------------------------------------------------------

def _names_of(person: Person) -> list[str]:
    names = {person.full_name, f"{person.first_name} {person.last_name}", person.last_name}
    names.update(a.name for a in person.aliases.all())
    return sorted((n for n in names if n and len(n.strip()) >= 3), key=len, reverse=True)


_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]+")
PAIR_LIMIT = 100


def mentioned_persons(text: str, editor, *, meeting: OperationalWorkGroupMeeting | None = None) -> list[Person]:
    """Participants `editor` may see whose names `text` contains: anyone on the meeting's agenda by any of their
    names, anyone else by first and last name together. Persons the editor may not see are never looked for, so
    a refusal cannot tell them that someone exists."""
    if not text:
        return []
    visible = visible_persons(editor)
    found: dict[int, Person] = {}
    if meeting is not None:
        on_agenda = visible.filter(pk__in=AgendaItem.objects.filter(meeting=meeting, person__isnull=False)
                                   .values("person_id")).prefetch_related("aliases")
        for person in on_agenda:
            if golden_rule.names_in(text, _names_of(person)):
                found[person.pk] = person
    words = _WORD.findall(text)
    pairs = list(dict.fromkeys(zip(words, words[1:], strict=False)))[:PAIR_LIMIT]
    if pairs:
        q = Q()
        for first, last in pairs:
            q |= Q(first_name__iexact=first, last_name__iexact=last)
        for person in visible.filter(q):
            found.setdefault(person.pk, person)
    return list(found.values())


def _check_partner_text(*texts: str) -> None:
    """Refuse text the First Golden Rule keeps out of what partners read, saying why."""
    for text in texts:
        findings = golden_rule.check_text(text)
        if findings:
            first = findings[0]
            raise ValidationError(
                _("“%(words)s”: %(why)s") % {"words": first.words, "why": first.why}, code="golden_rule")


# --- The group, its members and its meetings -------------------------------------------------------------------

GROUP_FIELDS = ("name", "cadence_days", "weekday", "starts_at", "duration_minutes", "place", "call_link",
                "first_meeting_on", "active")


def do_save_group(group: OperationalWorkGroup | None, *, actor, if_unchanged_since: datetime | None = None,
                  request=None, **fields) -> OperationalWorkGroup:
    """Create or change the group. Future meetings with nothing recorded yet follow a changed cadence."""
    _require_pm(actor)
    with transaction.atomic():
        if group is None:
            group = OperationalWorkGroup()
            changed = list(GROUP_FIELDS)
        else:
            group = OperationalWorkGroup.objects.select_for_update().get(pk=group.pk)
            if if_unchanged_since is not None and group.updated_at != if_unchanged_since:
                raise StaleEdit()
            changed = [k for k in GROUP_FIELDS if k in fields and getattr(group, k) != fields[k]]
        for name in GROUP_FIELDS:
            if name in fields:
                setattr(group, name, fields[name])
        group.full_clean()
        group.save()
        timing = {"cadence_days", "weekday", "starts_at", "first_meeting_on", "place", "call_link", "active"}
        dropped = _drop_untouched_future_meetings(group) if timing & set(changed) and group.pk else 0
        log_event("divert.owg.settings_changed", request=request, actor=actor, target=group,
                  details={"fields": changed, "future_meetings_rescheduled": dropped})
    return group


def _drop_untouched_future_meetings(group) -> int:
    untouched = (OperationalWorkGroupMeeting.objects.filter(group=group, starts_at__gt=timezone.now(),
                                                            minutes_approved_at__isnull=True)
                 .exclude(attendance__isnull=False).exclude(decisions__isnull=False)
                 .exclude(action_items__isnull=False).exclude(guests__isnull=False)
                 .exclude(agenda_items__source=AgendaSource.MANUAL).exclude(agenda_items__discussed_at__isnull=False))
    ids = list(untouched.values_list("pk", flat=True))
    AgendaItem.objects.filter(meeting_id__in=ids).delete()
    OperationalWorkGroupMeeting.objects.filter(pk__in=ids).delete()
    return len(ids)


def do_add_member(group: OperationalWorkGroup, user, *, actor, community_representative: bool = False,
                  organization: str = "", request=None) -> OperationalWorkGroupMember:
    _require_pm(actor)
    seat = user.seat
    with transaction.atomic():
        member, created = OperationalWorkGroupMember.objects.get_or_create(group=group, user=user)
        member.agency = seat.agency if seat else None
        member.role = seat.role if seat else ""
        member.organization = organization.strip()[:200]
        member.community_representative = community_representative
        member.active = True
        member.save()
        log_event("divert.owg.member_added", request=request, actor=actor, target=member,
                  details={"user": user.pk, "role": member.role, "community_representative": community_representative,
                           "again": not created})
    return member


def do_remove_member(member: OperationalWorkGroupMember, *, actor, request=None) -> None:
    _require_pm(actor)
    with transaction.atomic():
        OperationalWorkGroupMember.objects.filter(pk=member.pk).update(active=False)
        log_event("divert.owg.member_removed", request=request, actor=actor, target=member,
                  details={"user": member.user_id})


def members_of(group: OperationalWorkGroup):
    return [m.user for m in group.members.filter(active=True, user__is_active=True).select_related("user")]


def meeting_dates(group: OperationalWorkGroup, start: date, end: date) -> list[date]:
    """The days the group meets between `start` and `end` (both included), by its cadence."""
    anchor = group.first_meeting_on + timedelta(days=(group.weekday - group.first_meeting_on.weekday()) % 7)
    step = max(1, group.cadence_days)
    k = max(0, -(-(start - anchor).days // step))
    days = []
    while (day := anchor + timedelta(days=k * step)) <= end:
        days.append(day)
        k += 1
    return days


def _moment(group: OperationalWorkGroup, day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, group.starts_at or time(10)))


def schedule_owg_meetings(today: date, *, actor=None, notify_members: bool = True) -> int:
    """Make the meetings each active group's cadence calls for over the next two cadences, build the agenda of
    any meeting in the coming week, and tell members. Safe to run as often as you like; returns the number of
    meetings made. `divert tick` runs it through `owg_tick`."""
    made = 0
    for group in OperationalWorkGroup.objects.filter(active=True):
        horizon = today + timedelta(days=group.cadence_days * SCHEDULE_AHEAD_CADENCES)
        for day in meeting_dates(group, today, horizon):
            made += _schedule_one(group, day, actor=actor, notify_members=notify_members)
        soon = (OperationalWorkGroupMeeting.objects.filter(
            group=group, status=MeetingStatus.SCHEDULED, minutes_approved_at__isnull=True,
            starts_at__gte=timezone.make_aware(datetime.combine(today, time.min)),
            starts_at__lt=timezone.make_aware(datetime.combine(today + timedelta(days=AGENDA_AHEAD_DAYS), time.min))))
        for meeting in soon:
            from divert.coordination.agenda import build_agenda

            build_agenda(meeting, actor=actor)
            if notify_members:
                notify(members_of(group), kind="divert.owg.agenda_ready",
                       title=_("The agenda for the OWG meeting on %(day)s is ready") % {"day": _day(meeting.day)},
                       url=_url("owg_meeting", meeting.pk), dedupe_key=f"owg:{meeting.pk}:agenda", actor=actor)
    return made


def _schedule_one(group, day: date, *, actor, notify_members: bool) -> int:
    starts = _moment(group, day)
    try:
        with transaction.atomic():
            meeting, created = OperationalWorkGroupMeeting.objects.get_or_create(
                group=group, starts_at=starts, defaults={"place": group.place, "call_link": group.call_link})
            if created:
                log_event("divert.owg.meeting.scheduled", actor=actor, target=meeting,
                          details={"group": group.pk, "day": day.isoformat()})
    except IntegrityError:
        return 0
    if created and notify_members:
        notify(members_of(group), kind="divert.owg.meeting_scheduled",
               title=_("OWG meeting scheduled for %(day)s") % {"day": _day(day)},
               url=_url("owg_meeting", meeting.pk), dedupe_key=f"owg:{meeting.pk}:scheduled", actor=actor)
    return int(created)


def owg_tick(now: datetime) -> int:
    """The periodic job: schedule meetings and build agendas (see schedule_owg_meetings)."""
    return schedule_owg_meetings(timezone.localdate(now))


# --- The agenda -----------------------------------------------------------------------------------------------

def do_add_agenda_item(meeting: OperationalWorkGroupMeeting, *, actor, kind: str, title: str,
                       person: Person | None = None, submission_key: uuid.UUID | None = None,
                       request=None) -> tuple[AgendaItem, bool]:
    """Add a free-text item, about a person or not; (item, created). The same submission twice adds one item."""
    _require_pm(actor)
    title = " ".join(title.split())
    if not title:
        raise ValidationError(_("Say what the item is."), code="required")
    if person is not None and not can_see(actor, person, Category.IDENTITY):
        raise ValidationError(_("No person you may see has that record number, so the item was not added."),
                              code="person")
    _check_partner_text(title)
    named = [p for p in mentioned_persons(title, actor, meeting=meeting) if person is None or p.pk != person.pk]
    if named:
        raise ValidationError(_("The item names a participant. Give their record number instead, so that only "
                                "seats that may know them see the item, and keep the name out of the title."),
                              code="names_person")
    if submission_key is not None:
        existing = AgendaItem.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    with transaction.atomic():
        locked = _require_open(meeting)
        position = (AgendaItem.objects.filter(meeting=locked).aggregate(m=Max("position"))["m"] or 0) + 1
        item = AgendaItem.objects.create(
            meeting=locked, position=position, kind=AgendaItemKind.PARTICIPANT if person else kind,
            source=AgendaSource.MANUAL, title=title, person=person, added_by=actor, submission_key=submission_key)
        _bump(locked, None)
        log_event("divert.owg.agenda.item_added", request=request, actor=actor, person=person, target=item,
                  category=Category.IDENTITY if person else "", details={"kind": item.kind})
    return item, True


def _locked_item(item: AgendaItem, expected: int | None) -> tuple[OperationalWorkGroupMeeting, AgendaItem]:
    meeting = _require_open(item.meeting)
    _bump(meeting, expected)
    return meeting, AgendaItem.objects.select_for_update().get(pk=item.pk)


def do_remove_agenda_item(item: AgendaItem, *, actor, revision: int | None, request=None) -> AgendaItem:
    """Take an item off the agenda. It stays recorded (removed), so building again does not bring it back."""
    _require_pm(actor)
    with transaction.atomic():
        _meeting, locked = _locked_item(item, revision)
        locked.removed = True
        locked.save(update_fields=["removed", "updated_at"])
        log_event("divert.owg.agenda.item_removed", request=request, actor=actor, target=locked,
                  details={"source": locked.source})
    return locked


def do_move_agenda_item(item: AgendaItem, *, actor, up: bool, revision: int | None, request=None) -> None:
    _require_pm(actor)
    with transaction.atomic():
        meeting, locked = _locked_item(item, revision)
        items = list(AgendaItem.objects.filter(meeting=meeting, removed=False).select_for_update())
        index = next(i for i, it in enumerate(items) if it.pk == locked.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
            for position, it in enumerate(items):
                if it.position != position:
                    AgendaItem.objects.filter(pk=it.pk).update(position=position, updated_at=timezone.now())
        log_event("divert.owg.agenda.item_moved", request=request, actor=actor, target=locked,
                  details={"up": up})


def do_mark_discussed(item: AgendaItem, *, actor, discussed: bool = True, revision: int | None = None,
                      request=None) -> AgendaItem:
    """Mark an item discussed (or not). A flag's item discussed resolves the flag."""
    _require_pm(actor)
    with transaction.atomic():
        meeting, locked = _locked_item(item, revision)
        if (locked.discussed_at is not None) != discussed:
            locked.discussed_at = timezone.now() if discussed else None
            locked.save(update_fields=["discussed_at", "updated_at"])
            log_event("divert.owg.agenda.item_discussed", request=request, actor=actor, target=locked,
                      person=locked.person, category=Category.STATUS if locked.person_id else "",
                      details={"discussed": discussed})
        if locked.flag_id:
            flag = OperationalWorkGroupFlag.objects.select_for_update().get(pk=locked.flag_id)
            if discussed and flag.resolved_at is None:
                flag.resolved_at, flag.resolved_in = timezone.now(), meeting
                flag.save(update_fields=["resolved_at", "resolved_in"])
                log_event("divert.owg.flag.resolved", request=request, actor=actor, person=flag.person, target=flag,
                          category=Category.STATUS, details={"meeting": meeting.pk})
            elif not discussed and flag.resolved_in_id == meeting.pk:
                flag.resolved_at, flag.resolved_in = None, None
                try:
                    with transaction.atomic():
                        flag.save(update_fields=["resolved_at", "resolved_in"])
                except IntegrityError:
                    pass  # a newer flag is open for this person; this one stays resolved
    return locked


# --- Attendance -----------------------------------------------------------------------------------------------

def do_record_attendance(meeting: OperationalWorkGroupMeeting, statuses: dict, *, actor, revision: int | None,
                         request=None) -> int:
    """Record present, absent or excused for members (by user id); the number of rows that changed."""
    _require_pm(actor)
    allowed = set(AttendanceStatus.values)
    with transaction.atomic():
        locked = _require_open(meeting)
        current = {a.user_id: a for a in MeetingAttendance.objects.filter(meeting=locked)}
        changed = 0
        for user_id, status in statuses.items():
            if status not in allowed:
                raise ValidationError(_("Choose present, absent or excused."), code="status")
            row = current.get(user_id)
            if row is None:
                MeetingAttendance.objects.create(meeting=locked, user_id=user_id, status=status)
                changed += 1
            elif row.status != status:
                row.status = status
                row.save(update_fields=["status"])
                changed += 1
        if changed:
            _bump(locked, revision)
        log_event("divert.owg.attendance.recorded", request=request, actor=actor, target=locked,
                  details={"changed": changed,
                           "present": sum(1 for s in statuses.values() if s == AttendanceStatus.PRESENT)})
    return changed


def do_add_guest(meeting: OperationalWorkGroupMeeting, *, actor, name: str, agency: str = "",
                 submission_key: uuid.UUID | None = None, request=None) -> tuple[MeetingGuest, bool]:
    _require_pm(actor)
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Give the guest's name."), code="required")
    if submission_key is not None:
        existing = MeetingGuest.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    if mentioned_persons(name, actor):
        raise ValidationError(_("Guests are partners' staff and visitors; participants are not recorded as guests."),
                              code="participant")
    with transaction.atomic():
        locked = _require_open(meeting)
        guest = MeetingGuest.objects.create(meeting=locked, name=name[:200], agency=" ".join(agency.split())[:200],
                                            submission_key=submission_key)
        log_event("divert.owg.guest.added", request=request, actor=actor, target=guest, details={"meeting": locked.pk})
    return guest, True


# --- Decisions and action items -------------------------------------------------------------------------------

def _item_of(meeting, agenda_item: AgendaItem | None) -> AgendaItem | None:
    if agenda_item is not None and (agenda_item.meeting_id != meeting.pk or agenda_item.removed):
        raise ValidationError(_("Choose an item of this meeting's agenda."), code="agenda_item")
    return agenda_item


def do_record_decision(meeting: OperationalWorkGroupMeeting, *, actor, text: str, reason: str = "",
                       agenda_item: AgendaItem | None = None, submission_key: uuid.UUID | None = None,
                       request=None) -> tuple[MeetingDecision, bool]:
    _require_pm(actor)
    text, reason = text.strip(), reason.strip()
    if not text:
        raise ValidationError(_("Write the decision."), code="required")
    agenda_item = _item_of(meeting, agenda_item)
    _check_partner_text(text, reason)
    if submission_key is not None:
        existing = MeetingDecision.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    mentions = [p.pk for p in mentioned_persons(f"{text}\n{reason}", actor, meeting=meeting)]
    with transaction.atomic():
        locked = _require_open(meeting)
        decision = MeetingDecision.objects.create(meeting=locked, agenda_item=agenda_item, text=text, reason=reason,
                                                  mentions=mentions, recorded_by=actor, submission_key=submission_key)
        log_event("divert.owg.decision.recorded", request=request, actor=actor, target=decision,
                  details={"meeting": locked.pk, "agenda_item": getattr(agenda_item, "pk", None),
                           "names_participants": len(mentions)})
    return decision, True


def do_add_action_item(meeting: OperationalWorkGroupMeeting, *, actor, text: str, owner, due_on: date,
                       agenda_item: AgendaItem | None = None, submission_key: uuid.UUID | None = None,
                       request=None) -> tuple[ActionItem, bool]:
    """An action item becomes a task for its owner. Its text may name a participant only if the owner may know
    them, and an item about a person may go only to an owner who may know that person."""
    _require_pm(actor)
    text = " ".join(text.split())
    if owner is None:
        raise ValidationError(_("Every action item needs an owner."), code="owner")
    if not text:
        raise ValidationError(_("Say what is to be done."), code="required")
    if due_on is None:
        raise ValidationError(_("Give a due date."), code="due_on")
    agenda_item = _item_of(meeting, agenda_item)
    _check_partner_text(text)
    if submission_key is not None:
        existing = ActionItem.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    about = agenda_item.person if agenda_item is not None and agenda_item.person_id else None
    if about is not None and not can_see(owner, about, Category.IDENTITY):
        raise ValidationError(_("The owner's seat may not know of the person this agenda item is about. Choose an "
                                "owner who may, or record the action without the item."), code="owner_may_not_see")
    if agenda_item is not None and about is None and agenda_item.referral_id:
        from divert.privacy.policy import visible_referrals

        if not visible_referrals(owner).filter(pk=agenda_item.referral_id).exists():
            raise ValidationError(_("The owner's seat may not see the referral this agenda item is about. Choose an "
                                    "owner who may."), code="owner_may_not_see")
    named = mentioned_persons(text, actor, meeting=meeting)
    if any(not can_see(owner, p, Category.IDENTITY) for p in named):
        raise ValidationError(_("The action item names a participant its owner's seat may not know of. Keep names "
                                "out of it, or choose an owner who may know them."), code="names_person")
    with transaction.atomic():
        locked = _require_open(meeting)
        # The task is about the person only for their own team: for anyone else a task about a person is casework
        # they may not hold, so it stays a plain task whose text is partner-safe.
        on_team = about is not None and is_on_team(owner, about)
        task = do_add_task(actor=actor, assigned_to=owner, title=text, kind="task", due_on=due_on,
                           person=about if on_team else None, request=request)
        action = ActionItem.objects.create(meeting=locked, agenda_item=agenda_item, text=text, owner=owner,
                                           due_on=due_on, mentions=[p.pk for p in named], task=task,
                                           created_by=actor, submission_key=submission_key)
        log_event("divert.owg.action_item.added", request=request, actor=actor, target=action,
                  details={"meeting": locked.pk, "owner": owner.pk, "due_on": due_on.isoformat(), "task": task.pk})
        notify([owner], kind="divert.owg.action_item",
               title=_("You have an action item from the OWG meeting on %(day)s, due %(due)s")
               % {"day": _day(locked.day), "due": _day(due_on)},
               url=_url("owg"), dedupe_key=f"owg-action:{action.pk}", actor=actor)
    return action, True


def may_complete(user, action: ActionItem) -> bool:
    return user.pk in (action.owner_id, action.created_by_id) or is_project_manager(user)


def do_complete_action_item(action: ActionItem, *, actor, request=None) -> ActionItem:
    """Done: its task is marked done (and a task marked done elsewhere shows here, being the same task)."""
    if not may_complete(actor, action):
        raise PermissionDenied
    with transaction.atomic():
        task = action.task
        already = task is not None and task.done_at is not None
        if task is not None and not already:
            do_complete_task(task, actor=actor, request=request)
        if not already:
            log_event("divert.owg.action_item.completed", request=request, actor=actor, target=action,
                      details={"meeting": action.meeting_id})
    action.refresh_from_db()
    return action


# --- Minutes --------------------------------------------------------------------------------------------------

def _agenda_persons(meeting) -> dict[int, Person]:
    ids = AgendaItem.objects.filter(meeting=meeting, person__isnull=False, removed=False).values("person_id")
    return {p.pk: p for p in Person.objects.filter(pk__in=ids).prefetch_related("aliases")}


def minutes_findings(meeting: OperationalWorkGroupMeeting, editor) -> list[golden_rule.Finding]:
    """Every line of the minutes the First Golden Rule keeps out: detail that could be used against someone, and
    participants named outside their own item (only persons the editor may see are looked for)."""
    persons = _agenda_persons(meeting)
    visible = set(visible_persons(editor).filter(pk__in=list(persons)).values_list("pk", flat=True))
    names = {pk: _names_of(p) for pk, p in persons.items() if pk in visible}

    def others(except_pk=None):
        return [n for pk, ns in names.items() if pk != except_pk for n in ns]

    summary_where = str(_("Overall minutes"))
    findings = golden_rule.check_text(meeting.minutes_summary, summary_where, forbidden_names=others())
    findings += _named_elsewhere(meeting.minutes_summary, summary_where, editor, set(names))
    items = AgendaItem.objects.filter(meeting=meeting, removed=False)
    for number, item in enumerate(items, start=1):
        where = _("Item %(n)d") % {"n": number}
        findings += golden_rule.check_text(item.minutes, where, forbidden_names=others(item.person_id))
        if item.person_id is None:
            findings += _named_elsewhere(item.minutes, where, editor, set(names))
    for decision in meeting.decisions.all():
        findings += golden_rule.check_text(f"{decision.text}\n{decision.reason}", str(_("Decision")))
    for action in meeting.action_items.all():
        findings += golden_rule.check_text(action.text, str(_("Action item")))
    return findings


def _named_elsewhere(text: str, where: str, editor, already: set[int]) -> list[golden_rule.Finding]:
    """Participants not on the agenda, named by first and last name."""
    out = []
    for person in mentioned_persons(text, editor):
        if person.pk in already:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if golden_rule.names_in(line, [f"{person.first_name} {person.last_name}"]):
                out.append(golden_rule.Finding(where, number, line.strip(), golden_rule.NAME, person.full_name))
    return out


def do_save_minutes(meeting: OperationalWorkGroupMeeting, *, actor, summary: str, item_minutes: dict[int, str],
                    revision: int | None, request=None) -> list[golden_rule.Finding]:
    """Save the draft (overall and per item); returns the Golden Rule findings, which block approval only.
    Sending the same text again (a double submit) is not a stale edit."""
    _require_pm(actor)
    summary = summary.strip()
    with transaction.atomic():
        locked = _require_open(meeting)
        items = {i.pk: i for i in AgendaItem.objects.filter(meeting=locked, removed=False).select_for_update()}
        changes = {pk: text.strip() for pk, text in item_minutes.items()
                   if pk in items and items[pk].minutes != text.strip()}
        if summary == locked.minutes_summary and not changes:
            return minutes_findings(locked, actor)
        _bump(locked, revision)
        locked.minutes_summary = summary
        locked.save(update_fields=["minutes_summary", "updated_at"])
        for pk, text in changes.items():
            items[pk].minutes = text
            items[pk].save(update_fields=["minutes", "updated_at"])
        findings = minutes_findings(locked, actor)
        log_event("divert.owg.minutes.saved", request=request, actor=actor, target=locked,
                  details={"items_changed": len(changes), "findings": len(findings)})
    return findings


def do_approve_minutes(meeting: OperationalWorkGroupMeeting, *, actor, revision: int | None = None,
                       request=None) -> OperationalWorkGroupMeeting:
    """Approve and lock the minutes. Refused while the Golden Rule check finds anything. Approving twice is
    harmless."""
    _require_pm(actor)
    with transaction.atomic():
        locked = OperationalWorkGroupMeeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.approved:
            return locked
        if revision is not None and locked.revision != revision:
            raise StaleEdit()
        findings = minutes_findings(locked, actor)
        if findings:
            raise ValidationError(
                _("The minutes cannot be approved while %(n)d line(s) carry detail the First Golden Rule keeps out; "
                  "rewrite them first.") % {"n": len(findings)}, code="golden_rule")
        if not locked.attendance.exists():
            raise ValidationError(_("Record attendance before approving the minutes."), code="attendance")
        locked.minutes_approved_at, locked.minutes_approved_by = timezone.now(), actor
        locked.revision = F("revision") + 1
        locked.save(update_fields=["minutes_approved_at", "minutes_approved_by", "revision", "updated_at"])
        locked.refresh_from_db()
        log_event("divert.owg.minutes.approved", request=request, actor=actor, target=locked,
                  details={"items": locked.agenda_items.filter(removed=False).count(),
                           "decisions": locked.decisions.count(), "action_items": locked.action_items.count()})
        notify(members_of(locked.group), kind="divert.owg.minutes_approved",
               title=_("Minutes of the OWG meeting on %(day)s were approved") % {"day": _day(locked.day)},
               url=_url("owg_meeting", locked.pk), dedupe_key=f"owg:{locked.pk}:minutes", actor=actor)
    return locked


# --- Flags from the case-management team ----------------------------------------------------------------------

def do_flag_person(person: Person, *, actor, reason: str, request=None) -> tuple[OperationalWorkGroupFlag, bool]:
    """Ask the next meeting to discuss a person; (flag, created). A person has one open flag at a time."""
    if not is_on_team(actor, person):
        raise PermissionDenied
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Say what the group should talk about."), code="required")
    _check_partner_text(reason)
    existing = OperationalWorkGroupFlag.objects.filter(person=person, resolved_at__isnull=True).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            flag = OperationalWorkGroupFlag.objects.create(person=person, reason=reason[:300], flagged_by=actor)
            log_event("divert.owg.flag.raised", request=request, actor=actor, person=person, target=flag,
                      category=Category.PARTNER_SUMMARY, details={"length": len(reason)})
    except IntegrityError:
        return OperationalWorkGroupFlag.objects.get(person=person, resolved_at__isnull=True), False
    return flag, True


def open_flag(person: Person) -> OperationalWorkGroupFlag | None:
    return OperationalWorkGroupFlag.objects.filter(person=person, resolved_at__isnull=True).first()
