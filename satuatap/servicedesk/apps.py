from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "satuatap.servicedesk"
    verbose_name = _("Service desk")

    def ready(self):
        from satuatap.core import work
        from satuatap.servicedesk.requests.selectors import work_overdue

        # Overdue service requests show in the work list ("Pekerjaan saya") of who serves and the head.
        work.register(work_overdue)
