from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "satuatap.donors"
    verbose_name = _("Donors")
