from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "satuatap.servicedesk"
    verbose_name = _("Service desk")

    def ready(self):
        from satuatap.core import dashboard, work
        from satuatap.servicedesk.figures.home import home_sections as figures_home_sections
        from satuatap.servicedesk.requests.selectors import work_overdue

        # Overdue service requests show in the work list ("Pekerjaan saya") of who serves and the head.
        work.register(work_overdue)
        # The desk's figures of today and this week on the home page.
        dashboard.register(figures_home_sections)
