"""Get-for-user helpers for people and enrollments: 404 when the user may not know, 403 when they may not act."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from divert.accounts.roles import Role
from divert.participants.models import Enrollment
from divert.privacy.policy import Category, can_see


def get_enrollment_for_user(user, enrollment_id: int) -> Enrollment:
    """The enrollment, if this user may see its person's program status; 404 otherwise."""
    enrollment = (Enrollment.objects.select_related("person", "provider", "case_manager")
                  .filter(pk=enrollment_id).first())
    if enrollment is None or not can_see(user, enrollment.person, Category.STATUS):
        raise Http404("No such enrollment")
    return enrollment


def may_change_status(user, enrollment: Enrollment) -> bool:
    """The case-management team: the assigned case manager, and supervisors and outreach at the provider."""
    seat = user.seat if user.is_active else None
    if seat is None or seat.agency_id != enrollment.provider_id:
        return False
    if seat.role in (Role.SUPERVISOR, Role.OUTREACH):
        return True
    return seat.role == Role.CASE_MANAGER and enrollment.case_manager_id == user.pk


def may_assign(user, enrollment: Enrollment) -> bool:
    seat = user.seat if user.is_active else None
    return seat is not None and seat.role == Role.SUPERVISOR and seat.agency_id == enrollment.provider_id


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
