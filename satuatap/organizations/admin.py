from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from satuatap.organizations.models import Membership, Unit


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    """Read-mostly view for the platform operator; units change through the staff UI and its services."""

    list_display = ("name", "code", "kind", "depth", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    readonly_fields = ("path", "depth", "numchild", "institution")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "unit", "role", "is_active")
    list_filter = ("role", "is_active")
    raw_id_fields = ("user", "unit")

    def has_delete_permission(self, request, obj=None):
        return False
