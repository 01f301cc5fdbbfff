from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "satuatap.distribution"
    verbose_name = _("Distribution")

    def ready(self):
        from satuatap.collection.hooks import void_hook_register
        from satuatap.core import work
        from satuatap.distribution.selectors import ProgramPurposes, work_waiting
        from satuatap.distribution.stock.services import StockVoidHook
        from satuatap.ledger import hooks

        # An in-kind receipt is voided only while its goods are all on hand; they then leave the stock.
        void_hook_register(StockVoidHook())
        # Restricted infak is given for a program: the counter, the import, the API and the reports find it here.
        if not any(isinstance(d, ProgramPurposes) for d in hooks.PURPOSE_DIRECTORIES):
            hooks.PURPOSE_DIRECTORIES.append(ProgramPurposes())
        # Applications and batches waiting for a step show in each user's work list ("Pekerjaan saya").
        work.register(work_waiting)
