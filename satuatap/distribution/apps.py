from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "satuatap.distribution"
    verbose_name = _("Distribution")

    def ready(self):
        from satuatap.collection.services import donations
        from satuatap.distribution.stock import void_refusal

        if void_refusal not in donations.VOID_CHECKS:
            donations.VOID_CHECKS.append(void_refusal)
