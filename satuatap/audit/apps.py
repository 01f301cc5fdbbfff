from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "satuatap.audit"
    label = "audit"

    def ready(self):
        from satuatap.audit.display import change_rows
        from satuatap.audit.models import CHANGE_ROWS

        CHANGE_ROWS[:] = [change_rows]
