"""Session policy: sign out after idle time (per role), no page without MFA outside demo mode, and nothing
a signed-in user sees left in a cache."""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from divert.audit.log import log_event

LAST_SEEN_KEY = "divert_last_seen"
SIGNED_IN_KEY = "divert_signed_in_at"


def idle_timeout_for(user) -> timedelta:
    minutes = settings.DIVERT_IDLE_TIMEOUT_BY_ROLE.get(user.role or "", settings.DIVERT_IDLE_TIMEOUT_MINUTES)
    return timedelta(minutes=minutes)


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            last_seen = request.session.get(LAST_SEEN_KEY)
            signed_in_at = request.session.get(SIGNED_IN_KEY)
            timeout = idle_timeout_for(user)
            if last_seen is not None and now.timestamp() - last_seen > timeout.total_seconds():
                minutes = int(timeout.total_seconds() // 60)
                message = _("You were signed out after %(minutes)d minutes without activity.") % {"minutes": minutes}
                return _sign_out(request, user, "idle", {"idle_minutes": minutes}, message)
            if signed_in_at is not None and now.timestamp() - signed_in_at > settings.SESSION_COOKIE_AGE:
                # Activity keeps a session alive only up to its absolute lifetime; then sign in again.
                hours = settings.SESSION_COOKIE_AGE // 3600
                message = _("You were signed out: sessions last at most %(hours)d hours.") % {"hours": hours}
                return _sign_out(request, user, "lifetime", {"lifetime_hours": hours}, message)
            request.session[LAST_SEEN_KEY] = now.timestamp()
        return self.get_response(request)


def _sign_out(request, user, why: str, details: dict, message: str):
    log_event("divert.session.expired", request=request, actor=user, details={"why": why, **details})
    logout(request)
    messages.info(request, message)
    return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")


# Paths a signed-in user without MFA may still reach: the enrolment flow itself and the way out.
_MFA_EXEMPT_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/accounts/reauthenticate/", "/static/", "/healthz",
                        "/i18n/")


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.DIVERT_REQUIRE_MFA
            and request.user.is_authenticated
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and not _has_totp(request.user)
        ):
            return redirect("divert_mfa_required")
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class NoStoreMiddleware:
    """Pages shown to a signed-in user hold participants' records: no browser or proxy may keep them (on a
    shared computer, the Back button after signing out would show them again)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
