"""Sign-ins, sign-outs, lockouts and MFA changes go into the audit trail."""

from allauth.account.signals import user_logged_in, user_logged_out
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from divert.audit.log import log_event


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
    actor = get_user_model().objects.filter(username=username).first()
    log_event("divert.session.sign_in_failed", request=request, actor=actor, details={"username": username})


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    actor = get_user_model().objects.filter(username=username).first() if username else None
    log_event("divert.session.locked_out", request=request, actor=actor, details={"username": username or ""})


@receiver(authenticator_added)
def _mfa_added(sender, request, user, authenticator, **kwargs):
    log_event(f"divert.mfa.{authenticator.type}.added", request=request, actor=user)


@receiver(authenticator_removed)
def _mfa_removed(sender, request, user, authenticator, **kwargs):
    log_event(f"divert.mfa.{authenticator.type}.removed", request=request, actor=user)


@receiver(authenticator_reset)
def _mfa_reset(sender, request, user, authenticator, **kwargs):
    log_event(f"divert.mfa.{authenticator.type}.reset", request=request, actor=user)
