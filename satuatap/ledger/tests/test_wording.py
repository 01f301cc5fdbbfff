"""How the ledger's messages read in Indonesian: 12,5% (not 12.5%), dates in words (not ISO)."""

from datetime import date

import pytest
from django.utils import translation

from satuatap.ledger import services
from satuatap.ledger.errors import AmilRateAboveCap
from satuatap.ledger.models import AmilRate
from satuatap.ledger.services import LineSpec

from .conftest import cash_code

pytestmark = pytest.mark.django_db


def test_the_amil_cap_reads_with_a_decimal_comma_in_indonesian(ledger):
    with translation.override("id"), pytest.raises(AmilRateAboveCap) as exc:
        services.amil_rate_set(actor=ledger.fatma, institution=ledger.world.alpha, fund_kind="zakat", basis_points=1550)
    message = exc.value.message_dict["basis_points"][0]
    assert "12,5%" in message and "15,5%" in message and "12.5" not in message and "15.5" not in message


def test_an_amil_rate_names_its_fund_and_reads_as_a_percentage(ledger):
    rate = AmilRate.objects.get(institution=ledger.world.alpha, fund_kind="zakat")
    with translation.override("id"):
        assert str(rate) == "Zakat: 12,5%"


def test_the_opening_balances_memo_gives_the_date_in_words(ledger):
    w = ledger.world
    rows = [LineSpec(cash_code(w.branch_b), "zakat", debit=7_000), LineSpec("3110", "zakat", credit=7_000)]
    with translation.override("id"):
        entry = services.opening_balance_import(actor=ledger.felix, unit=w.branch_b, as_of=date(2025, 1, 1), rows=rows)
    assert "1 Januari 2025" in entry.memo and "2025-01-01" not in entry.memo
