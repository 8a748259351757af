"""Get-for-user helpers for referrals: 404 when the user may not know the referral exists, 403 when read-only."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from divert.privacy.policy import visible_referrals

from .models import Referral


def get_referral_for_user(user, referral_id: int) -> Referral:
    referral = (visible_referrals(user).select_related("protocol", "referred_by", "referring_agency", "provider",
                                                       "person", "decided_by")
                .filter(pk=referral_id).first())
    if referral is None:
        raise Http404("No such referral")
    return referral


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied
