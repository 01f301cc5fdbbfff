from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "satuatap.audit"
    label = "audit"
