"""The agenda builder: what the Operational Work Group should look at, from the program's own data.

Sources, for the window since the group's previous meeting:

- new referrals;
- intakes whose deadline falls within a few days of the meeting;
- intake-deadline lapses still waiting on a charge decision;
- people who went "in the wind";
- open coordination requests (legal area);
- people the case-management team flagged;
- the program's numbers for the window (aggregate only, for every member).

Each item keeps a source reference ("referral:12:new"), so building again adds only what is new and never brings
back what the project manager removed. Titles never name anyone: who an item is about is its person or referral,
and the meeting page shows that only to seats that may know them. Each source adds at most SOURCE_LIMIT items
(the numbers item counts them all), so an agenda stays something a group can get through.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from divert.audit.log import log_event
from divert.coordination.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaSource,
    CoordinationRequest,
    MinutesLocked,
    OperationalWorkGroupFlag,
    OperationalWorkGroupMeeting,
)
from divert.participants.models import EnrollmentStatus, EnrollmentStatusChange
from divert.referrals.models import AWAITING_CHARGE_DECISION, Referral, ReferralStatus

INTAKE_SOON_DAYS = 3
SOURCE_LIMIT = 50


@dataclass(frozen=True)
class Candidate:
    source: str
    source_ref: str
    kind: str
    title: str
    person_id: int | None = None
    referral_id: int | None = None
    flag_id: int | None = None


def window(meeting: OperationalWorkGroupMeeting) -> tuple[datetime, datetime]:
    """From the group's previous meeting (or one cadence back) to this one."""
    previous = (OperationalWorkGroupMeeting.objects.filter(group_id=meeting.group_id, starts_at__lt=meeting.starts_at)
                .exclude(status="cancelled").order_by("-starts_at").values_list("starts_at", flat=True).first())
    since = previous or meeting.starts_at - timedelta(days=meeting.group.cadence_days)
    return since, meeting.starts_at


def _day(moment) -> str:
    return date_format(timezone.localdate(moment) if isinstance(moment, datetime) else moment, "DATE_FORMAT")


def _new_referrals(since, until) -> list[Candidate]:
    referrals = (Referral.objects.filter(referred_at__gte=since, referred_at__lt=until)
                 .order_by("referred_at", "id")[:SOURCE_LIMIT])
    return [Candidate(AgendaSource.NEW_REFERRAL, f"referral:{r.pk}:new", AgendaItemKind.PARTICIPANT,
                      _("New referral (%(door)s)") % {"door": r.get_door_display()}, r.person_id, r.pk)
            for r in referrals]


def _intakes_due(meeting) -> list[Candidate]:
    day = meeting.day
    pending = Referral.objects.filter(status=ReferralStatus.PENDING_INTAKE).select_related("protocol")
    soon = []
    for referral in pending.order_by("referred_at", "id").iterator(chunk_size=500):
        left = (timezone.localdate(referral.intake_deadline) - day).days
        if 0 <= left <= INTAKE_SOON_DAYS:
            soon.append(referral)
            if len(soon) >= SOURCE_LIMIT:
                break
    return [Candidate(AgendaSource.INTAKE_DUE, f"referral:{r.pk}:due", AgendaItemKind.PARTICIPANT,
                      _("Intake deadline %(day)s") % {"day": _day(r.intake_deadline)}, r.person_id, r.pk)
            for r in soon]


def _lapses() -> list[Candidate]:
    lapsed = Referral.objects.filter(AWAITING_CHARGE_DECISION).order_by("intake_lapsed_at", "id")[:SOURCE_LIMIT]
    return [Candidate(AgendaSource.INTAKE_LAPSED, f"referral:{r.pk}:lapsed", AgendaItemKind.PARTICIPANT,
                      _("Intake deadline lapsed (%(door)s)") % {"door": r.get_door_display()}, r.person_id, r.pk)
            for r in lapsed]


def _in_the_wind(since, until) -> list[Candidate]:
    changes = (EnrollmentStatusChange.objects
               .filter(to_status=EnrollmentStatus.IN_THE_WIND, changed_at__gte=since, changed_at__lt=until,
                       enrollment__status=EnrollmentStatus.IN_THE_WIND)
               .order_by("changed_at", "id").values_list("enrollment__person_id", flat=True))
    persons = list(dict.fromkeys(changes))[:SOURCE_LIMIT]
    return [Candidate(AgendaSource.IN_THE_WIND, f"person:{pk}:wind", AgendaItemKind.PARTICIPANT,
                      _("In the wind: how can we reconnect?"), pk) for pk in persons]


def _coordination_requests() -> list[Candidate]:
    # The legal area's requests (divert/coordination/models/legal.py) still open: the prosecutor waits on them.
    requests = CoordinationRequest.objects.open().order_by("opened_at", "pk")[:SOURCE_LIMIT]
    return [Candidate(AgendaSource.COORDINATION, f"coordination:{r.pk}", AgendaItemKind.PARTICIPANT,
                      _("Open coordination request"), r.person_id) for r in requests]


def _flags() -> list[Candidate]:
    flags = OperationalWorkGroupFlag.objects.filter(resolved_at__isnull=True).order_by("created_at", "id")
    return [Candidate(AgendaSource.FLAG, f"flag:{f.pk}", AgendaItemKind.PARTICIPANT,
                      _("Flagged by the case-management team"), f.person_id, flag_id=f.pk)
            for f in flags[:SOURCE_LIMIT]]


def numbers_title(since, until) -> str:
    new = Referral.objects.filter(referred_at__gte=since, referred_at__lt=until).count()
    enrolled = Referral.objects.filter(intake_completed_at__gte=since, intake_completed_at__lt=until).count()
    lapsed = Referral.objects.filter(intake_lapsed_at__gte=since, intake_lapsed_at__lt=until).count()
    wind = EnrollmentStatusChange.objects.filter(to_status=EnrollmentStatus.IN_THE_WIND, changed_at__gte=since,
                                                 changed_at__lt=until).count()
    return _("Program numbers since %(since)s: %(new)d new referrals, %(enrolled)d intakes completed, "
             "%(lapsed)d intake deadlines lapsed, %(wind)d people went in the wind.") % {
        "since": _day(since), "new": new, "enrolled": enrolled, "lapsed": lapsed, "wind": wind}


def candidates(meeting: OperationalWorkGroupMeeting) -> list[Candidate]:
    since, until = window(meeting)
    until = min(until, timezone.now())
    return [
        *_new_referrals(since, until), *_intakes_due(meeting), *_lapses(), *_in_the_wind(since, until),
        *_coordination_requests(), *_flags(),
    ]


def build_agenda(meeting: OperationalWorkGroupMeeting, *, actor=None, request=None) -> int:
    """Add what is new to the meeting's agenda; the number of items added. Safe to run again at any time until
    the minutes are approved."""
    since, until = window(meeting)
    found = candidates(meeting)
    with transaction.atomic():
        locked = OperationalWorkGroupMeeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.approved:
            raise MinutesLocked()
        first_build = locked.agenda_built_at is None
        have = set(AgendaItem.objects.filter(meeting=locked).values_list("source_ref", flat=True))
        position = (AgendaItem.objects.filter(meeting=locked).aggregate(m=Max("position"))["m"] or 0) + 1
        new = []
        if first_build and "standing:welcome" not in have:
            new.append(AgendaItem(meeting=locked, position=0, kind=AgendaItemKind.ADMINISTRATIVE,
                                  source=AgendaSource.STANDING, source_ref="standing:welcome",
                                  title=_("Welcome, introductions and review of the agenda")))
        numbers = numbers_title(since, min(until, timezone.now()))
        if "numbers" in have:
            AgendaItem.objects.filter(meeting=locked, source_ref="numbers").exclude(title=numbers).update(
                title=numbers, updated_at=timezone.now())
        else:
            new.append(AgendaItem(meeting=locked, position=position, kind=AgendaItemKind.ADMINISTRATIVE,
                                  source=AgendaSource.NUMBERS, source_ref="numbers", title=numbers))
            position += 1
        for c in found:
            if c.source_ref in have:
                continue
            have.add(c.source_ref)
            new.append(AgendaItem(meeting=locked, position=position, kind=c.kind, source=c.source,
                                  source_ref=c.source_ref, title=c.title, person_id=c.person_id,
                                  referral_id=c.referral_id, flag_id=c.flag_id))
            position += 1
        try:
            with transaction.atomic():
                AgendaItem.objects.bulk_create(new)
        except IntegrityError:
            # Another build got there first: its items are these.
            return 0
        locked.agenda_built_at = timezone.now()
        if new:
            locked.revision += 1
        locked.save(update_fields=["agenda_built_at", "revision", "updated_at"])
        log_event("divert.owg.agenda.built", request=request, actor=actor, target=locked,
                  details={"added": len(new), "first": first_build})
    return len(new)
