from django.urls import include, path

from satuatap.api import views
from satuatap.api.core import api

token_patterns = (
    [
        path("api-tokens/", views.tokens, name="tokens"),
        path("api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    ],
    "api",
)

urlpatterns = [
    path("", include(token_patterns)),
    path("api/v1/", api.urls),
    # Last: what no endpoint above answers.
    path("api/", views.unknown_path, name="api_unknown_path"),
    path("api/<path:rest>", views.unknown_path, name="api_unknown_path"),
]
