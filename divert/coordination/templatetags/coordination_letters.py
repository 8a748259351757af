"""The person page's letters to courts and probation: the team sees its letters (drafts and sent), the project
manager that letters were sent (to whom, when, how), never what they say; nobody else sees anything."""

from django import template

from divert.audit.log import log_event
from divert.coordination.actions_letters import may_know_of_sent_letters, may_write_letters
from divert.coordination.models import Letter
from divert.privacy.policy import Category

register = template.Library()

LIST_LIMIT = 50


@register.inclusion_tag("coordination/letters/_panel.html", takes_context=True)
def person_letters(context, person) -> dict:
    request = context["request"]
    user = request.user
    team = may_write_letters(user, person)
    if not team and not may_know_of_sent_letters(user, person):
        return {"show": False}
    letters = Letter.objects.filter(person=person).select_related("recipient", "written_by", "sent_by")
    if not team:
        letters = letters.sent()
    letters = list(letters.defer("pdf", "engagement", "progress", "barriers", "outlook", "treatment")[:LIST_LIMIT])
    # The team's list says which letters carry treatment information (Part 2): that read is logged as such.
    categories = ({Category.CASEWORK} | ({Category.SUD} if any(x.include_sud for x in letters) else set())
                  if team else {Category.STATUS})
    for category in sorted(categories) if letters else ():
        log_event("divert.letter.listed", request=request, person=person, target=person, category=category,
                  details={"count": len(letters)})
    return {"show": True, "person": person, "team": team, "letters": letters}
