from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeneficiariesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "satuatap.beneficiaries"
    verbose_name = _("Beneficiaries")

    def ready(self):
        from satuatap.beneficiaries.work import work_waiting
        from satuatap.core import work

        # Records held as possible duplicates show in the reviewer's work list ("Pekerjaan saya").
        work.register(work_waiting)
