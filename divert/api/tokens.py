"""Token secrets: made, shown once, kept only as a keyed hash; scopes by resource and access.

A token reads ``dvt_<prefix>_<secret>``: the prefix (8 characters) is stored in the clear to find the row and to
name the token on pages and in the logs; the secret (256 random bits) is kept only as HMAC-SHA256 under the site's
token key (DIVERT_API_TOKEN_KEY, else derived from DIVERT_SECRET_KEY). A stolen database holds no usable token.
"""

import hashlib
import hmac
import secrets
import string

from django.conf import settings
from django.utils.translation import gettext_lazy as _

TOKEN_START = "dvt_"  # noqa: S105 - the visible start of every token, not a secret
PREFIX_LENGTH = 8
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits

# The resources a token may be scoped to, in the order the pages list them.
RESOURCES = {
    "persons": _("People (identity as the policy allows)"),
    "enrollments": _("Enrollments and program status"),
    "referrals": _("Referrals"),
    "imports": _("Justice-data imports"),
    "alerts": _("Alerts (your inbox)"),
    "releases": _("Releases of information"),
    "contacts": _("Contacts"),
    "assessments": _("Assessments"),
    "plans": _("Intervention plans and goals"),
    "service_referrals": _("Service referrals"),
    "legal": _("Legal matters and coordination requests"),
}
ACCESS = ("read", "write")
ALL_SCOPES = tuple(f"{resource}:{access}" for resource in RESOURCES for access in ACCESS)


def token_key() -> bytes:
    key = getattr(settings, "DIVERT_API_TOKEN_KEY", "") or ""
    if key:
        return key.encode()
    return hashlib.sha256(b"divert-api-token:" + settings.SECRET_KEY.encode()).digest()


def hash_secret(secret: str) -> str:
    return hmac.new(token_key(), secret.encode(), hashlib.sha256).hexdigest()


def new_secret() -> tuple[str, str, str]:
    """(full token, prefix, hash of the secret)."""
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    secret = secrets.token_urlsafe(32)
    return f"{TOKEN_START}{prefix}_{secret}", prefix, hash_secret(secret)


def split(token: str) -> tuple[str, str] | None:
    """(prefix, secret) of a presented token; None when it is not shaped like one of ours."""
    if not token.startswith(TOKEN_START):
        return None
    prefix, sep, secret = token[len(TOKEN_START):].partition("_")
    if not sep or len(prefix) != PREFIX_LENGTH or not secret or len(secret) > 100:
        return None
    return prefix, secret


def matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def clean_scopes(scopes) -> list[str]:
    return [scope for scope in ALL_SCOPES if scope in set(scopes or ())]
