from django import template
from django.urls import reverse

from divert.audit.log import log_event
from divert.casework import actions_services as actions
from divert.casework.models import Expense, ServiceReferral
from divert.privacy.policy import Category, disclose, is_on_team

register = template.Library()


@register.inclusion_tag("casework/services/_person_section.html", takes_context=True)
def person_services(context, person) -> dict:
    """The person page's services and funds: only the data categories the viewer may see, each read logged.
    A seat that may see none of them gets nothing, not even a heading."""
    request = context["request"]
    user = request.user
    allowed = actions.visible_data_categories(user, person)
    if not allowed:
        return {"show": False}
    referrals = list(ServiceReferral.objects.filter(person=person, data_category__in=allowed)
                     .select_related("provider").order_by("-sent_on", "-id"))
    may_funds = Category.CASEWORK in allowed
    expenses = list(Expense.objects.filter(person=person).select_related("funding_source")) if may_funds else []
    for category in {r.data_category for r in referrals}:
        log_event("divert.casework.service_referral.viewed", request=request, person=person,
                          category=category, details={"count": sum(r.data_category == category for r in referrals),
                                                      "where": "person page"})
    if expenses:
        actions.log_expenses_viewed(person, len(expenses), request=request, where="person page")
    shown = {r.data_category for r in referrals} | ({Category.CASEWORK} if expenses else set())
    # Shown under a release (not by seat): written to the accounting, with the Part 2 notice when it applies.
    notice = disclose(user, person, sorted(shown), request=request,
                      purpose="service referrals and funds") if shown else None
    on_team = is_on_team(user, person)
    return {"show": True, "person": person, "referrals": referrals, "expenses": expenses, "may_funds": may_funds,
            "on_team": on_team, "notice": notice,
            "new_referral_url": reverse("service_referral_new", args=[person.pk]) if on_team else "",
            "new_expense_url": reverse("expense_new", args=[person.pk]) if on_team else ""}
