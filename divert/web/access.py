"""Get-for-user helpers: they ask the privacy policy and answer 404 or 403 before a view does anything."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from divert.participants.models import Person
from divert.privacy.policy import Category, can_see, visible_persons


def get_person_for_user(user, person_id: int, category: str = Category.IDENTITY) -> Person:
    """The person, if this user may see `category` of theirs; 404 otherwise (they may not know them)."""
    person = visible_persons(user).filter(pk=person_id).first()
    # visible_persons already answers for identity; other categories need their own decision.
    if person is None or (category != Category.IDENTITY and not can_see(user, person, category)):
        raise Http404("No such person")
    return person


def require_role(user, *roles: str) -> None:
    """403: the user may know the object exists, but this page is not for their seat."""
    if not user.has_role(*roles):
        raise PermissionDenied
