from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "satuatap.api"
    label = "api"
