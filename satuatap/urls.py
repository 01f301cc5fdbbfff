from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

import satuatap.core.admin_site  # noqa: F401  (restricts the admin to superusers)
from satuatap.api.urls import urlpatterns as api_urlpatterns

urlpatterns = [
    path("", include("satuatap.core.urls")),
    path("accounts/", include("satuatap.accounts.urls")),
    path("", include("satuatap.organizations.urls")),
    path("", include("satuatap.audit.urls")),
    path("", include("satuatap.ledger.urls")),
    path("", include("satuatap.donors.urls")),
    path("", include("satuatap.collection.urls")),
    path("", include("satuatap.beneficiaries.urls")),
    path("", include("satuatap.distribution.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("operator/", admin.site.urls),
    *api_urlpatterns,
]

handler400 = "satuatap.core.errors_views.bad_request"
handler403 = "satuatap.core.errors_views.permission_denied"
handler404 = "satuatap.core.errors_views.page_not_found"
handler500 = "satuatap.core.errors_views.server_error"
