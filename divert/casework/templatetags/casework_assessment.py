"""The person page's section on assessments, monthly status and the plan: `{% person_assessment person %}`.

Everything shown is filtered by the privacy policy item by item, and the reading is written to the audit trail.
"""

from django import template

from divert.casework import actions_assessment as actions
from divert.casework.models import Assessment, Goal, MonthlyStatus
from divert.casework.views_assessment import housing_chart_rows
from divert.participants.models import OPEN_STATUSES
from divert.privacy.policy import Category

register = template.Library()

MONTHS_SHOWN = 6


@register.inclusion_tag("casework/assessment/_summary.html", takes_context=True)
def person_assessment(context, person) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or person is None:
        return {"show": False}
    sees = actions.Visibility(user, person)
    if not sees(Category.CASEWORK):
        return {"show": False}
    latest = Assessment.objects.filter(person=person).select_related("recorded_by").first()
    months = list(MonthlyStatus.objects.filter(person=person).order_by("-month")[:MONTHS_SHOWN])
    goals = [g for g in Goal.objects.filter(plan__person=person, plan__enrollment__status__in=OPEN_STATUSES)
             .order_by("status", "created_at", "id") if sees(g.category)]
    may_write = actions.may_write(user, person)
    shown = ([Category.CASEWORK] if latest or months else []) + [g.category for g in goals]
    if not shown and not may_write:
        return {"show": False}  # a reader with nothing to read here gets no section, and nothing is logged
    notice = actions.log_reads("divert.casework.summary.viewed", request=request, user=user, person=person,
                               categories=shown) if shown else None
    return {"show": True, "person": person, "latest": latest, "months": months, "goals": goals, "notice": notice,
            "chart_rows": housing_chart_rows(months), "may_write": may_write}
