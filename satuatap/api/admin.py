from django.contrib import admin

from satuatap.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "hint", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "hint")
