"""Audit codes of the outcomes app (registered with divert.audit.codes at start-up)."""

from django.utils.translation import gettext_lazy as _

CODES: dict = {
    "divert.outcomes.unit_costs.declared": _("declared the unit costs that outcome figures use"),
    "divert.outcomes.suppression.applied": _("had small cells suppressed in a set of published outcome figures"),
    "divert.outcomes.dashboard.exported": _("downloaded a table of the outcomes dashboard as CSV"),
    "divert.outcomes.report.made": _("made the quarterly outcomes report for the Policy Coordinating Group"),
    "divert.outcomes.report.downloaded": _("downloaded a quarterly outcomes report"),
    "divert.outcomes.impact.published": _("wrote the public impact page as a static site"),
}
