"""A synthetic year of the Operational Work Group: a biweekly group with members from every partner (and a
community representative without a seat), meetings with attendance, agendas drawn from the seeded data, decisions,
action items that are tasks (older ones done), approved minutes for past meetings and a draft for the latest, and
the next meeting's agenda with a few open flags.

Written in bulk. Participant-specific items are a sample per meeting, so the work grows with meetings, not with
participants; the one pass over open enrollments (to sample from) is a single query of ids. Every text written
passes the First Golden Rule check (the seed's test says so).
"""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from divert.accounts.models import Membership
from divert.accounts.roles import Role
from divert.casework.models import Task, TaskKind
from divert.coordination.models import (
    ActionItem,
    AgendaItem,
    AgendaItemKind,
    AgendaSource,
    AttendanceStatus,
    MeetingAttendance,
    MeetingDecision,
    MeetingGuest,
    OperationalWorkGroup,
    OperationalWorkGroupFlag,
    OperationalWorkGroupMeeting,
    OperationalWorkGroupMember,
    Weekday,
)
from divert.participants.models import OPEN_STATUSES, Door, Enrollment, EnrollmentStatus
from divert.referrals.models import Referral

CADENCE = 14
MEMBER_ROLES = [Role.OFFICER, Role.SERGEANT, Role.OUTREACH, Role.CASE_MANAGER, Role.SUPERVISOR, Role.PROSECUTOR,
                Role.DEFENDER, Role.PROJECT_MANAGER]
PARTICIPANT_ITEMS = 6
REFERRAL_ITEMS = 4

OPERATIONAL = ["Transport vouchers for the east side", "Shelter bed availability this month",
               "Warm hand-off: on-call coverage over the holiday", "Hours at the day center",
               "Intake paperwork: what slows it down"]
ADMINISTRATIVE = ["Reports from law enforcement, prosecution and defense", "Review of the referral flowchart",
                  "Training for new officers on social contact referrals", "Quarterly numbers for the PCG"]
PARTICIPANT_TITLES = {
    AgendaSource.FLAG: "Flagged by the case-management team",
    AgendaSource.IN_THE_WIND: "In the wind: how can we reconnect?",
    AgendaSource.MANUAL: "Check in on progress",
}
ITEM_MINUTES = ["Case manager is in touch; housing application is next.",
                "Engaged; working on an ID. Transport is the main barrier.",
                "Outreach will look at the usual places and leave word with the day center.",
                "Partners agreed to align court dates with the plan.",
                "Nothing further useful to share at this time."]
GENERAL_MINUTES = ["Reviewed new referrals and upcoming intake deadlines. Agreed to keep the on-call roster "
                   "as is.",
                   "Partners reported on the month; the group agreed the transport plan.",
                   "Discussed shelter capacity and the holiday schedule."]
DECISIONS = [("Keep the on-call roster as it is through the winter", "Coverage has been good"),
             ("Ask the shelter for two held beds each week", "Intakes stall without a bed"),
             ("Meet at the day center next time", "Easier for outreach to attend"),
             ("Add a defender to the hand-off call list", "Faster answers on open cases")]
ACTIONS = ["Share the updated on-call roster", "Bring the shelter bed numbers", "Draft the flowchart changes",
           "Set up the officer training date", "Ask the county about bus passes", "Send the quarterly numbers"]
FLAG_REASONS = ["Housing voucher stalled; a partner could help with the landlord.",
                "Court date next month; would benefit from a ride.",
                "Wants to reconnect with family; ideas welcome."]


def _members() -> tuple[list, object]:
    User = get_user_model()
    users = []
    for role in MEMBER_ROLES:
        seat = (Membership.objects.filter(role=role, active=True).select_related("user", "agency")
                .order_by("user__username").first())
        if seat is not None:
            users.append(seat.user)
    extra = (Membership.objects.filter(role=Role.CASE_MANAGER, active=True).exclude(user__in=users)
             .select_related("user").order_by("user__username")[:3])
    users += [m.user for m in extra]
    community, _ = User.objects.get_or_create(
        username="community_rep", defaults={"first_name": "Corey", "last_name": "Neighborly",
                                            "password": make_password(None)})
    return users, community


def _moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed_owg(rng: random.Random, fake, today: date) -> int:
    """A year of biweekly meetings up to `today`, and the next one; the number of rows written."""
    users, community = _members()
    pm = next((u for u in users if u.role == Role.PROJECT_MANAGER), None)
    if pm is None or not users:
        return 0
    first = today - timedelta(days=364)
    first += timedelta(days=(Weekday.WEDNESDAY - first.weekday()) % 7)
    group = OperationalWorkGroup.objects.create(
        name="Operational Work Group", cadence_days=CADENCE, weekday=Weekday.WEDNESDAY, starts_at=time(10),
        place="Precinct East community room", call_link="https://meet.example.org/lead-owg", first_meeting_on=first)
    members = [OperationalWorkGroupMember(group=group, user=u, agency=u.agency, role=u.role or "") for u in users]
    members.append(OperationalWorkGroupMember(group=group, user=community, organization="Eastside Neighbors",
                                              community_representative=True))
    OperationalWorkGroupMember.objects.bulk_create(members)
    written = len(members) + 1

    days = []
    day = first
    while day <= today + timedelta(days=CADENCE):
        days.append(day)
        day += timedelta(days=CADENCE)
    past = [d for d in days if d < today]
    latest = past[-1] if past else None
    now = timezone.now()
    meetings = OperationalWorkGroupMeeting.objects.bulk_create([
        OperationalWorkGroupMeeting(
            group=group, starts_at=_moment(d), place=group.place, call_link=group.call_link,
            agenda_built_at=_moment(d - timedelta(days=5), 7),
            minutes_summary=rng.choice(GENERAL_MINUTES) if d < today else "",
            minutes_approved_at=_moment(d + timedelta(days=2), 15) if d < today and d != latest else None,
            minutes_approved_by=pm if d < today and d != latest else None,
            revision=3 if d < today else 1)
        for d in days])
    written += len(meetings)

    open_people = list(Enrollment.objects.filter(status__in=OPEN_STATUSES).order_by("id")
                       .values_list("person_id", "status"))
    wind = [pk for pk, status in open_people if status == EnrollmentStatus.IN_THE_WIND]
    people = [pk for pk, _status in open_people]
    items, attendance, guests, decisions, tasks, actions = [], [], [], [], [], []
    flagged_next: list[tuple] = []
    for meeting, day in zip(meetings, days, strict=True):
        held = day < today
        items.append(AgendaItem(meeting=meeting, position=0, kind=AgendaItemKind.ADMINISTRATIVE,
                                source=AgendaSource.STANDING, source_ref="standing:welcome",
                                title="Welcome, introductions and review of the agenda",
                                discussed_at=_moment(day) if held else None))
        position = 1
        since = _moment(day - timedelta(days=CADENCE))
        referrals = list(Referral.objects.filter(referred_at__gte=since, referred_at__lt=_moment(day))
                         .order_by("id").values_list("id", "person_id", "door")[:REFERRAL_ITEMS])
        for pk, person_id, door in referrals:
            items.append(AgendaItem(meeting=meeting, position=position, kind=AgendaItemKind.PARTICIPANT,
                                    source=AgendaSource.NEW_REFERRAL, source_ref=f"referral:{pk}:new",
                                    title=f"New referral ({Door(door).label})", referral_id=pk, person_id=person_id,
                                    discussed_at=_moment(day) if held else None))
            position += 1
        chosen = rng.sample(people, min(PARTICIPANT_ITEMS, len(people)))
        for n, person_id in enumerate(chosen):
            source = AgendaSource.IN_THE_WIND if person_id in wind and n % 2 == 0 else \
                AgendaSource.MANUAL if n % 2 else AgendaSource.FLAG
            if source == AgendaSource.FLAG and not held:
                flagged_next.append((meeting, person_id))
                continue  # the next meeting's flags are still open: their items follow, with the flag
            items.append(AgendaItem(
                meeting=meeting, position=position, kind=AgendaItemKind.PARTICIPANT, source=source,
                source_ref=f"seed:{person_id}:{n}", title=PARTICIPANT_TITLES[source], person_id=person_id,
                minutes=rng.choice(ITEM_MINUTES) if held else "", discussed_at=_moment(day) if held else None))
            position += 1
        for title, kind in ((rng.choice(OPERATIONAL), AgendaItemKind.OPERATIONAL),
                            (rng.choice(ADMINISTRATIVE), AgendaItemKind.ADMINISTRATIVE)):
            items.append(AgendaItem(meeting=meeting, position=position, kind=kind, source=AgendaSource.MANUAL,
                                    title=title, added_by=pm, minutes=rng.choice(ITEM_MINUTES[2:4]) if held else "",
                                    discussed_at=_moment(day) if held else None))
            position += 1
        if not held:
            continue
        for user in [*users, community]:
            roll = rng.random()
            status = (AttendanceStatus.PRESENT if roll < 0.8 else AttendanceStatus.EXCUSED if roll < 0.92
                      else AttendanceStatus.ABSENT)
            attendance.append(MeetingAttendance(meeting=meeting, user=user, status=status))
        if rng.random() < 0.3:
            guests.append(MeetingGuest(meeting=meeting, name=fake.name() if fake else "Jordan Guest",
                                       agency=rng.choice(["County Housing", "Mental health mobile team",
                                                          "Library outreach"])))
        for text, reason in rng.sample(DECISIONS, rng.randint(1, 2)):
            decisions.append(MeetingDecision(meeting=meeting, text=text, reason=reason, recorded_by=pm,
                                             created_at=_moment(day, 11)))
        for text in rng.sample(ACTIONS, rng.randint(1, 3)):
            owner = rng.choice(users)
            due = day + timedelta(days=CADENCE)
            done = due < today - timedelta(days=7) or (due < today and rng.random() < 0.5)
            task = Task(assigned_to=owner, created_by=pm, kind=TaskKind.TASK, title=text, due_on=due,
                        done_at=_moment(due - timedelta(days=rng.randint(0, 5)), 16) if done else None,
                        done_by=owner if done else None)
            tasks.append(task)
            actions.append((meeting, text, owner, due, task))
    AgendaItem.objects.bulk_create(items, batch_size=1000)
    MeetingAttendance.objects.bulk_create(attendance, batch_size=1000)
    MeetingGuest.objects.bulk_create(guests)
    MeetingDecision.objects.bulk_create(decisions)
    Task.objects.bulk_create(tasks)
    ActionItem.objects.bulk_create([ActionItem(meeting=m, text=text, owner=owner, due_on=due, task=task, created_by=pm,
                                               created_at=m.starts_at + timedelta(hours=1))
                                    for m, text, owner, due, task in actions])
    open_flags = dict.fromkeys(pk for _meeting, pk in flagged_next)
    # Flags are the case-management team's: credited to the person's case manager.
    case_managers = dict(Enrollment.objects.filter(person_id__in=list(open_flags), status__in=OPEN_STATUSES,
                                                   case_manager__isnull=False)
                         .values_list("person_id", "case_manager_id"))
    flags = OperationalWorkGroupFlag.objects.bulk_create([
        OperationalWorkGroupFlag(person_id=pk, reason=rng.choice(FLAG_REASONS),
                                 flagged_by_id=case_managers.get(pk, pm.pk),
                                 created_at=now - timedelta(days=rng.randint(1, 10))) for pk in open_flags])
    by_person = {f.person_id: f for f in flags}
    flag_items = AgendaItem.objects.bulk_create([
        AgendaItem(meeting=meeting, position=50 + n, kind=AgendaItemKind.PARTICIPANT, source=AgendaSource.FLAG,
                   source_ref=f"flag:{by_person[pk].pk}", title=PARTICIPANT_TITLES[AgendaSource.FLAG], person_id=pk,
                   flag=by_person[pk])
        for n, (meeting, pk) in enumerate((m, pk) for pk, m in {pk: m for m, pk in flagged_next}.items())])
    return (written + len(items) + len(attendance) + len(guests) + len(decisions) + 2 * len(actions) + len(flags)
            + len(flag_items))
