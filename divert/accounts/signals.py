"""Sign-ins, sign-outs, lockouts and MFA changes go into the audit trail (and a sign-in starts the idle clock)."""

from allauth.account.signals import password_changed, password_set, user_logged_in, user_logged_out
from allauth.mfa.signals import authentication_failed, authenticator_added, authenticator_removed, authenticator_reset
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in as session_started
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from divert.accounts.middleware import LAST_SEEN_KEY, SIGNED_IN_KEY
from divert.audit.log import log_event


@receiver(session_started)
def _start_idle_clock(sender, request, user, **kwargs):
    # The idle timeout counts from sign-in: a session left unused straight after it expires like any other.
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_SEEN_KEY] = session[SIGNED_IN_KEY] = timezone.now().timestamp()


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    log_event("divert.session.signed_in", request=request, actor=user)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        log_event("divert.session.signed_out", request=request, actor=user)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or credentials.get("login") or "")[:150]
    actor = _user_named(username)
    log_event("divert.session.sign_in_failed", request=request, actor=actor, details={"username": username})


@receiver(authentication_failed)
def _second_factor_failed(sender, request, user, authenticator, reauthentication=False, **kwargs):
    # A wrong code after the right password is a failed sign-in too, and the likelier sign of a stolen password.
    log_event("divert.session.sign_in_failed", request=request, actor=user,
              details={"username": user.get_username(), "factor": authenticator.type,
                       "reauthentication": bool(reauthentication)})


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    actor = _user_named(username) if username else None
    log_event("divert.session.locked_out", request=request, actor=actor, details={"username": username or ""})


def _user_named(username: str):
    """The account a sign-in names; like sign-in itself, case does not matter (and a clash names nobody)."""
    users = list(get_user_model().objects.filter(username__iexact=username.strip())[:2]) if username else []
    return users[0] if len(users) == 1 else None


@receiver(authenticator_added)
def _mfa_added(sender, request, user, authenticator, **kwargs):
    log_event(f"divert.mfa.{authenticator.type}.added", request=request, actor=user)


@receiver(authenticator_removed)
def _mfa_removed(sender, request, user, authenticator, **kwargs):
    log_event(f"divert.mfa.{authenticator.type}.removed", request=request, actor=user)


@receiver(authenticator_reset)
def _mfa_reset(sender, request, user, authenticator, **kwargs):
    log_event(f"divert.mfa.{authenticator.type}.reset", request=request, actor=user)


@receiver(password_changed)
def _password_changed(sender, request, user, **kwargs):
    log_event("divert.account.password.changed", request=request, actor=user)


@receiver(password_set)
def _password_set(sender, request, user, **kwargs):
    log_event("divert.account.password.set", request=request, actor=user)
