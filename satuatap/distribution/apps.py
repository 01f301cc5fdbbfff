from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "satuatap.distribution"
    verbose_name = _("Distribution")
