"""The ledger benchmark (pytest-benchmark) on the generated PostgreSQL database.

Run by `make bench`; the figures and their targets are printed by ``bench.report``.
Each benchmark records its figure name and target (seconds) in ``extra_info``.

Posting commits for real (the commit's WAL flush is part of the figure) into
random branches of the benchmark institution, dated in January of the year after
the generated one: the generated year's reports and line count do not move, and
``entry_post`` keeps the rollups consistent (``test_z_consistency`` checks it last).
"""

import random
import uuid
from datetime import date

from bench.generate import YEAR, check
from satuatap.ledger import selectors as reports
from satuatap.ledger.models import Source
from satuatap.ledger.services import LineSpec, entry_post

POST_DATE = date(YEAR + 1, 1, 15)
REPORT_ROUNDS = 10
AMOUNTS = [50_000, 100_000, 250_000, 500_000, 1_000_000]


def _info(benchmark, world, figure: str, target: float) -> None:
    benchmark.extra_info.update(
        figure=figure, target=target, units=world.units, lines=world.lines, year=YEAR, server=world.server
    )


def test_a_post_two_line_donation(benchmark, world):
    _info(benchmark, world, "posting a two-line donation (entry_post, committed)", 0.005)
    rng = random.Random(109)

    def setup():
        branch = rng.choice(world.branches)
        amount = rng.choice(AMOUNTS)
        lines = [
            LineSpec(f"1100.{branch.code}", "zakat", debit=amount),
            LineSpec("4110", "zakat", credit=amount),
        ]
        kwargs = {
            "actor": world.user,
            "unit": branch,
            "entry_date": POST_DATE,
            "source": Source.DONATION,
            "source_ref": "bench",
            "idempotency_key": f"bench-post:{uuid.uuid4()}",
            "lines": lines,
        }
        return (), kwargs

    entry = benchmark.pedantic(entry_post, setup=setup, rounds=300, warmup_rounds=20)
    assert entry.is_posted and not entry.replayed


def _report(benchmark, world, function, unit, figure: str, rounds: int = REPORT_ROUNDS):
    _info(benchmark, world, figure, 1.0)
    return benchmark.pedantic(
        function, args=(world.user, unit, world.year), kwargs={"consolidated": True}, rounds=rounds, warmup_rounds=1
    )


def test_b_changes_in_funds_institution(benchmark, world):
    result = _report(
        benchmark, world, reports.changes_in_funds, world.root, "Laporan Perubahan Dana, whole institution, year"
    )
    funds = result.current
    assert sum(f.total_receipts for f in funds.values()) > 0
    # Consolidated over the whole tree, every remittance is between two of its offices: eliminated.
    assert all(f.transfers_in == f.transfers_out == 0 for f in funds.values())


def test_c_changes_in_funds_region(benchmark, world):
    result = _report(
        benchmark, world, reports.changes_in_funds, world.region, "Laporan Perubahan Dana, one region, year", 30
    )
    assert sum(f.total_receipts for f in result.current.values()) > 0


def test_d_financial_position_institution(benchmark, world):
    result = _report(
        benchmark, world, reports.financial_position, world.root, "Laporan Posisi Keuangan, whole institution"
    )
    assert result.current.total_assets == result.current.total_funds + result.current.total_liabilities


def test_e_trial_balance_institution(benchmark, world):
    result = _report(benchmark, world, reports.trial_balance, world.root, "trial balance, whole institution, year")
    assert result.current.total_debit == result.current.total_credit


def test_f_changes_in_funds_page(benchmark, world):
    """The whole HTML page (middleware, form, report, template), as a browser gets it."""
    from bench.conftest import signed_in_client

    client = signed_in_client(world.user)
    query = {"unit": world.root.pk, "start": f"{YEAR}-01", "end": f"{YEAR}-12", "consolidated": "on"}
    _info(benchmark, world, "Perubahan Dana page (HTML), whole institution", 1.0)
    response = benchmark.pedantic(
        client.get, args=("/ledger/reports/changes-in-funds/", query), rounds=REPORT_ROUNDS, warmup_rounds=1
    )
    assert response.status_code == 200
    assert b"errorlist" not in response.content


def test_z_consistency(world):
    """After the posting benchmark: rollups still equal the lines; the year's figures did not move."""
    results = check(world.root.pk, expected_lines=world.lines)
    assert all(passed for _name, passed, _detail in results), results
    changes = reports.changes_in_funds(world.user, world.root, world.year, consolidated=True).current
    position = reports.financial_position(world.user, world.root, world.year, consolidated=True).current
    assert {k: f.closing for k, f in changes.items()} == position.fund_balances
