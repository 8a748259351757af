from django import template

from divert.accounts.roles import Role
from divert.participants.access import may_assign, may_change_status
from divert.privacy.policy import Category, can_see, is_on_team

register = template.Library()


@register.inclusion_tag("participants/_history.html")
def enrollment_history(user, person) -> dict:
    """Status and assignment history of each enrollment, for those who may see this person's status."""
    if not can_see(user, person, Category.STATUS):
        return {"may_see_status": False}
    enrollments = list(
        person.enrollments.select_related("provider", "case_manager")
        .prefetch_related("status_changes__changed_by", "assignments__case_manager", "assignments__assigned_by")
    )
    rows = [{"enrollment": e, "may_change_status": may_change_status(user, e), "may_assign": may_assign(user, e)}
            for e in enrollments]
    return {"may_see_status": True, "person": person, "rows": rows,
            "may_merge": user.has_role(Role.SUPERVISOR, Role.PROJECT_MANAGER),
            "may_edit_photo": is_on_team(user, person)}
