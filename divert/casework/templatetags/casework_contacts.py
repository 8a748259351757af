"""The person page's casework panel: timeline, partner summary and tasks, each as far as the viewer may see."""

from django import template

from divert.audit.log import log_event
from divert.casework.actions_contacts import latest_partner_summary
from divert.casework.models import Task
from divert.casework.timeline import shown_categories, timeline_for
from divert.privacy.policy import Category, can_see, disclose, is_on_team

register = template.Library()

TIMELINE_LIMIT = 100


@register.inclusion_tag("casework/contacts/_panel.html", takes_context=True)
def person_contacts(context, person) -> dict:
    request = context["request"]
    user = request.user
    items = timeline_for(user, person)
    shown = shown_categories(items[:TIMELINE_LIMIT])
    summary = latest_partner_summary(person) if can_see(user, person, Category.PARTNER_SUMMARY) else None
    team = is_on_team(user, person)
    # Tasks are the team's own work list: never disclosed to a partner, whatever a release opens.
    tasks = list(Task.objects.filter(person=person, done_at__isnull=True).select_related("assigned_to")[:20]) \
        if team else []
    if tasks:
        shown.add(Category.CASEWORK)
    for category in sorted(shown & Category.SENSITIVE):
        log_event("divert.casework.timeline.viewed", request=request, person=person, target=person,
                  category=category)
    # The person page already accounts for identity and status (privacy's section); the rest is ours to log.
    disclosed = sorted(shown - {Category.IDENTITY, Category.STATUS}) + ([Category.PARTNER_SUMMARY] if summary else [])
    notice = disclose(user, person, disclosed, request=request, purpose="person timeline") if disclosed else None
    return {
        "request": request, "person": person, "items": items[:TIMELINE_LIMIT], "more": len(items) > TIMELINE_LIMIT,
        "summary": summary, "team": team, "tasks": tasks, "notice": notice,
        "contact_saved": request.GET.get("contact_saved", "")[:40],
    }
