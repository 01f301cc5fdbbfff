"""The backup figures of the ledger and of collection, until those apps register them themselves
(moved at merge: ``fund_positions`` and ``journal`` into the ledger's selectors, ``receipts`` into
collection's, each registered from its ``AppConfig.ready``). Listed in ``.importlinter``'s
``core-knows-no-app`` ignore_imports until then."""

from django.db.models import Count, Sum

from satuatap.core.backup.figures import figure_source_register
from satuatap.ledger.models import FundPosition, JournalLine


def fund_positions_figures(alias: str) -> dict[str, int]:
    """The available amount per unit, fund kind and restriction."""
    return {
        f"{unit}/{fund}/{restriction}": available
        for unit, fund, restriction, available in FundPosition.objects.using(alias)
        .order_by("unit_id", "fund__kind", "restriction")
        .values_list("unit_id", "fund__kind", "restriction", "available")
    }


def journal_figures(alias: str) -> dict[str, int]:
    """The journal's line count and its debit and credit totals."""
    journal = JournalLine.objects.using(alias).aggregate(lines=Count("id"), debit=Sum("debit"), credit=Sum("credit"))
    return {key: value or 0 for key, value in journal.items()}


def register() -> None:
    figure_source_register("fund_positions", fund_positions_figures)
    figure_source_register("journal", journal_figures)
