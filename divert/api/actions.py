"""Writes of the token pages: create, revoke, and the administrator's service tokens. Each writes its audit event."""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from divert.accounts.models import Membership
from divert.api import tokens
from divert.api.models import ApiToken
from divert.audit.log import log_event


def _expiry(days: int):
    days = max(1, min(int(days), getattr(settings, "DIVERT_API_TOKEN_MAX_DAYS", 365)))
    return timezone.now() + timedelta(days=days)


@transaction.atomic
def do_create_token(user, *, name: str, scopes, days: int, request=None) -> tuple[ApiToken, str]:
    """A personal access token for `user`; returns (token, the secret, shown once and never again)."""
    secret, prefix, hashed = tokens.new_secret()
    token = ApiToken.objects.create(user=user, kind=ApiToken.Kind.PERSONAL, name=name[:100], prefix=prefix,
                                    secret_hash=hashed, scopes=tokens.clean_scopes(scopes), expires_at=_expiry(days),
                                    created_by=user)
    log_event("divert.api.token.created", request=request, actor=user, target=token,
              details={"api_token": prefix, "scopes": token.scopes, "expires_at": token.expires_at.isoformat()})
    return token, secret


@transaction.atomic
def do_revoke_token(token: ApiToken, *, actor, request=None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        log_event("divert.api.token.revoked", request=request, actor=actor, target=token,
                  details={"api_token": token.prefix, "kind": token.kind, "owner": token.user.get_username()})
    return token


def _service_username(agency, role: str) -> str:
    base = "svc-" + re.sub(r"[^a-z0-9]+", "-", f"{agency.name} {role}".lower()).strip("-")[:100]
    name, n = base, 1
    user_model = get_user_model()
    while user_model.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@transaction.atomic
def do_create_service_token(*, actor, agency, role: str, name: str, scopes, days: int,
                            request=None) -> tuple[ApiToken, str]:
    """A service token for an agency's system: a service account of `agency` in `role` (no password, no sign-in)
    holding one token. Returns (token, the secret, shown once)."""
    user_model = get_user_model()
    account = user_model(username=_service_username(agency, role), first_name=name[:150],
                         last_name="(service account)")
    account.set_unusable_password()
    account.save()
    Membership.objects.create(user=account, agency=agency, role=role)
    secret, prefix, hashed = tokens.new_secret()
    token = ApiToken.objects.create(user=account, kind=ApiToken.Kind.SERVICE, name=name[:100], prefix=prefix,
                                    secret_hash=hashed, scopes=tokens.clean_scopes(scopes), expires_at=_expiry(days),
                                    created_by=actor)
    log_event("divert.api.service_token.created", request=request, actor=actor, target=token,
              details={"api_token": prefix, "service_account": account.username, "agency": agency.pk, "role": role,
                       "scopes": token.scopes})
    return token, secret
