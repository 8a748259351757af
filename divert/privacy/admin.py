from django.contrib import admin

from divert.privacy.models import Disclosure


@admin.register(Disclosure)
class DisclosureAdmin(admin.ModelAdmin):
    """Read-only, like the audit trail: the accounting of disclosures is never edited or removed."""

    list_display = ["id", "at", "person_id", "recipient", "recipient_agency", "release_id", "part2"]
    list_filter = ["part2"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
