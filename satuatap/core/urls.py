from django.urls import path

from satuatap.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("kerja/", views.my_work, name="my_work"),
]
