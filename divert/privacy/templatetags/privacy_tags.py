from django import template

from divert.privacy.policy import Category, disclose, may_manage_releases, may_see_accounting

register = template.Library()


@register.inclusion_tag("privacy/_person_releases.html", takes_context=True)
def person_releases(context, person) -> dict:
    """The person page's privacy section: releases for the team, the accounting link, and for a partner who
    sees this person under a release, the disclosure written to the accounting (shown nothing here)."""
    request = context["request"]
    user = request.user
    # The person page shows identity, and status to those who may see it: under a consent, that is a disclosure.
    notice = disclose(user, person, [Category.IDENTITY, Category.STATUS], request=request, purpose="person page")
    may_manage = may_manage_releases(user, person)
    releases = []
    if may_manage:
        releases = list(person.releases.prefetch_related("recipients__agency", "revocations__recipients")
                        .order_by("-starts_on", "-id"))
    return {"person": person, "may_manage": may_manage, "releases": releases, "notice": notice,
            "may_see_accounting": may_manage or may_see_accounting(user, person)}
