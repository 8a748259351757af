from django.contrib import admin

from divert.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes audit events, superusers included."""

    list_display = ["id", "occurred_at", "actor_username", "role", "action", "category", "person_id"]
    list_filter = ["action", "role", "category"]
    search_fields = ["actor_username", "action", "request_id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
