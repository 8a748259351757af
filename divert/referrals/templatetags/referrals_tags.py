from django import template

from divert.privacy.policy import visible_referrals

register = template.Library()


@register.inclusion_tag("referrals/_person_referrals.html", takes_context=True)
def person_referrals(context, person):
    """The referrals of this person that the signed-in user may read."""
    user = context["request"].user
    referrals = visible_referrals(user).filter(person=person).order_by("-referred_at")
    return {"referrals": list(referrals), "person": person}
