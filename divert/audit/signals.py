"""Changes made in the Django admin (accounts, seats, lockouts) also go into the hash-chained trail."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from divert.audit.log import log_event

_VERB = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


@receiver(post_save, sender=LogEntry)
def _admin_change(sender, instance: LogEntry, created: bool, **kwargs):
    if not created:
        return
    model = instance.content_type.model if instance.content_type_id else "object"
    log_event(
        f"divert.admin.{model}.{_VERB.get(instance.action_flag, 'changed')}",
        actor=instance.user,
        details={"object_id": instance.object_id or "", "object": instance.object_repr[:200],
                 "change": instance.get_change_message()[:500]},
    )
