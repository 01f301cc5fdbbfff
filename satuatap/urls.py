from django.contrib import admin
from django.urls import include, path

import satuatap.core.admin_site  # noqa: F401  (restricts the admin to superusers)
from satuatap.accounts.views import operator_login, set_language
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
    path("", include("satuatap.servicedesk.urls")),
    path("", include("satuatap.regions.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    # Before the admin's own URLs: its login goes through the per-address limit of failed logins.
    path("operator/login/", operator_login),
    path("operator/", admin.site.urls),
    *api_urlpatterns,
]

handler400 = "satuatap.core.views.errors.bad_request"
handler403 = "satuatap.core.views.errors.permission_denied"
handler404 = "satuatap.core.views.errors.page_not_found"
handler500 = "satuatap.core.views.errors.server_error"
