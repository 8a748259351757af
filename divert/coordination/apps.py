from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "divert.coordination"
    label = "coordination"

    def ready(self):
        # Each area names its audit codes, and adds its events to the person timeline, when its module loads.
        from divert.audit.codes import register
        from divert.coordination import audit_legal, audit_letters, audit_owg, audit_pcg

        for area in (audit_legal, audit_owg, audit_pcg, audit_letters):
            register(area.CODES)

        from divert.coordination.actions_legal import send_hold_reviews
        from divert.coordination.actions_owg import owg_tick
        from divert.coordination.actions_pcg import send_agreement_renewal_reminders
        from divert.lib.jobs import register as register_job

        register_job("hold reviews", send_hold_reviews, order=50, summary="{n} held charges due for review")
        register_job("owg meetings", owg_tick, order=40, summary="{n} OWG meetings scheduled")
        register_job("agreement renewals", send_agreement_renewal_reminders, order=60,
                     summary="renewal reminders sent for {n} agreements")
