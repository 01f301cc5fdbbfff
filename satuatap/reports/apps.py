from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "satuatap.reports"
    verbose_name = _("Reports")

    def ready(self):
        from satuatap.core import dashboard
        from satuatap.reports.home import home_sections

        # The home page (core) shows what this app assembles from every other app's selectors.
        dashboard.register(home_sections)
