"""The person page's justice-events panel: counts and jail days of the events the viewer may read, with a link to
the full list. Shown only to readers of the person's legal category who have events to see; the read is logged,
and accounted for when a release allowed it."""

from django import template

from divert.audit.log import log_event
from divert.privacy.policy import Category, disclose
from divert.records.views_events import jail_summary, visible_justice_events

register = template.Library()


@register.inclusion_tag("records/events/_panel.html", takes_context=True)
def person_justice_events(context, person) -> dict:
    request = context["request"]
    events = list(visible_justice_events(request.user, person).only("kind", "occurred_on", "released_on"))
    if not events:
        return {"show": False}
    log_event("divert.justice.events.listed", request=request, person=person, target=person,
              category=Category.LEGAL, details={"count": len(events)})
    notice = disclose(request.user, person, [Category.LEGAL], request=request, purpose="justice events")
    return {"show": True, "person": person, "count": len(events), "summary": jail_summary(events), "notice": notice}
