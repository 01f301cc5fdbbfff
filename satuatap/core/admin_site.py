"""The Django admin is for the platform operator (superusers) only.

Staff of institutions work through the staff UI and the API, which are scoped
to their unit subtrees; the admin sees every institution, so nobody else enters.
"""

from django.contrib import admin


def superuser_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superuser_only
admin.site.site_header = "Satu Atap — operator"
