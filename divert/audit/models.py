"""The append-only, hash-chained audit trail of who did and saw what."""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Audit events are never changed or removed by the application."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    person = models.ForeignKey(
        "participants.Person", null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    category = models.CharField(_("data category"), max_length=20, blank=True)
    consent_id = models.BigIntegerField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["person", "occurred_at"]), models.Index(fields=["actor", "occurred_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} by {self.actor_username or 'system'}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")

    @property
    def description(self) -> str:
        from divert.audit.codes import describe

        return describe(self.action)

    @property
    def role_label(self) -> str:
        from divert.accounts.roles import Role

        return str(Role(self.role).label) if self.role in Role.values else self.role

    def payload(self) -> dict:
        """The fields the hash covers, in a form that survives a round trip through any database."""
        return {
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "actor_username": self.actor_username,
            "agency": self.agency_id,
            "role": self.role,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "person": self.person_id,
            "category": self.category,
            "consent": self.consent_id,
            "request_id": self.request_id,
            "ip": self.ip,
            "details": self.details,
        }

    def compute_hash(self) -> str:
        body = json.dumps(self.payload(), sort_keys=True, separators=(",", ":"), default=str)
        message = f"{self.prev_hash}|{body}".encode()
        # With a key kept outside the database, someone who can write to the database still cannot
        # rebuild a consistent chain after changing an event.
        key = getattr(settings, "DIVERT_AUDIT_KEY", None)
        if key:
            return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
        return hashlib.sha256(message).hexdigest()


class AuditChainHead(models.Model):
    """One row naming the newest event, so a removed tail is noticed and writers take turns."""

    last_event_id = models.BigIntegerField(null=True)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"audit chain head at #{self.last_event_id}"
