"""Audit codes of the coordination app's letters area (registered with divert.audit.codes at start-up)."""

from django.utils.translation import gettext_lazy as _

CODES: dict = {
    "divert.letter.drafted": _("started a letter to a court or probation"),
    "divert.letter.edited": _("changed a draft letter to a court or probation"),
    "divert.letter.discarded": _("discarded a draft letter to a court or probation"),
    "divert.letter.viewed": _("viewed a letter to a court or probation"),
    "divert.letter.listed": _("viewed the list of a participant's letters to courts and probation"),
    "divert.letter.downloaded": _("downloaded the PDF of a letter sent to a court or probation"),
    "divert.letter.sent": _("sent a letter to a court or probation (recorded as a disclosure)"),
    "divert.letter.send_refused": _("was refused sending a letter: no release in effect names the recipient"),
}
