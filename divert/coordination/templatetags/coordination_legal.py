"""The person page's legal panel: the matters the viewer may read (all of them for the team, the project manager
and a partner under a release opening legal; only their office's or clients' for a prosecutor or defender), with
their open coordination requests. The read is logged, and accounted for when a release allowed it."""

from django import template
from django.db.models import Prefetch

from divert.audit.log import log_event
from divert.coordination.access import may_record_matters, visible_coordination_requests
from divert.privacy.policy import Category, disclose, visible_legal_matters

register = template.Library()

LIST_LIMIT = 50


@register.inclusion_tag("coordination/legal/_panel.html", takes_context=True)
def person_legal(context, person) -> dict:
    request = context["request"]
    user = request.user
    matters = list(visible_legal_matters(user, person)
                   .select_related("prosecuting_agency", "defending_agency")
                   .prefetch_related("charges", "court_dates",
                                     Prefetch("coordination_requests",
                                              queryset=visible_coordination_requests(user).open(),
                                              to_attr="open_requests"))
                   .order_by("status", "-created_at")[:LIST_LIMIT])
    may_add = may_record_matters(user, person)
    notice = None
    if matters:
        log_event("divert.legal.matters.listed", request=request, person=person, target=person,
                  category=Category.LEGAL, details={"count": len(matters)})
        notice = disclose(user, person, [Category.LEGAL], request=request, purpose="legal matters")
    return {"show": bool(matters) or may_add, "person": person, "matters": matters, "may_add": may_add,
            "notice": notice}
