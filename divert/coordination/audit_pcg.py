"""Audit codes of the coordination app's pcg area (registered with divert.audit.codes at start-up)."""

from django.utils.translation import gettext_lazy as _

CODES: dict = {
    "divert.pcg.rules.changed": _("changed the Policy Coordinating Group's quorum rule"),
    "divert.pcg.member.added": _("added a member agency to the Policy Coordinating Group"),
    "divert.pcg.member.changed": _("changed a Policy Coordinating Group membership (dates or note)"),
    "divert.pcg.representative.added": _("named a representative or alternate of a Policy Coordinating Group member"),
    "divert.pcg.representative.removed": _("removed a representative or alternate of a Policy Coordinating Group "
                                           "member"),
    "divert.pcg.meeting.scheduled": _("scheduled a Policy Coordinating Group meeting"),
    "divert.pcg.meeting.changed": _("changed a Policy Coordinating Group meeting (place, agenda or draft minutes)"),
    "divert.pcg.attendance.recorded": _("recorded which agencies were represented at a Policy Coordinating Group "
                                        "meeting"),
    "divert.pcg.minutes.approved": _("recorded the approval of a Policy Coordinating Group meeting's minutes"),
    "divert.pcg.decision.recorded": _("recorded a Policy Coordinating Group decision and each agency's position"),
    "divert.pcg.document.added": _("added a policy document"),
    "divert.pcg.document.version_adopted": _("recorded a new version of a policy document, adopted by a decision"),
    "divert.pcg.agreement.added": _("added an agreement (resolution, MOU or other)"),
    "divert.pcg.agreement.changed": _("changed an agreement's dates, term or notes"),
    "divert.pcg.agreement.party_added": _("added a party to an agreement"),
    "divert.pcg.agreement.signatory_added": _("recorded a signatory of an agreement"),
}
