"""Who may work with justice-data imports: the project manager only.

Staged rows are justice data about people who may not be participants, not yet tied to anyone, so no consent
governs them; the policy gives legal data to the project manager, and the records pages keep to that seat
(site administrators manage profiles in the admin but see no staged rows). Other seats get 403: that imports
exist is no secret, their contents are.
"""

from django.shortcuts import get_object_or_404

from divert.accounts.roles import Role
from divert.records.models import FeedImport
from divert.web.access import require_role

RECORDS_ROLES = (Role.PROJECT_MANAGER,)


def require_records_seat(user) -> None:
    require_role(user, *RECORDS_ROLES)


def get_import_for_user(user, import_id: int) -> FeedImport:
    require_records_seat(user)
    return get_object_or_404(FeedImport.objects.select_related("profile", "created_by"), pk=import_id)
