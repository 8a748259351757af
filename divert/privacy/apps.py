from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "divert.privacy"
    label = "privacy"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from divert.privacy.policy import forget_decisions

        # Any write may change who sees what (a release, a revocation, an enrollment, a membership), except the
        # records a read itself leaves behind: audit events, the accounting of disclosures, notifications.
        def forget(sender, **kwargs):
            if sender._meta.label not in REMEMBERED_ACROSS:
                forget_decisions()

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(forget, dispatch_uid=f"divert.privacy.forget.{signal}", weak=False)


REMEMBERED_ACROSS = frozenset({"audit.AuditEvent", "audit.AuditChainHead", "privacy.Disclosure",
                               "notify.Notification", "sessions.Session", "usersessions.UserSession"})
