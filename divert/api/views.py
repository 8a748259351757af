"""The token pages: a user's personal access tokens on their account page, and the site administrator's service
tokens. Minting either needs a fresh check: with MFA, a fresh MFA check (allauth's MFA reauthentication)."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.internal.flows.reauthentication import suspend_request
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from divert.accounts.roles import Role
from divert.api.actions import do_create_service_token, do_create_token, do_revoke_token
from divert.api.forms import ServiceTokenForm, TokenForm
from divert.api.models import ApiToken
from divert.web.access import require_role


def fresh_check(request: HttpRequest) -> HttpResponse | None:
    """None when the user proved themselves recently enough (REAUTHENTICATION_TIMEOUT); else the redirect to do
    so, which resumes this request afterwards. An account with MFA must have passed an MFA check."""
    records = get_authentication_records(request, request.user)
    mfa = is_mfa_enabled(request.user)
    recent = [r for r in records if (r.get("method") == "mfa" if mfa else True)
              and time.time() - r.get("at", 0) < account_settings.REAUTHENTICATION_TIMEOUT]
    if recent:
        return None
    return suspend_request(request, reverse("mfa_reauthenticate" if mfa else "account_reauthenticate"))


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if request.user.seat is None:
        raise Http404
    form = TokenForm(request.POST or None)
    created = secret = None
    if request.method == "POST":
        must = fresh_check(request)
        if must is not None:
            return must
        if form.is_valid():
            created, secret = do_create_token(request.user, name=form.cleaned_data["name"],
                                              scopes=form.cleaned_data["scopes"], days=form.cleaned_data["days"],
                                              request=request)
            form = TokenForm()
    mine = ApiToken.objects.filter(user=request.user, kind=ApiToken.Kind.PERSONAL)
    return render(request, "api/tokens.html", {"form": form, "tokens": mine, "created": created, "secret": secret},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()
    if token is None:
        raise Http404
    do_revoke_token(token, actor=request.user, request=request)
    return redirect("api_tokens")


@login_required
@require_http_methods(["GET", "POST"])
def service_tokens(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.SITE_ADMIN)
    form = ServiceTokenForm(request.POST or None)
    created = secret = None
    if request.method == "POST":
        must = fresh_check(request)
        if must is not None:
            return must
        if form.is_valid():
            data = form.cleaned_data
            created, secret = do_create_service_token(actor=request.user, agency=data["agency"], role=data["role"],
                                                      name=data["name"], scopes=data["scopes"], days=data["days"],
                                                      request=request)
            form = ServiceTokenForm()
    rows = ApiToken.objects.filter(kind=ApiToken.Kind.SERVICE).select_related("user")
    return render(request, "api/service_tokens.html",
                  {"form": form, "tokens": rows, "created": created, "secret": secret},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def service_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    require_role(request.user, Role.SITE_ADMIN)
    token = ApiToken.objects.filter(pk=token_id, kind=ApiToken.Kind.SERVICE).first()
    if token is None:
        raise Http404
    do_revoke_token(token, actor=request.user, request=request)
    return redirect("api_service_tokens")
