"""A read-only view of donors for the platform operator; every write goes through donors.services.

NIK and NPWP are never shown here in full (the operator has no business need for them): only
their last digits, as everywhere else.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from satuatap.donors.models import Donor


@admin.register(Donor)
class DonorAdmin(SimpleHistoryAdmin):
    list_display = ("number", "full_name", "kind", "institution", "registered_unit", "merged_into", "created_at")
    list_filter = ("kind", "preferred_channel")
    search_fields = ("number", "name_key")
    list_select_related = ("institution", "registered_unit", "merged_into")
    exclude = ("nik", "npwp", "nik_hash", "npwp_hash")
    readonly_fields = ("nik_masked", "npwp_masked")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
