"""What each seat's home page shows. Participant data goes through the privacy policy like everywhere else."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from divert.accounts.models import Agency, Membership
from divert.accounts.roles import AgencyKind, Role
from divert.audit.models import AuditEvent
from divert.coordination.access import visible_coordination_requests
from divert.coordination.models import CoordinationStatus, MatterStatus
from divert.participants.models import OPEN_STATUSES, Enrollment, EnrollmentStatus
from divert.privacy.policy import visible_legal_matters, visible_persons, visible_referrals
from divert.protocol.models import DiversionProtocol, caseload_limits
from divert.referrals.models import AWAITING_CHARGE_DECISION, ChargeStatus, ReferralStatus


def _awaiting_intake(user) -> dict:
    visible = visible_referrals(user)
    referrals = visible.filter(status__in=[ReferralStatus.PENDING_INTAKE, ReferralStatus.INTAKE_LAPSED])
    # The deadline is computed (protocol days plus any extension), so sort the oldest referrals by it in Python.
    oldest = list(referrals.select_related("protocol").order_by("referred_at")[:200])
    return {"awaiting_intake": sorted(oldest, key=lambda r: r.intake_deadline)[:10],
            "awaiting_intake_count": referrals.count(),
            "matches_to_check": visible.filter(possible_matches__state="open").distinct().count()}


def _officer(user, seat) -> dict:
    mine = visible_referrals(user).filter(referred_by=user).order_by("-referred_at")
    context = {"my_referrals": mine[:5], "protocol": DiversionProtocol.objects.in_effect()}
    if seat.role == Role.SERGEANT:
        context["approvals_waiting"] = visible_referrals(user).filter(
            status=ReferralStatus.AWAITING_APPROVAL, approver_role=Role.SERGEANT).count()
    return context


def _prosecutor(user, seat) -> dict:
    referrals = visible_referrals(user)
    office = visible_coordination_requests(user).filter(prosecuting_agency_id=seat.agency_id)
    return {
        "to_review": referrals.filter(door="arrest", charge_status=ChargeStatus.HELD, decided_at__isnull=True).count(),
        "lapsed": referrals.filter(AWAITING_CHARGE_DECISION).count(),
        "approvals_waiting": referrals.filter(status=ReferralStatus.AWAITING_APPROVAL,
                                              approver_role=Role.PROSECUTOR).count(),
        # Charge coordination: answers to read and decide on, requests still with the case manager, holds to review.
        "coordination_answered": office.filter(status=CoordinationStatus.ANSWERED).count(),
        "coordination_waiting": office.filter(status=CoordinationStatus.AWAITING_ANSWER).count(),
        "holds_due": office.filter(decision="hold", review_by__lte=timezone.localdate()).count(),
    }


def _defender(user, seat) -> dict:
    matters = visible_legal_matters(user).filter(defending_agency_id=seat.agency_id, status=MatterStatus.OPEN)
    return {"open_matters": matters.count(),
            "coordination_open": visible_coordination_requests(user).filter(
                matter__defending_agency_id=seat.agency_id).open().count()}


def _contacts() -> dict:
    kinds = [AgencyKind.PROVIDER, AgencyKind.PROJECT]
    return {"contacts": Agency.objects.filter(kind__in=kinds, active=True).order_by("kind", "name")}


def _status_counts(enrollments) -> list[tuple[str, int]]:
    counts = dict(enrollments.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return [(label, counts.get(value, 0)) for value, label in EnrollmentStatus.choices]


def _visible_enrollments(user):
    return Enrollment.objects.filter(person__in=visible_persons(user)).select_related("person", "case_manager")


def _case_manager(user, seat) -> dict:
    caseload = _visible_enrollments(user).filter(case_manager=user, status__in=OPEN_STATUSES)
    size = caseload.count()
    warning, maximum = caseload_limits()
    return {
        "caseload": caseload.order_by("person__last_name", "person__first_name")[:100],
        "caseload_size": size,
        "caseload_warning": size >= warning,
        "caseload_over": size > maximum,
        "status_counts": _status_counts(Enrollment.objects.filter(case_manager=user)),
        "coordination_to_answer": visible_coordination_requests(user).filter(
            case_manager=user, status=CoordinationStatus.AWAITING_ANSWER).count(),
        **_awaiting_intake(user),
    }


def _outreach(user, seat) -> dict:
    in_the_wind = _visible_enrollments(user).filter(provider=seat.agency, status=EnrollmentStatus.IN_THE_WIND)
    return {"in_the_wind": in_the_wind.order_by("person__last_name")[:100], "in_the_wind_count": in_the_wind.count(),
            **_awaiting_intake(user)}


def _supervisor(user, seat) -> dict:
    open_here = Q(caseload__status__in=OPEN_STATUSES, caseload__provider=seat.agency)
    staff = (
        get_user_model().objects.filter(memberships__agency=seat.agency, memberships__active=True,
                                        memberships__role=Role.CASE_MANAGER)
        .annotate(open_count=Count("caseload", filter=open_here))
        .order_by("-open_count", "last_name")
    )
    unassigned = Enrollment.objects.filter(provider=seat.agency, status__in=OPEN_STATUSES, case_manager__isnull=True)
    warning, maximum = caseload_limits()
    return {
        **_awaiting_intake(user),
        "staff": staff, "warning": warning, "maximum": maximum,
        "unassigned_count": unassigned.count(),
        "status_counts": _status_counts(Enrollment.objects.filter(provider=seat.agency)),
    }


def _project_manager(user, seat) -> dict:
    enrollments = Enrollment.objects.all()
    by_door = enrollments.values("door").annotate(n=Count("id")).order_by("door")
    referrals = visible_referrals(user)
    outcomes = dict(referrals.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {
        "triage_waiting": referrals.filter(status=ReferralStatus.AWAITING_APPROVAL,
                                           approver_role=Role.PROJECT_MANAGER).count(),
        "referral_outcomes": [(label, outcomes.get(value, 0)) for value, label in ReferralStatus.choices],
        "status_counts": _status_counts(enrollments),
        "by_door": [(Enrollment(door=row["door"]).get_door_display(), row["n"]) for row in by_door],
        "recent_events": AuditEvent.objects.select_related("agency").order_by("-id")[:10],
        "people_count": visible_persons(user).count(),
    }


def _evaluator(user, seat) -> dict:
    return {"status_counts": _status_counts(Enrollment.objects.all())}


def _site_admin(user, seat) -> dict:
    from allauth.mfa.models import Authenticator
    from axes.models import AccessAttempt

    users = get_user_model().objects.filter(is_active=True)
    with_totp = Authenticator.objects.filter(type=Authenticator.Type.TOTP).values("user_id")
    return {
        "agency_count": Agency.objects.count(),
        "user_count": users.count(),
        "seats": [(Role(row["role"]).label, row["n"]) for row in
                  Membership.objects.filter(active=True).values("role").annotate(n=Count("id")).order_by("role")],
        "without_mfa": users.exclude(pk__in=with_totp).order_by("username")[:50],
        "locked_out": AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-attempt_time")[:20],
    }


_BUILDERS = {
    Role.OFFICER: _officer,
    Role.SERGEANT: _officer,
    Role.PROSECUTOR: _prosecutor,
    Role.DEFENDER: _defender,
    Role.CASE_MANAGER: _case_manager,
    Role.OUTREACH: _outreach,
    Role.SUPERVISOR: _supervisor,
    Role.PROJECT_MANAGER: _project_manager,
    Role.EVALUATOR: _evaluator,
    Role.SITE_ADMIN: _site_admin,
}


def home_context(user, seat) -> dict:
    context = _contacts()
    builder = _BUILDERS.get(seat.role)
    if builder:
        context.update(builder(user, seat))
    return context
