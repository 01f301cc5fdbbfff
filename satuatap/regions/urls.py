from django.urls import path

from satuatap.regions import views

app_name = "regions"

urlpatterns = [
    path("wilayah/pilih/", views.pick, name="pick"),
    path("wilayah/opsi/", views.options, name="options"),
    path("wilayah/cari/", views.lookup, name="lookup"),
]
