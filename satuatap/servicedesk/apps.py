from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "satuatap.servicedesk"
    verbose_name = _("Service desk")

    def ready(self):
        from satuatap.core import dashboard
        from satuatap.servicedesk.figures.home import home_sections as figures_home_sections

        # figures: the desk's figures of today and this week on the home page.
        dashboard.register(figures_home_sections)
