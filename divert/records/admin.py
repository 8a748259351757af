from django.contrib import admin

from divert.records.models import ImportProfile


@admin.register(ImportProfile)
class ImportProfileAdmin(admin.ModelAdmin):
    """Profiles are settings, not justice data: site administrators may keep them. Staged rows stay out of the
    admin (they hold identities of people who may not be participants)."""

    list_display = ["name", "slug", "active", "updated_at"]
    prepopulated_fields = {"slug": ["name"]}
