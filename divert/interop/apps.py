from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "divert.interop"
    label = "interop"
    verbose_name = "Interoperability: HMIS export and webhooks"

    def ready(self):
        from django.db.models.signals import post_save

        from divert.audit.codes import register
        from divert.audit.models import AuditEvent
        from divert.interop.audit import CODES
        from divert.interop.webhooks import deliver_due, on_audit_event
        from divert.lib.jobs import register as register_job

        register(CODES)
        # The lower apps already write an audit event for each action a webhook reports; listening to those means
        # none of them imports this app. Deliveries are queued only once the action's transaction commits.
        post_save.connect(on_audit_event, sender=AuditEvent, dispatch_uid="interop.webhooks.on_audit_event")
        register_job("webhook deliveries", deliver_due, order=90, summary="{n} webhook deliveries attempted")
