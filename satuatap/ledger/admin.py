"""Read-only views of the ledger for the platform operator; every write goes through ledger.services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from satuatap.ledger.models import Account, AmilRate, Fund, JournalEntry, JournalLine, Period


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("code", "name", "role", "fund_kind", "unit", "is_active")
    list_filter = ("role", "fund_kind", "is_active")
    search_fields = ("code", "name")


@admin.register(Fund)
class FundAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("institution", "kind", "name")


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ("pk", "entry_date", "unit", "source", "status", "total", "posted_at")
    list_filter = ("status", "source")
    date_hierarchy = "entry_date"


@admin.register(JournalLine)
class JournalLineAdmin(ReadOnlyAdmin):
    list_display = ("entry_id", "entry_date", "account", "fund", "unit", "debit", "credit")
    list_select_related = ("account", "fund", "unit")


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ("institution", "year", "month", "is_closed", "closed_at")


@admin.register(AmilRate)
class AmilRateAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("institution", "fund_kind", "basis_points", "updated_at")
