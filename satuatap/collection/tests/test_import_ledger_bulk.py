"""Posting many donation entries at once (``ledger.services.entries_post_bulk``): entry_post's rules,
one write per table."""

from datetime import date

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from satuatap.collection.tests.test_import_services import rollups_match_lines
from satuatap.core.errors import NotAllowed
from satuatap.ledger import services as ledger
from satuatap.ledger.chart import cash_key
from satuatap.ledger.errors import EntryRefused, EntryUnbalanced, IdempotencyConflict, PeriodClosed
from satuatap.ledger.models import Account, JournalEntry, JournalLine, Period
from satuatap.ledger.services import BulkEntry, entries_post_bulk

DAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def cash(unit):
    return Account.objects.get(institution_id=unit.institution_id, system_key=cash_key(unit.pk))


def entry(unit, amount, key, *, fund="zakat", account="4110", day=DAY, restriction=""):
    return BulkEntry(
        entry_date=day,
        idempotency_key=key,
        source_ref=key,
        memo=f"bulk {key}",
        lines=[
            ledger.LineSpec(cash(unit), fund, debit=amount, restriction=restriction),
            ledger.LineSpec(account, fund, credit=amount, restriction=restriction),
        ],
    )


def test_bulk_entries_equal_what_entry_post_would_post(world, desk):
    entries = [entry(world.branch_a, 10_000 * (i + 1), f"bulk-{i}") for i in range(3)]
    restricted = ledger.receipt_accounts(world.alpha.pk)[("infak_restricted", "infak")]
    entries.append(
        entry(world.branch_a, 7_000, "bulk-r", fund="infak_restricted", account=restricted, restriction="P1")
    )
    ids = entries_post_bulk(actor=desk.fiona, unit=world.branch_a, entries=entries)
    assert len(ids) == 4 and JournalLine.objects.filter(entry_id__in=ids).count() == 8
    assert rollups_match_lines(world.alpha.pk)
    # A replay through entry_post finds the same entry: same key, same fingerprint.
    again = ledger.entry_post(
        actor=desk.fiona,
        unit=world.branch_a,
        entry_date=DAY,
        source="donation",
        source_ref="bulk-1",
        idempotency_key="bulk-1",
        memo="bulk bulk-1",
        lines=entries[1].lines,
    )
    assert again.replayed and again.pk == ids[1] and again.total == 20_000


def test_a_used_or_repeated_key_refuses_the_whole_batch(world, desk):
    entries_post_bulk(actor=desk.fiona, unit=world.branch_a, entries=[entry(world.branch_a, 5_000, "k1")])
    with pytest.raises(IdempotencyConflict):
        entries_post_bulk(
            actor=desk.fiona,
            unit=world.branch_a,
            entries=[entry(world.branch_a, 5_000, "k2"), entry(world.branch_a, 5_000, "k1")],
        )
    with pytest.raises(IdempotencyConflict):
        entries_post_bulk(
            actor=desk.fiona,
            unit=world.branch_a,
            entries=[entry(world.branch_a, 5_000, "k3"), entry(world.branch_a, 5_000, "k3")],
        )
    assert JournalEntry.objects.count() == 1


def test_a_closed_month_or_an_unbalanced_entry_refuses_the_batch(world, desk):
    Period.objects.create(institution=world.alpha, year=2026, month=2, is_closed=True, closed_at="2026-03-01T00:00Z")
    with pytest.raises(PeriodClosed):
        entries_post_bulk(
            actor=desk.fiona,
            unit=world.branch_a,
            entries=[entry(world.branch_a, 5_000, "ok"), entry(world.branch_a, 5_000, "feb", day=date(2026, 2, 3))],
        )
    bad = entry(world.branch_a, 5_000, "bad")
    bad.lines[1] = ledger.LineSpec("4110", "zakat", credit=4_000)
    with pytest.raises(EntryUnbalanced):
        entries_post_bulk(actor=desk.fiona, unit=world.branch_a, entries=[entry(world.branch_a, 5_000, "x"), bad])
    assert not JournalEntry.objects.exists()


def test_only_donations_and_only_by_people_working_in_the_unit(world, desk):
    with pytest.raises(EntryRefused):
        entries_post_bulk(
            actor=desk.fiona, unit=world.branch_a, entries=[entry(world.branch_a, 1, "d")], source="disbursement"
        )
    with pytest.raises(NotAllowed):
        entries_post_bulk(actor=world.audrey, unit=world.branch_a, entries=[entry(world.branch_a, 1, "a")])
    with pytest.raises(NotAllowed):
        entries_post_bulk(actor=desk.felix, unit=world.branch_a, entries=[entry(world.branch_a, 1, "f")])
    assert not JournalEntry.objects.exists()


# The fixture's books carry over from one example to the next on purpose: the rollups must
# equal the lines after every batch, however many came before.
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amounts=st.lists(
        st.tuples(st.integers(1, 10**9), st.sampled_from(["zakat", "infak", "dskl"]), st.integers(1, 28)),
        min_size=1,
        max_size=12,
    )
)
def test_rollups_always_equal_the_lines_after_bulk_posts(world_and_desk, amounts):
    world, desk, counter = world_and_desk
    receipt = ledger.receipt_accounts(world.alpha.pk)
    accounts = {"zakat": receipt[("zakat", "zakat_maal")], "infak": receipt[("infak", "infak")]}
    accounts["dskl"] = receipt[("dskl", "fidyah")]
    batch = []
    for amount, fund, day in amounts:
        counter[0] += 1
        batch.append(entry(world.branch_a, amount, f"p-{counter[0]}", fund=fund, account=accounts[fund],
                           day=date(2026, 3, day)))  # fmt: skip
    entries_post_bulk(actor=desk.fiona, unit=world.branch_a, entries=batch)
    assert rollups_match_lines(world.alpha.pk)


@pytest.fixture
def world_and_desk(world, desk):
    return world, desk, [0]
