"""Audit codes of the coordination app's legal area (registered with divert.audit.codes at start-up), and the legal
area's source of person-timeline items (registered when this module loads)."""

from django.utils.translation import gettext_lazy as _

CODES: dict = {
    "divert.legal.matter.recorded": _("recorded a legal matter"),
    "divert.legal.matter.updated": _("changed a legal matter"),
    "divert.legal.matter.viewed": _("viewed a legal matter"),
    "divert.legal.matters.listed": _("viewed a participant's legal matters"),
    "divert.legal.charge.added": _("added a charge to a legal matter"),
    "divert.legal.court_date.added": _("added a court date to a legal matter"),
    "divert.legal.disposition.recorded": _("recorded the disposition of a legal matter"),
    "divert.coordination.opened": _("opened a coordination request on a legal matter"),
    "divert.coordination.answered": _("answered a coordination request"),
    "divert.coordination.decided": _("recorded the prosecutor's decision on a coordination request"),
    "divert.coordination.viewed": _("viewed a coordination request"),
    "divert.coordination.listed": _("viewed the list of coordination requests"),
}


def _register_timeline() -> None:
    from divert.casework.timeline import register_timeline_source
    from divert.coordination.access import coordination_timeline_items

    register_timeline_source(coordination_timeline_items)


_register_timeline()
