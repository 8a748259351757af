"""The person page's Operational Work Group panel: the case-management team flags a person for the next meeting;
the project manager may add them to its agenda."""

from django import template

from divert.coordination.actions_owg import is_project_manager, open_flag
from divert.coordination.forms_owg import FlagForm
from divert.privacy.policy import is_on_team

register = template.Library()


@register.inclusion_tag("coordination/owg/_person_panel.html", takes_context=True)
def owg_person_panel(context, person) -> dict:
    from divert.coordination.views_owg import next_meeting

    user = context["request"].user
    team = is_on_team(user, person)
    pm = is_project_manager(user)
    if not (team or pm):
        return {"show": False}
    return {"show": True, "person": person, "team": team, "pm": pm, "flag": open_flag(person) if team else None,
            "form": FlagForm() if team else None, "meeting": next_meeting()}
