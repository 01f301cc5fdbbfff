from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "satuatap.ledger"
    label = "ledger"
    verbose_name = _("Fund ledger")

    def ready(self):
        from satuatap.core import work
        from satuatap.core.backup import figure_source_register
        from satuatap.ledger.selectors.positions import fund_positions_figures, journal_figures
        from satuatap.ledger.work import work_waiting

        # A restore must give back every fund position and the journal's totals.
        figure_source_register("fund_positions", fund_positions_figures)
        figure_source_register("journal", journal_figures)

        # Drafts waiting for an office head's approval show in the head's work list ("Pekerjaan saya").
        work.register(work_waiting)
