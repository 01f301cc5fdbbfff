"""Pages of distribution: public (joined into the ``distribution`` namespace by the app's urls.py).

No login: a family applies for aid online and follows its application by tracking code. The
status pages come before the institution's, so an institution code never hides them.
"""

from django.urls import path

from satuatap.distribution.public import views as public_views

urlpatterns = [
    path("bantuan/", public_views.public_index, name="public_index"),
    path("bantuan/status/", public_views.public_status, name="public_status"),
    path("bantuan/terkirim/<str:code>/", public_views.public_sent, name="public_sent"),
    path("bantuan/<slug:institution>/", public_views.public_apply, name="public_apply"),
    path("bantuan/<slug:institution>/<slug:program>/", public_views.public_apply_program, name="public_apply_program"),
]
