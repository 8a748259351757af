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
