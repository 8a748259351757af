"""Audit codes of the API (registered with divert.audit.codes at start-up).

Every audit event written while an API call is answered carries the token's prefix in its details
(`api_token`), whatever app writes it; every call, sensitive or not, is also kept in the call log (ApiCall).
"""

from django.utils.translation import gettext_lazy as _

CODES: dict = {
    "divert.api.token.created": _("created a personal access token for the API"),
    "divert.api.token.revoked": _("revoked an API access token"),
    "divert.api.service_token.created": _("created a service token for an agency's system"),
    "divert.api.token.refused": _("had an API call refused: the token was unknown, expired or revoked"),
    "divert.api.persons.listed": _("listed people through the API"),
    "divert.api.enrollments.listed": _("listed enrollments through the API"),
    "divert.api.referrals.listed": _("listed referrals through the API"),
}
