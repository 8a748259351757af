"""Synthetic referrals for the demo: a protocol in effect, an on-call roster, and referrals through every door
ending in every outcome, so each seat's queues have something in them.

Referrals behind existing enrollments are written in bulk (fast at 100,000 participants); a handful of open
referrals go through the real write layer so their timelines, matches and notifications are genuine.
"""

import random
import uuid
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from divert.accounts.models import Membership
from divert.accounts.roles import Role
from divert.participants.models import Door, Enrollment
from divert.protocol.actions import load_example
from divert.protocol.eligibility import Outcome
from divert.protocol.models import DiversionProtocol
from divert.referrals import actions
from divert.referrals.models import (
    ChargeStatus,
    HandOff,
    OnCallShift,
    Referral,
    ReferralEvent,
    ReferralStatus,
)

BATCH = 2000
CLEAN_ANSWERS = {"exploits_minors": "no", "promotes_prostitution": "no", "violent_conviction": "no",
                 "treatment_court": "no", "no_contact_order": "no", "dealing_for_profit": "no"}
PLACES = ["3rd and Main", "Riverside Park", "Greyhound station", "Eastgate shelter", "Library plaza",
          "Northside market", "Pier 4", "Transit center"]


def seed_protocol(today: date) -> DiversionProtocol:
    protocol = DiversionProtocol.objects.in_effect(today)
    if protocol is None:
        protocol = load_example("three_door", approved_on=today - timedelta(days=400),
                                record="Demo site: approved at the Policy Coordinating Group meeting.")
    return protocol


def seed_on_call() -> int:
    """Case managers rotate so that someone is on call every hour of the week; the demo case manager on weekdays."""
    if OnCallShift.objects.exists():
        return 0
    User = get_user_model()
    shifts = []
    memberships = Membership.objects.filter(active=True, role=Role.CASE_MANAGER).select_related("user", "agency")
    by_provider: dict = {}
    for m in memberships.order_by("agency_id", "user__username"):
        by_provider.setdefault(m.agency, []).append(m.user)
    demo = User.objects.filter(username="casemanager").first()
    for provider, staff in by_provider.items():
        for day in range(7):
            day_person = demo if demo in staff and day < 5 else staff[day % len(staff)]
            night_person = staff[(day + 1) % len(staff)]
            shifts.append(OnCallShift(case_manager=day_person, provider=provider, weekday=day, starts=time(7),
                                      ends=time(19)))
            shifts.append(OnCallShift(case_manager=night_person, provider=provider, weekday=day, starts=time(19),
                                      ends=time(7)))
    OnCallShift.objects.bulk_create(shifts)
    return len(shifts)


def _aware(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 22), rng.randint(0, 59))))


def seed_enrolled_referrals(protocol: DiversionProtocol, rng: random.Random, progress=None) -> int:
    """One referral behind every enrollment that came through a door while this protocol was in effect."""
    officers = list(get_user_model().objects.filter(memberships__role=Role.OFFICER, memberships__active=True))
    if not officers:
        return 0
    offenses = {door: list(protocol.offenses.all()) for door in Door.values}
    remaining = (Enrollment.objects.filter(referred_on__gte=protocol.effective_on, referral__isnull=True)
                 .select_related("person").order_by("id"))
    total = remaining.count()
    made = 0
    while True:
        batch = list(remaining[:BATCH])  # each pass links its batch, so the next pass starts after it
        if not batch:
            break
        referrals = []
        for enrollment in batch:
            person = enrollment.person
            referred_at = _aware(enrollment.referred_on, rng)
            officer = officers[0] if rng.random() < 0.3 else rng.choice(officers)
            community = enrollment.door == Door.COMMUNITY
            status = ReferralStatus.ENROLLED if enrollment.enrolled_on else ReferralStatus.PENDING_INTAKE
            referrals.append(Referral(
                door=enrollment.door, protocol=protocol, status=status, referred_at=referred_at,
                status_changed_at=referred_at, first_name=person.first_name, last_name=person.last_name,
                date_of_birth=person.date_of_birth, approximate_age=person.approximate_age,
                referred_by=None if community else officer,
                referring_agency=None if community else officer.seat.agency,
                referrer_name="Community member" if community else "", how_to_reach="Ask at the drop-in center"
                if community else "", eligibility=Outcome.ELIGIBLE, answers=CLEAN_ANSWERS,
                approver_role=protocol.approver_for(enrollment.door),
                charge_status=ChargeStatus.ACCEPTED if enrollment.door == Door.ARREST_DIVERSION else "",
                provider_id=enrollment.provider_id, person=person, enrollment=enrollment,
                incident_number=f"{enrollment.referred_on:%Y}-{rng.randint(100000, 999999)}"
                if enrollment.door == Door.ARREST_DIVERSION else "",
                place=rng.choice(PLACES), area=rng.choice(protocol.catchment_areas or [""]),
                intake_completed_at=_aware(enrollment.enrolled_on, rng) if enrollment.enrolled_on else None,
            ))
        Referral.objects.bulk_create(referrals)
        through = Referral.offenses.through
        through.objects.bulk_create([
            through(referral_id=r.pk, divertibleoffense_id=rng.choice(offenses[r.door]).pk)
            for r in referrals if r.door != Door.COMMUNITY])
        ReferralEvent.objects.bulk_create(
            [ReferralEvent(referral=r, kind=ReferralEvent.Kind.CREATED, at=r.referred_at, actor=r.referred_by)
             for r in referrals]
            + [ReferralEvent(referral=r, kind=ReferralEvent.Kind.INTAKE_COMPLETED, at=r.intake_completed_at)
               for r in referrals if r.intake_completed_at])
        HandOff.objects.bulk_create([
            HandOff(referral=r, requested_at=r.referred_at + timedelta(minutes=2), requested_by=r.referred_by,
                    target_minutes=protocol.handoff_target_minutes,
                    acknowledged_at=r.referred_at + timedelta(minutes=4),
                    arrived_at=r.referred_at + timedelta(minutes=rng.randint(8, 55)),
                    custody_transferred_at=r.referred_at + timedelta(minutes=60))
            for r in referrals if r.referred_by_id and r.door == Door.ARREST_DIVERSION])
        made += len(referrals)
        if progress:
            progress(made, total)
    return made


OPEN_REFERRALS = [
    # (door, days ago, answers that differ, what happens next)
    (Door.ARREST_DIVERSION, 0, {}, "handoff"),
    (Door.ARREST_DIVERSION, 2, {}, "accepted"),
    (Door.ARREST_DIVERSION, 11, {}, "accepted"),           # due in three days: outreach is reminded
    (Door.ARREST_DIVERSION, 13, {"violent_conviction": "unknown"}, None),  # needs review, last day
    (Door.ARREST_DIVERSION, 20, {}, "lapsed"),             # the prosecutor decides
    (Door.ARREST_DIVERSION, 3, {"drug_grams": "7.5"}, None),  # presumptively ineligible
    (Door.ARREST_DIVERSION, 6, {}, "declined"),
    (Door.SOCIAL_CONTACT, 1, {}, None),                    # awaits the sergeant
    (Door.SOCIAL_CONTACT, 4, {}, "approved"),
    (Door.SOCIAL_CONTACT, 9, {"exploits_minors": "yes"}, None),
    (Door.SOCIAL_CONTACT, 5, {}, "withdrawn"),
    (Door.COMMUNITY, 1, {}, None),                         # awaits the project manager's triage
    (Door.COMMUNITY, 8, {}, "approved"),
]


def seed_open_referrals(protocol: DiversionProtocol, rng: random.Random, fake, now: datetime) -> int:
    """A dozen referrals at every stage, made through the real write layer."""
    User = get_user_model()
    officer = User.objects.filter(username="officer").first() or \
        User.objects.filter(memberships__role=Role.OFFICER).first()
    sergeant = User.objects.filter(memberships__role=Role.SERGEANT).first()
    prosecutor = User.objects.filter(memberships__role=Role.PROSECUTOR).first()
    manager = User.objects.filter(memberships__role=Role.PROJECT_MANAGER).first()
    outreach = User.objects.filter(memberships__role=Role.OUTREACH).first()
    if not all((officer, sergeant, prosecutor, manager, outreach)):
        return 0
    checks = {"not_informant": True, "no_contact_checked": True}
    made = 0
    for door, days_ago, answers, then in OPEN_REFERRALS:
        at = now - timedelta(days=days_ago, hours=rng.randint(0, 6))
        first, last = fake.first_name(), fake.last_name()
        age = rng.randint(22, 64)
        offenses = []
        if door == Door.ARREST_DIVERSION:
            offenses = list(protocol.offenses.filter(category="drug")[:1])
        elif door == Door.SOCIAL_CONTACT:
            offenses = list(protocol.offenses.filter(category="public_order")[:1])
        offenses = offenses or ([] if door == Door.COMMUNITY else list(protocol.offenses.all()[:1]))
        extra = {"place": rng.choice(PLACES), "area": rng.choice(protocol.catchment_areas or [""])}
        if door == Door.ARREST_DIVERSION:
            extra["incident_number"] = f"{at:%Y}-{rng.randint(100000, 999999)}"
        if door == Door.COMMUNITY:
            extra.update({"referrer_name": fake.name(), "referrer_relationship": "Outreach volunteer",
                          "referrer_phone": "555-0199", "how_to_reach": "Most mornings at the library",
                          "probation_status": "unknown", "needs": ["housing", "food"], "unsure_if_qualifies": True})
        all_answers = {**CLEAN_ANSWERS, "drug_grams": "1.2", "conduct_last_seen": (at.date() - timedelta(days=30))
                       .isoformat(), "verification_basis": "observed", **answers}
        referral = actions.do_refer(
            door=door, protocol=protocol, actor=None if door == Door.COMMUNITY else officer,
            submission_key=uuid.uuid4(), offenses=offenses,
            answers={} if door == Door.COMMUNITY else all_answers, extra=extra,
            person=actions.PersonDescription(first_name=first, last_name=last, approximate_age=age,
                                             description="Green jacket, backpack"))
        # Back-date the referral: the deadline clock starts at referral.
        Referral.objects.filter(pk=referral.pk).update(referred_at=at, status_changed_at=at)
        ReferralEvent.objects.filter(referral=referral).update(at=at)
        referral.refresh_from_db()
        if then == "handoff":
            actions.do_request_handoff(referral, actor=officer)
        elif then in ("accepted", "lapsed"):
            actions.do_review(referral, actor=prosecutor, accept=True, checks=checks)
        elif then == "approved":
            approver = sergeant if referral.approver_role == Role.SERGEANT else manager
            actions.do_decide(referral, actor=approver, approve=True, checks=checks)
        elif then == "declined":
            actions.do_close(referral, actor=outreach, outcome=ReferralStatus.DECLINED,
                             reason="Said no for now; may come back")
        elif then == "withdrawn":
            actions.do_close(referral, actor=manager, outcome=ReferralStatus.WITHDRAWN, reason="Duplicate")
        made += 1
    actions.record_lapses(now)
    return made
