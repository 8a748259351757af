from django.contrib import admin

from divert.outcomes.models import SuppressionDecision


@admin.register(SuppressionDecision)
class SuppressionDecisionAdmin(admin.ModelAdmin):
    """The log of suppression decisions, read-only: which cell of which published figures was hidden and why. It
    names no one (cells are table rows and columns of aggregates)."""

    list_display = ["decided_at", "release", "table", "cell", "reason", "threshold"]
    list_filter = ["release", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
