from django.contrib import admin

from divert.notify.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only, for answering "did the email or text go out?". Superusers only (not a site-admin app)."""

    list_display = ["id", "created_at", "recipient", "kind", "read_at", "email_status", "sms_status"]
    list_filter = ["kind", "email_status", "sms_status"]
    search_fields = ["recipient__username", "kind"]
    list_select_related = ["recipient"]
    # Not the title or body: the admin shows no participant-related text (see docs/administration.md).
    fields = ["recipient", "kind", "url", "created_at", "read_at", "email_status", "sms_status", "dedupe_key"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
