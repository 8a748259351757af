from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from divert.accounts.models import Agency, Membership, User

# Bulk deletion writes the admin's history in one batch that bypasses the audit trail's signal;
# every deletion here goes one object at a time, so each is audited.
admin.site.disable_action("delete_selected")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts are deactivated, never deleted: the audit trail names them."""

    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active", "last_login"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "phone")}),
        ("Access", {"fields": ("is_active", "is_staff")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "phone", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "active"]
    list_filter = ["role", "agency", "active"]
    search_fields = ["user__username", "user__last_name"]
