"""Dotted action codes, and the human text the "who did what" pages show for them."""

from django.utils.translation import gettext_lazy as _

TEXT = {
    "divert.session.signed_in": _("signed in"),
    "divert.session.signed_out": _("signed out"),
    "divert.session.sign_in_failed": _("failed to sign in"),
    "divert.session.locked_out": _("was locked out after repeated failed sign-ins"),
    "divert.session.expired": _("was signed out for inactivity"),
    "divert.session.ended_elsewhere": _("had a session ended"),
    "divert.session.signed_out_everywhere": _("signed out everywhere"),
    "divert.account.password.changed": _("changed their password"),
    "divert.account.password.set": _("set a password"),
    "divert.mfa.totp.added": _("set up an authenticator app"),
    "divert.mfa.totp.removed": _("removed an authenticator app"),
    "divert.mfa.recovery_codes.added": _("received recovery codes"),
    "divert.mfa.recovery_codes.reset": _("replaced recovery codes"),
    "divert.mfa.recovery_codes.removed": _("removed recovery codes"),
    "divert.person.viewed": _("viewed a person's record"),
    "divert.person.searched": _("searched for people"),
    "divert.person.access_log.viewed": _("viewed who accessed a person's record"),
    "divert.audit.log.viewed": _("viewed the audit log"),
    "divert.demo.seeded": _("filled the site with synthetic data"),
}


def describe(action: str) -> str:
    return str(TEXT.get(action, action))
