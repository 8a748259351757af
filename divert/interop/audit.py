"""Audit codes of the interop app (registered with divert.audit.codes at start-up)."""

from django.utils.translation import gettext_lazy as _

CODES: dict = {
    "divert.interop.hmis.exported": _("exported participants who consented to HMIS sharing to the continuum of "
                                      "care's HMIS (HUD HMIS CSV)"),
    "divert.interop.hmis.viewed": _("viewed the HMIS export page"),
    "divert.interop.webhook.created": _("added a webhook endpoint"),
    "divert.interop.webhook.disabled": _("turned a webhook endpoint off"),
    "divert.interop.webhook.enabled": _("turned a webhook endpoint on"),
    "divert.interop.webhook.auto_disabled": _("turned off a webhook endpoint that kept failing"),
    "divert.interop.webhook.secret_rotated": _("replaced the signing secret of a webhook endpoint"),
}
