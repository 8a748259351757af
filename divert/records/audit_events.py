"""Audit codes of the events area (justice events, alerts, comparison data), and its start-up registrations: the
codes, the periodic jobs and the person-timeline source. `register()` is called once from RecordsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

CODES: dict = {
    "divert.justice.events.recorded": _("recorded justice events from linked feed rows"),
    "divert.justice.alert.sent": _("alerted a participant's team to a justice-data update"),
    "divert.justice.matter.refused": _("could not record a legal matter from a justice-data feed"),
    "divert.justice.events.viewed": _("viewed a person's justice events"),
    "divert.justice.events.listed": _("viewed the summary of a person's justice events"),
    "divert.records.feeds.pseudonymised": _("turned unlinked justice-data rows into pseudonymised comparison data"),
    "divert.records.comparison.purged": _("deleted comparison data past its retention period"),
}


def register() -> None:
    from divert.audit.codes import register as register_codes
    from divert.casework.timeline import register_timeline_source
    from divert.lib.jobs import register as register_job
    from divert.records.comparison import pseudonymise_feeds, purge_comparison_data
    from divert.records.views_events import justice_timeline_items

    register_codes(CODES)
    register_job("feed pseudonymisation", pseudonymise_feeds, order=25,
                 summary="{n} unlinked feed rows turned into comparison data")
    register_job("comparison retention", purge_comparison_data, order=90,
                 summary="{n} comparison subjects past retention deleted")
    register_timeline_source(justice_timeline_items)
