"""URLs of the setup pages (included by collection/urls.py): zakat calculator, campaigns, settings.

The public pages (no login: calculator, campaign, ways to give) name the institution and the campaign
by code; every staff page takes at most a campaign ``pk``, always fetched through a scoped selector.
"""

from django.urls import path

from satuatap.collection import views_setup as views

urlpatterns = [
    path("zakat/kalkulator/<slug:institution>/", views.calculator_public, name="calculator_public"),
    path("kampanye/<slug:institution>/<slug:code>/", views.campaign_public, name="campaign_public"),
    path("cara-bayar/<slug:institution>/", views.ways_to_give, name="ways_to_give"),
    path("collection/calculator/", views.calculator, name="calculator"),
    path("collection/campaigns/", views.campaigns, name="campaigns"),
    path("collection/campaigns/new/", views.campaign_create, name="campaign_create"),
    path("collection/campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("collection/campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("collection/settings/", views.settings_page, name="settings"),
]
