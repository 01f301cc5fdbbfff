from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "satuatap.ledger"
    label = "ledger"
    verbose_name = _("Fund ledger")

    def ready(self):
        from satuatap.core import work
        from satuatap.ledger.work import work_waiting

        # Drafts waiting for an office head's approval show in the head's work list ("Pekerjaan saya").
        work.register(work_waiting)
