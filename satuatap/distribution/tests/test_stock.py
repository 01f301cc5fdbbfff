"""The goods stock: in-kind donations received once, purchases posted to the ledger, goods given out
at the moving average value under an approved goods program, the books and the stock agreeing, the
pages and the API, and who may not see or do what.

Personas from ``world``, ``registry`` and ``books``: fiona = finance of branch A, hank = head of
branch A, paula = program officer of branch A, frank = front office of branch A, audrey = auditor
of branch A, carol = admin of the institution, bob = admin of branch B, eve = admin of BETA;
``store.felix`` = finance of branch B, ``store.evan`` = finance of BETA.
"""

import json
import threading
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.generate import check as ledger_check
from satuatap.api.services import api_token_create
from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.beneficiaries.models import AidRecord
from satuatap.collection import hooks as collection_hooks
from satuatap.collection.errors import VoidRefused
from satuatap.collection.services import DonationLineSpec, donation_record, donation_void
from satuatap.core.errors import NotAllowed
from satuatap.distribution import services
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import Application, AppStatus, Disbursement, StockItem, StockMove
from satuatap.distribution.stock import selectors as stock_selectors
from satuatap.distribution.stock import services as stock_services
from satuatap.distribution.stock.selectors import stock_on_hand, waiting_lines
from satuatap.distribution.tests.conftest import apply_and_recommend, fund
from satuatap.donors.services import donor_register
from satuatap.ledger import services as ledger
from satuatap.ledger.chart import cash_key
from satuatap.ledger.models import Account, JournalEntry, JournalLine, LedgerBalance
from tests.factories import UserFactory, grant
from tests.scoping import response_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

KG = Decimal("1.00")


def _gift(unit, actor, donor, kind="zakat_maal", amount=1_500_000, quantity="100", key="gift", **line):
    return donation_record(
        actor=actor,
        unit=unit,
        donor=donor,
        donation_date=timezone.localdate(),
        channel="in_kind",
        lines=[
            DonationLineSpec(
                kind, amount, goods_description="Beras premium", goods_quantity=quantity, goods_unit="kg", **line
            )
        ],
        idempotency_key=key,
    )


@pytest.fixture
def store(world, books):
    """Branch A's rice: an item of the catalogue, an in-kind zakat gift of 100 kg worth Rp1.500.000
    (not yet received) and a zakat goods program; finance of branch B and of BETA."""
    today = timezone.localdate()
    item = stock_services.stock_item_save(actor=books.fiona, unit=world.branch_a, name="Beras premium", measure="kg")
    donor = donor_register(actor=world.frank, unit=world.branch_a, full_name="Hamba Allah")
    gift = _gift(world.branch_a, books.fiona, donor)
    program = services.program_save(
        actor=world.carol,
        unit=world.branch_a,
        code="paket-beras",
        name="Paket beras",
        pillar="humanitarian",
        fund_kind="zakat",
        asnaf=["fakir", "miskin"],
        aid_kind="goods",
        budget=50_000_000,
        start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
    )
    felix = UserFactory(username="felix")
    grant(felix, world.branch_b, "finance")
    ledger.chart_create_default(actor=world.eve, institution=world.beta)
    evan = UserFactory(username="evan")
    grant(evan, world.beta_branch, "finance")
    return SimpleNamespace(
        item=item, donor=donor, gift=gift, line=gift.lines.get(), program=program, felix=felix, evan=evan
    )


def received(world, books, store, **kwargs):
    return stock_services.stock_receive_donation(
        actor=books.fiona, unit=world.branch_a, donation_line=store.line, item=store.item, **kwargs
    )


def bought(world, books, store, *, quantity="50", value=1_000_000, fund_kind="zakat", item=None):
    return stock_services.stock_purchase(
        actor=books.fiona,
        unit=world.branch_a,
        item=item or store.item,
        fund_kind=fund_kind,
        quantity=quantity,
        value=value,
        money_account=books.cash,
        moved_on=timezone.localdate(),
        note="Toko Makmur, nota 17",
    )


def approved(world, books, store, amount):
    application = apply_and_recommend(world, books, amount, program=store.program)
    return services.application_decide(actor=books.hank, application=application, approve=True)


def give(books, store, application, quantity, **kwargs):
    return stock_services.goods_disburse(
        actor=books.fiona, application=application, item=kwargs.pop("item", store.item), quantity=quantity, **kwargs
    )


def ledger_goods(unit, fund_kind="zakat") -> int:
    """The inventory account's balance of ``unit`` in the fund, from the journal."""
    totals = JournalLine.objects.filter(unit=unit, account__role="inventory", fund__kind=fund_kind).aggregate(
        debit=Sum("debit"), credit=Sum("credit")
    )
    return (totals["debit"] or 0) - (totals["credit"] or 0)


def on_hand(unit, item, fund_kind="zakat") -> stock_selectors.OnHand:
    return stock_selectors.held(unit, item, fund_kind)


# --- receiving an in-kind donation ----------------------------------------------------------------


def test_donated_goods_are_received_once_at_their_value_and_post_nothing(world, books, store):
    entries = JournalEntry.objects.count()
    assert list(waiting_lines(books.fiona, within=world.branch_a)) == [store.line]
    move = received(world, books, store)
    assert (move.kind, move.quantity, move.value, move.fund_kind) == ("donation", Decimal("100.00"), 1_500_000, "zakat")
    assert move.donation_line == store.line and move.entry_id == store.gift.entry_id
    assert JournalEntry.objects.count() == entries
    assert on_hand(world.branch_a, store.item).value == 1_500_000
    assert ledger_goods(world.branch_a) == 1_500_000
    assert list(waiting_lines(books.fiona, within=world.branch_a)) == []
    with pytest.raises(DistributionRefused, match="already in the stock"):
        received(world, books, store)
    assert StockMove.objects.count() == 1


def test_donated_goods_may_be_counted_in_the_items_measure(world, books, store):
    sacks = stock_services.stock_item_save(
        actor=books.fiona, unit=world.branch_a, name="Beras karung 25 kg", measure="sack"
    )
    move = stock_services.stock_receive_donation(
        actor=books.fiona, unit=world.branch_a, donation_line=store.line, item=sacks, quantity="4"
    )
    assert move.quantity == Decimal("4.00") and move.value == 1_500_000
    assert on_hand(world.branch_a, sacks).average == 375_000


def test_donated_goods_are_received_only_at_the_donations_own_unit(world, books, store):
    with pytest.raises(DistributionRefused, match="received into its stock there"):
        stock_services.stock_receive_donation(
            actor=books.fiona, unit=world.branch_a_sub, donation_line=store.line, item=store.item
        )
    assert not StockMove.objects.exists()


def test_a_void_donation_or_a_cash_one_is_not_received(world, books, store):
    cash_gift = donation_record(
        actor=books.fiona,
        unit=world.branch_a,
        donor=store.donor,
        donation_date=timezone.localdate(),
        channel="cash",
        lines=[DonationLineSpec("infak", 50_000)],
        idempotency_key="cash-gift",
    )
    with pytest.raises(DistributionRefused, match="not given in goods"):
        stock_services.stock_receive_donation(
            actor=books.fiona, unit=world.branch_a, donation_line=cash_gift.lines.get(), item=store.item
        )
    donation_void(actor=books.fiona, donation=store.gift, reason="salah input")
    with pytest.raises(DistributionRefused, match="void"):
        received(world, books, store)
    assert list(waiting_lines(books.fiona, within=world.branch_a)) == []


# --- voiding an in-kind receipt whose goods are in the stock ---------------------------------------------


def books_whole(world) -> None:
    """Every entry balances per fund, the rollups equal the lines (the ledger's own checks, written for
    PostgreSQL), and the books hold exactly what the stock holds."""
    per_fund = JournalLine.objects.values("entry_id", "fund_id").annotate(d=Sum("debit"), c=Sum("credit"))
    assert [row for row in per_fund if row["d"] != row["c"]] == []
    if connection.vendor == "postgresql":
        failed = [(name, detail) for name, passed, detail in ledger_check(world.alpha.pk, quiet=True) if not passed]
        assert not failed, failed
    for fund_kind in ("zakat", "infak"):
        rollup = LedgerBalance.objects.filter(unit=world.branch_a, account__role="inventory", fund__kind=fund_kind)
        totals = rollup.aggregate(d=Sum("debit"), c=Sum("credit"))
        held_value = sum(r.value for r in stock_on_hand(world.branch_a, subtree=False, fund_kind=fund_kind))
        assert ledger_goods(world.branch_a, fund_kind) == (totals["d"] or 0) - (totals["c"] or 0) == held_value


def nothing_changed(world, store, *, moves: int, entries: int, kept: stock_selectors.OnHand) -> None:
    store.gift.refresh_from_db()
    assert store.gift.status == "recorded" and store.gift.void_entry is None and store.gift.receipt.number
    assert StockMove.objects.count() == moves and not StockMove.objects.filter(kind="voided").exists()
    assert JournalEntry.objects.count() == entries
    assert on_hand(world.branch_a, store.item) == kept
    books_whole(world)


def test_voiding_a_receipt_whose_goods_are_all_on_hand_takes_them_back_out(world, books, store):
    bought(world, books, store)  # 50 kg for Rp1.000.000 before the gift is received
    before = on_hand(world.branch_a, store.item)
    move = received(world, books, store)  # 100 kg for Rp1.500.000: the average is now Rp16.667 a kg
    entries = JournalEntry.objects.count()
    donation_void(actor=books.fiona, donation=store.gift, reason="salah input")
    store.gift.refresh_from_db()
    assert store.gift.status == "void" and JournalEntry.objects.count() == entries + 1  # the reversal only
    voided = StockMove.objects.get(kind="voided")
    # The exact opposite of the move it cancels, not 100 kg at the average (Rp1.666.667).
    assert (voided.quantity, voided.value, voided.fund_kind) == (Decimal("-100.00"), -1_500_000, "zakat")
    assert voided.donation_line == move.donation_line == store.line
    assert voided.entry_id == store.gift.void_entry_id and voided.created_by == books.fiona
    assert voided.moved_on == store.gift.void_entry.entry_date and voided.note == "salah input"
    assert on_hand(world.branch_a, store.item) == before == stock_selectors.OnHand(Decimal("50.00"), 1_000_000)
    books_whole(world)
    events = AuditEvent.objects.filter(action=AuditAction.STOCK_MOVED)
    [audited] = [e for e in events if e.changes.get("kind") == [None, "voided"]]
    assert audited.actor == books.fiona and audited.changes["value"] == [None, -1_500_000]
    assert audited.unit == world.branch_a and audited.note == "salah input"
    with pytest.raises(VoidRefused, match="already void"):
        donation_void(actor=books.fiona, donation=store.gift, reason="lagi")
    assert StockMove.objects.filter(kind="voided").count() == 1
    assert list(waiting_lines(books.fiona, within=world.branch_a)) == []  # a void gift is not received again


def test_a_receipt_whose_goods_were_partly_given_out_cannot_be_voided(world, books, store):
    received(world, books, store)  # 100 kg
    give(books, store, approved(world, books, store, 1_500_000), "97")
    moves, entries, kept = StockMove.objects.count(), JournalEntry.objects.count(), on_hand(world.branch_a, store.item)
    with pytest.raises(VoidRefused) as refused:
        donation_void(actor=books.fiona, donation=store.gift, reason="salah input")
    message = refused.value.message_dict["reason"][0]
    assert "Beras premium" in message and "stock of Cabang Anggrek" in message
    assert "only 3 kg of the 100 kg are still on hand" in message and "cannot be voided" in message
    nothing_changed(world, store, moves=moves, entries=entries, kept=kept)


def test_a_receipt_is_not_voided_when_what_is_on_hand_is_worth_less_than_its_goods(world, books, store):
    received(world, books, store)  # 100 kg for Rp1.500.000
    give(books, store, approved(world, books, store, 750_000), "50")  # Rp750.000 out
    bought(world, books, store, quantity="50", value=500_000)  # 100 kg again, worth Rp1.250.000
    moves, entries, kept = StockMove.objects.count(), JournalEntry.objects.count(), on_hand(world.branch_a, store.item)
    with pytest.raises(VoidRefused, match="worth Rp1.500.000.*worth only Rp1.250.000"):
        donation_void(actor=books.fiona, donation=store.gift, reason="salah input")
    nothing_changed(world, store, moves=moves, entries=entries, kept=kept)


def test_lines_of_the_same_goods_must_be_on_hand_together(world, books, store):
    gift = donation_record(
        actor=books.fiona,
        unit=world.branch_a,
        donor=store.donor,
        donation_date=timezone.localdate(),
        channel="in_kind",
        lines=[
            DonationLineSpec("zakat_maal", 1_500_000, goods_description="Beras", goods_quantity="100", goods_unit="kg"),
            DonationLineSpec("zakat_maal", 750_000, goods_description="Beras", goods_quantity="50", goods_unit="kg"),
        ],
        idempotency_key="two-lines",
    )
    for line in gift.lines.all():
        stock_services.stock_receive_donation(
            actor=books.fiona, unit=world.branch_a, donation_line=line, item=store.item
        )
    give(books, store, approved(world, books, store, 300_000), "20")  # 130 kg left: each line alone would fit
    with pytest.raises(VoidRefused, match="only 130 kg of the 150 kg"):
        donation_void(actor=books.fiona, donation=gift, reason="salah input")
    assert not StockMove.objects.filter(kind="voided").exists()


def test_a_void_refused_for_another_reason_takes_nothing_out(world, books, store, monkeypatch):
    received(world, books, store)
    with pytest.raises(VoidRefused, match="Say why"):
        donation_void(actor=books.fiona, donation=store.gift, reason="  ")

    # A check of another module, run after the stock's, refuses: the goods stay.
    class HeldByAudit:
        def refusal(self, donation):
            return "Ditahan audit."

        def voided(self, donation, actor):
            raise AssertionError("a refused void runs no hook's action")

    monkeypatch.setattr(collection_hooks, "VOID_HOOKS", [*collection_hooks.VOID_HOOKS, HeldByAudit()])
    with pytest.raises(VoidRefused, match="Ditahan audit"):
        donation_void(actor=books.fiona, donation=store.gift, reason="salah input")
    nothing_changed(
        world,
        store,
        moves=1,
        entries=JournalEntry.objects.count(),
        kept=stock_selectors.OnHand(Decimal("100.00"), 1_500_000),
    )


@pytest.mark.django_db(transaction=True)
def test_a_void_and_a_handover_of_the_same_goods_cannot_both_happen(world, books, store):
    received(world, books, store)  # 100 kg
    application = approved(world, books, store, 1_500_000)
    fadli = UserFactory(username="fadli")
    grant(fadli, world.branch_a, "finance")
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def work(name, call):
        try:
            start.wait()
            outcomes[name] = call()
        except BaseException as exc:  # reported below; a thread must not die silently
            outcomes[name] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=work,
            args=("void", lambda: donation_void(actor=books.fiona, donation=store.gift, reason="salah input")),
        ),
        threading.Thread(
            target=work,
            args=(
                "give",
                lambda: stock_services.goods_disburse(
                    actor=fadli, application=application, item=store.item, quantity="100"
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [o for o in outcomes.values() if isinstance(o, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], ValidationError), outcomes
    assert on_hand(world.branch_a, store.item) == stock_selectors.OnHand(Decimal("0.00"), 0)
    store.gift.refresh_from_db()
    assert (store.gift.status == "void") == isinstance(outcomes["give"], Exception)
    assert Disbursement.objects.count() == (0 if store.gift.status == "void" else 1)
    books_whole(world)


def test_restricted_infak_goods_stay_out_of_the_stock(world, books, store):
    today = timezone.localdate()
    banjir = services.program_save(
        actor=world.carol,
        unit=world.branch_a,
        code="banjir",
        name="Tanggap banjir",
        pillar="humanitarian",
        fund_kind="infak_restricted",
        budget=10_000_000,
        start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
    )
    gift = _gift(
        world.branch_a, books.fiona, store.donor, kind="infak", amount=300_000, key="restricted", program="banjir"
    )
    assert gift.lines.get().program == banjir.restriction
    assert gift.lines.get().fund_kind == "infak_restricted"
    with pytest.raises(DistributionRefused, match="restricted"):
        stock_services.stock_receive_donation(
            actor=books.fiona, unit=world.branch_a, donation_line=gift.lines.get(), item=store.item
        )
    assert list(waiting_lines(books.fiona, within=world.branch_a)) == [store.line]


def test_receiving_needs_finance_of_the_unit(world, books, store):
    for actor in (world.frank, books.hank, world.audrey, store.felix):
        with pytest.raises(NotAllowed):
            stock_services.stock_receive_donation(
                actor=actor, unit=world.branch_a, donation_line=store.line, item=store.item
            )
    assert not StockMove.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-3"}, "quantity"),
        ({"quantity": "banyak"}, "quantity"),
        ({"quantity": "1.2555"}, "quantity"),
        ({"moved_on": date(2100, 1, 1)}, "moved_on"),
        ({"moved_on": date(2000, 1, 1)}, "moved_on"),
        ({"moved_on": "kemarin"}, "moved_on"),
    ],
)
def test_bad_input_when_receiving_is_refused_on_its_field(world, books, store, changes, field):
    with pytest.raises(DistributionRefused) as refused:
        received(world, books, store, **changes)
    assert field in refused.value.message_dict
    assert not StockMove.objects.exists()


def test_goods_of_another_institution_or_closed_are_refused(world, books, store):
    beta_item = stock_services.stock_item_save(
        actor=store.evan, unit=world.beta_branch, name="SECRET Xenon Beras", measure="kg"
    )
    with pytest.raises(DistributionRefused) as refused:
        stock_services.stock_receive_donation(
            actor=books.fiona, unit=world.branch_a, donation_line=store.line, item=beta_item
        )
    assert "item" in refused.value.message_dict
    stock_services.stock_item_save(
        actor=world.carol, unit=world.alpha, item=store.item, name="Beras premium", measure="kg", is_active=False
    )
    with pytest.raises(DistributionRefused, match="closed"):
        received(world, books, store)


# --- purchases --------------------------------------------------------------------------------------


def test_purchase_posts_a_balanced_entry_and_raises_the_value_on_hand(world, books, store):
    before = ledger_goods(world.branch_a)  # the gift not received yet is already in the books
    move = bought(world, books, store)
    entry = move.entry
    assert entry is not None and entry.idempotency_key == f"stock-purchase:{move.pk}"
    lines = list(JournalLine.objects.filter(entry=entry).select_related("account", "fund"))
    assert sorted((li.account.role, li.fund.kind, li.debit, li.credit) for li in lines) == [
        ("cash", "zakat", 0, 1_000_000),
        ("inventory", "zakat", 1_000_000, 0),
    ]
    assert on_hand(world.branch_a, store.item) == stock_selectors.OnHand(Decimal("50.00"), 1_000_000)
    assert ledger_goods(world.branch_a) == before + 1_000_000
    received(world, books, store)
    assert ledger_goods(world.branch_a) == on_hand(world.branch_a, store.item).value == 2_500_000
    assert move.note == "Toko Makmur, nota 17"


def test_purchase_beyond_the_funds_money_is_refused(world, books, store):
    with pytest.raises(DistributionRefused, match="holds Rp3.000.000 of the Infak"):
        bought(world, books, store, fund_kind="infak", value=3_000_001)
    assert not StockMove.objects.exists() and ledger_goods(world.branch_a, "infak") == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-1"}, "quantity"),
        ({"value": 0}, "value"),
        ({"value": -5}, "value"),
        ({"value": 10.5}, "value"),
        ({"value": "1000"}, "value"),
        ({"fund_kind": "amil"}, "fund_kind"),
        ({"fund_kind": "infak_restricted"}, "fund_kind"),
        ({"fund_kind": ""}, "fund_kind"),
        ({"item": 987654321}, "item"),
    ],
)
def test_bad_purchase_input_is_refused_on_its_field(world, books, store, changes, field):
    with pytest.raises(DistributionRefused) as refused:
        bought(world, books, store, **changes)
    assert field in refused.value.message_dict
    assert not StockMove.objects.exists() and ledger_goods(world.branch_a) == 1_500_000  # the gift only


def test_purchase_from_another_units_account_or_in_the_future_is_refused(world, books, store):
    other = Account.objects.get(institution=world.alpha, system_key=cash_key(world.branch_b.pk))
    for changes, field in (({"money_account": other}, "money_account"), ({"moved_on": date(2100, 1, 1)}, "moved_on")):
        with pytest.raises(ValidationError) as refused:
            stock_services.stock_purchase(
                actor=books.fiona,
                unit=world.branch_a,
                item=store.item,
                fund_kind="zakat",
                quantity="1",
                value=10_000,
                **{"money_account": books.cash, "moved_on": None, **changes},
            )
        assert field in refused.value.message_dict
    with pytest.raises(NotAllowed):
        stock_services.stock_purchase(
            actor=books.hank,
            unit=world.branch_a,
            item=store.item,
            fund_kind="zakat",
            quantity="1",
            value=10_000,
            money_account=books.cash,
        )
    assert not StockMove.objects.exists()


# --- goods going out ----------------------------------------------------------------------------------


def test_goods_go_out_at_the_moving_average_and_the_last_takes_what_is_left(world, books, store):
    received(world, books, store)  # 100 kg for Rp1.500.000
    bought(world, books, store)  # 50 kg for Rp1.000.000: 150 kg for Rp2.500.000
    application = approved(world, books, store, 2_500_000)
    first = give(books, store, application, "10")
    # 2.500.000 × 10/150 = 166.666,67: the allocation rounds it to 166.667.
    assert first.amount == 166_667
    assert on_hand(world.branch_a, store.item) == stock_selectors.OnHand(Decimal("140.00"), 2_333_333)
    last = give(books, store, application, "140")
    assert last.amount == 2_333_333
    assert on_hand(world.branch_a, store.item) == stock_selectors.OnHand(Decimal("0.00"), 0)
    assert ledger_goods(world.branch_a) == 0
    application.refresh_from_db()
    assert application.status == AppStatus.DISBURSED and application.paid_amount == 2_500_000


def test_more_than_on_hand_is_refused_naming_what_is_on_hand(world, books, store):
    received(world, books, store)
    application = approved(world, books, store, 2_000_000)
    with pytest.raises(DistributionRefused, match="holds 100 kg of Beras premium in the Zakat fund") as refused:
        give(books, store, application, "100.5")
    assert "quantity" in refused.value.message_dict
    assert not Disbursement.objects.exists() and StockMove.objects.count() == 1


def test_goods_of_another_fund_are_refused(world, books, store):
    bought(world, books, store, fund_kind="infak", value=500_000)  # infak rice; the program gives zakat
    application = approved(world, books, store, 500_000)
    with pytest.raises(DistributionRefused, match="holds 0 kg of Beras premium in the Zakat fund"):
        give(books, store, application, "1")
    assert not Disbursement.objects.exists()
    assert on_hand(world.branch_a, store.item, "infak").quantity == Decimal("50.00")


def test_goods_disbursement_posts_distribution_against_inventory_with_aid_history(world, books, store):
    received(world, books, store)  # Rp15.000 a kg
    application = approved(world, books, store, 150_000)
    disbursement = give(books, store, application, "10", reference="BAST-01")
    assert (disbursement.amount, disbursement.kind, disbursement.reference) == (150_000, "goods", "BAST-01")
    lines = list(JournalLine.objects.filter(entry=disbursement.entry).select_related("account", "fund"))
    assert sorted((li.account.role, li.fund.kind, li.debit, li.credit) for li in lines) == [
        ("distribution", "zakat", 150_000, 0),
        ("inventory", "zakat", 0, 150_000),
    ]
    assert disbursement.money_account.role == "inventory"
    move = disbursement.stock_move
    assert (move.kind, move.quantity, move.value, move.entry_id) == (
        "out",
        Decimal("-10.00"),
        -150_000,
        disbursement.entry_id,
    )
    aid = AidRecord.objects.get(beneficiary=books.siti)
    assert (aid.amount, aid.description, aid.program) == (150_000, "10 kg Beras premium", "Paket beras")
    application.refresh_from_db()
    assert application.status == AppStatus.DISBURSED
    assert ledger_goods(world.branch_a) == on_hand(world.branch_a, store.item).value == 1_350_000


def test_ledger_goods_equal_the_stock_value_through_every_kind_of_move(world, books, store):
    received(world, books, store)
    bought(world, books, store, quantity="33.33", value=777_777)
    bought(world, books, store, fund_kind="infak", quantity="7.5", value=100_000)
    application = approved(world, books, store, 1_000_000)
    give(books, store, application, "12.75")
    give(books, store, application, "0.5")
    for fund_kind in ("zakat", "infak"):
        rows = stock_on_hand(world.branch_a, fund_kind=fund_kind)
        assert ledger_goods(world.branch_a, fund_kind) == sum(r.value for r in rows) > 0
    assert stock_on_hand(world.region) == stock_on_hand(world.branch_a)  # the region sees its branch's goods


def test_goods_beyond_what_is_left_of_the_approval_are_refused(world, books, store):
    received(world, books, store)
    application = approved(world, books, store, 100_000)
    with pytest.raises(DistributionRefused, match="only Rp100.000 of the approval is left") as refused:
        give(books, store, application, "10")  # Rp150.000
    assert "quantity" in refused.value.message_dict
    assert not Disbursement.objects.exists()


def test_a_cash_program_is_not_given_goods_and_a_goods_program_is_not_paid_in_cash(world, books, store):
    received(world, books, store)
    cash_application = services.application_decide(
        actor=books.hank, application=apply_and_recommend(world, books, 150_000), approve=True
    )
    with pytest.raises(DistributionRefused, match="not goods"):
        give(books, store, cash_application, "1")
    goods_application = approved(world, books, store, 150_000)
    with pytest.raises(DistributionRefused, match="gives goods"):
        services.disbursement_pay(
            actor=books.fiona, application=goods_application, amount=10_000, money_account=books.cash
        )


def test_goods_are_given_only_to_an_approved_application_by_finance(world, books, store):
    received(world, books, store)
    recommended = apply_and_recommend(world, books, 150_000, program=store.program)
    with pytest.raises(DistributionRefused, match="recommended"):
        give(books, store, recommended, "1")
    application = services.application_decide(actor=books.hank, application=recommended, approve=True)
    for actor in (books.hank, books.registry.paula, world.audrey, store.felix):
        with pytest.raises(NotAllowed):
            stock_services.goods_disburse(actor=actor, application=application, item=store.item, quantity="1")
    assert not Disbursement.objects.exists() and StockMove.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_clerks_cannot_give_out_the_same_last_sack(world, books, store):
    received(world, books, store)  # 100 kg
    first, second = approved(world, books, store, 1_500_000), approved(world, books, store, 1_500_000)
    fadli = UserFactory(username="fadli")
    grant(fadli, world.branch_a, "finance")
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def work(name, actor, application):
        try:
            start.wait()
            outcomes[name] = stock_services.goods_disburse(
                actor=actor, application=application, item=store.item, quantity="100"
            )
        except BaseException as exc:  # reported below; a thread must not die silently
            outcomes[name] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=work, args=("fiona", books.fiona, first)),
        threading.Thread(target=work, args=("fadli", fadli, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    paid = [o for o in outcomes.values() if isinstance(o, Disbursement)]
    refused = [o for o in outcomes.values() if not isinstance(o, Disbursement)]
    assert len(paid) == 1 and len(refused) == 1, outcomes
    assert isinstance(refused[0], DistributionRefused) and "0 kg" in str(
        refused[0]
    )  # the thread speaks the default language
    assert on_hand(world.branch_a, store.item) == stock_selectors.OnHand(Decimal("0.00"), 0)
    assert ledger_goods(world.branch_a) == 0 and Disbursement.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_purchases_of_different_goods_cannot_both_spend_the_same_cash(world, books, store):
    oil = stock_services.stock_item_save(actor=books.fiona, unit=world.branch_a, name="Minyak goreng", measure="liter")
    fadli = UserFactory(username="fadli")
    grant(fadli, world.branch_a, "finance")
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def work(name, actor, item):
        try:
            start.wait()
            outcomes[name] = stock_services.stock_purchase(
                actor=actor,
                unit=world.branch_a,
                item=item,
                fund_kind="infak",
                quantity="10",
                value=2_000_000,  # the branch holds Rp3.000.000 of infak: one purchase fits, not two
                money_account=books.cash,
            )
        except BaseException as exc:  # reported below; a thread must not die silently
            outcomes[name] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=work, args=("fiona", books.fiona, store.item)),
        threading.Thread(target=work, args=("fadli", fadli, oil)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bought_ = [o for o in outcomes.values() if isinstance(o, StockMove)]
    refused = [o for o in outcomes.values() if not isinstance(o, StockMove)]
    assert len(bought_) == 1 and len(refused) == 1, outcomes
    assert isinstance(refused[0], DistributionRefused) and "Rp1.000.000" in str(refused[0])  # what is left
    assert ledger_goods(world.branch_a, "infak") == 2_000_000 and StockMove.objects.count() == 1


@pytest.mark.parametrize("quantity", ["0", "-1", "x", "1.0011", None, True])
def test_bad_quantities_are_refused(world, books, store, quantity):
    received(world, books, store)
    application = approved(world, books, store, 150_000)
    with pytest.raises(DistributionRefused) as refused:
        give(books, store, application, quantity)
    assert "quantity" in refused.value.message_dict
    assert not Disbursement.objects.exists()


def test_a_future_handover_is_refused_and_nothing_is_half_saved(world, books, store):
    received(world, books, store)
    application = approved(world, books, store, 150_000)
    with pytest.raises(DistributionRefused) as refused:
        give(books, store, application, "1", paid_on=timezone.localdate() + timedelta(days=3))
    assert "paid_on" in refused.value.message_dict
    assert not Disbursement.objects.exists() and StockMove.objects.count() == 1
    assert Application.objects.get(pk=application.pk).status == AppStatus.APPROVED


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2,5", "2.50"), ("2.5", "2.50"), ("1.000", "1000.00"), ("1,000", "1000.00"), ("12", "12.00"), (7, "7.00")],
)
def test_quantities_are_read_as_people_type_them(text, expected):
    assert stock_services.quantity_of(text) == Decimal(expected)


# --- the catalogue --------------------------------------------------------------------------------------


def test_the_catalogue_is_kept_by_finance_heads_and_admins_and_changed_at_the_institution(world, books, store):
    with pytest.raises(DistributionRefused, match="already has goods of this name"):
        stock_services.stock_item_save(actor=books.hank, unit=world.branch_a, name="BERAS  premium", measure="kg")
    for actor in (world.frank, world.audrey, books.registry.paula):
        with pytest.raises(NotAllowed):
            stock_services.stock_item_save(actor=actor, unit=world.branch_a, name="Minyak goreng", measure="litre")
    with pytest.raises(NotAllowed, match="changed at"):
        stock_services.stock_item_save(
            actor=books.fiona, unit=world.branch_a, item=store.item, name="Beras", measure="kg"
        )
    renamed = stock_services.stock_item_save(
        actor=world.carol, unit=world.alpha, item=store.item, name="Beras medium", measure="karung"
    )
    assert (renamed.name, renamed.measure) == ("Beras medium", "karung")
    received(world, books, store)
    with pytest.raises(DistributionRefused, match="cannot change now"):
        stock_services.stock_item_save(
            actor=world.carol, unit=world.alpha, item=store.item, name="Beras medium", measure="kg"
        )
    with pytest.raises(DistributionRefused) as refused:
        stock_services.stock_item_save(actor=books.fiona, unit=world.branch_a, name=" ", measure="kg")
    assert "name" in refused.value.message_dict
    with pytest.raises(NotAllowed):
        stock_services.stock_item_save(
            actor=store.evan, unit=world.beta_branch, item=store.item, name="X", measure="kg"
        )


# --- pages ----------------------------------------------------------------------------------------------


def as_user(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def text_of(response) -> str:
    return response_text(response).decode()


PAGES = ["/distribution/stock/", "/distribution/stock/moves/", "/distribution/stock/items/"]
FINANCE_PAGES = ["/distribution/stock/receive/", "/distribution/stock/purchase/"]


def goods_url(application) -> str:
    return f"/distribution/applications/{application.pk}/goods/"


@pytest.fixture
def busy(world, books, store):
    """Branch A's stock after a gift, a purchase and a handover; branch B's SECRET goods bought by felix."""
    received(world, books, store)
    bought(world, books, store)
    application = approved(world, books, store, 1_000_000)
    give(books, store, application, "10")
    fund(world.branch_b, 5_000_000)
    secret = stock_services.stock_item_save(actor=store.felix, unit=world.branch_b, name="Gula Bakung", measure="kg")
    cash_b = Account.objects.get(institution=world.alpha, system_key=cash_key(world.branch_b.pk))
    stock_services.stock_purchase(
        actor=store.felix,
        unit=world.branch_b,
        item=secret,
        fund_kind="zakat",
        quantity="20",
        value=300_000,
        money_account=cash_b,
        note="SECRET nota Bakung",
    )
    return SimpleNamespace(application=application, secret=secret, cash_b=cash_b)


def test_stock_page_shows_what_the_unit_and_below_hold_with_the_total(world, books, store, busy):
    page = text_of(as_user(books.fiona).get("/distribution/stock/"))
    assert "Beras premium" in page and "140 kg" in page
    assert "Rp2.333.333" in page  # 150 kg for Rp2.500.000, 10 kg out at Rp166.667
    assert "Gula Bakung" not in page and "SECRET" not in page
    region = UserFactory(username="rina")
    grant(region, world.region, "head")
    page = text_of(as_user(region).get("/distribution/stock/"))
    assert "Beras premium" in page and "Gula Bakung" in page and "Rp2.633.333" in page


def test_stock_exports_and_moves_list_with_date_filter(world, books, store, busy):
    client = as_user(books.fiona)
    csv = text_of(client.get("/distribution/stock/?format=csv"))
    assert "Beras premium" in csv and "2333333" in csv and "Bakung" not in csv
    moves = text_of(client.get("/distribution/stock/moves/"))
    assert "Toko Makmur, nota 17" in moves and busy.application.tracking_code in moves and "SECRET" not in moves
    xlsx = text_of(client.get("/distribution/stock/moves/?format=xlsx"))
    assert "-166667" in xlsx and "Given out" in xlsx and "SECRET" not in xlsx
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "Toko Makmur" not in text_of(client.get(f"/distribution/stock/moves/?start={tomorrow}"))
    assert "Toko Makmur" not in text_of(client.get("/distribution/stock/moves/?kind=out"))
    assert "Toko Makmur" in text_of(client.get("/distribution/stock/moves/?start=2020-01-01&kind=purchase"))


def test_receive_page_lists_waiting_gifts_and_receives_one(world, books, store):
    client = as_user(books.fiona)
    page = text_of(client.get("/distribution/stock/receive/"))
    assert "Beras premium" in page and "Rp1.500.000" in page
    response = client.post(
        "/distribution/stock/receive/",
        {"line": store.line.pk, "item": store.item.pk, "quantity": "100", "moved_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert StockMove.objects.get().donation_line == store.line
    again = client.post(
        "/distribution/stock/receive/",
        {"line": store.line.pk, "item": store.item.pk, "quantity": "100", "moved_on": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "already in the stock" in text_of(again) and StockMove.objects.count() == 1


def test_receive_page_shows_a_refusal_next_to_the_field(world, books, store):
    response = as_user(books.fiona).post(
        "/distribution/stock/receive/",
        {"line": store.line.pk, "item": store.item.pk, "quantity": "0", "moved_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200 and "Enter how many" in text_of(response)
    assert not StockMove.objects.exists()


def test_purchase_page_buys_and_refuses_bad_input_keeping_it(world, books, store):
    client = as_user(books.fiona)
    assert "Buy goods for Cabang Anggrek" in text_of(client.get("/distribution/stock/purchase/"))
    data = {
        "item": store.item.pk,
        "fund_kind": "zakat",
        "quantity": "2,5",
        "value": "1.000.000.000",
        "money_account": books.cash.pk,
        "moved_on": timezone.localdate().isoformat(),
        "note": "Toko Makmur",
    }
    refused = client.post("/distribution/stock/purchase/", data)
    assert refused.status_code == 200 and "cannot be bought" in text_of(refused) and "Toko Makmur" in text_of(refused)
    assert client.post("/distribution/stock/purchase/", {**data, "value": "45.000"}).status_code == 302
    move = StockMove.objects.get()
    assert (move.quantity, move.value) == (Decimal("2.50"), 45_000) and move.entry_id


def test_items_page_adds_and_changes_goods(world, books, store):
    client = as_user(books.fiona)
    assert client.post("/distribution/stock/items/", {"name": "Minyak goreng", "measure": "litre"}).status_code == 302
    assert StockItem.objects.get(name="Minyak goreng").is_active
    duplicate = client.post("/distribution/stock/items/", {"name": "minyak GORENG", "measure": "litre"})
    assert "already has goods of this name" in text_of(duplicate)
    assert client.get(f"/distribution/stock/items/?edit={store.item.pk}").status_code == 403  # not at the institution
    assert "Add goods" in text_of(client.get("/distribution/stock/items/?edit=987654321"))  # unknown: ignored
    assert (
        client.post("/distribution/stock/items/", {"item": 987654321, "name": "X", "measure": "kg"}).status_code == 404
    )
    admin = as_user(world.carol)
    page = text_of(admin.get(f"/distribution/stock/items/?edit={store.item.pk}"))
    assert "Change Beras premium" in page
    response = admin.post("/distribution/stock/items/", {"item": store.item.pk, "name": "Beras pulen", "measure": "kg"})
    assert response.status_code == 302
    store.item.refresh_from_db()
    assert store.item.name == "Beras pulen" and not store.item.is_active  # "active" left unticked closes it


def test_goods_page_shows_the_value_before_saving_then_gives(world, books, store):
    received(world, books, store)
    application = approved(world, books, store, 150_000)
    client = as_user(books.fiona)
    page = text_of(client.get(goods_url(application)))
    assert "Beras premium — 100 kg" in page and "Rp15.000" in page
    fragment = client.get(goods_url(application), {"item": store.item.pk, "quantity": "10"}, HTTP_HX_REQUEST="true")
    assert "Rp150.000" in text_of(fragment) and "<html" not in text_of(fragment)
    too_many = client.get(goods_url(application), {"item": store.item.pk, "quantity": "101"}, HTTP_HX_REQUEST="true")
    assert "holds 100 kg" in text_of(too_many)
    data = {"item": store.item.pk, "quantity": "10", "paid_on": timezone.localdate().isoformat(), "reference": ""}
    preview = client.post(goods_url(application), {**data, "preview": "1"})
    assert preview.status_code == 200 and "Rp150.000" in text_of(preview) and not Disbursement.objects.exists()
    response = client.post(goods_url(application), {**data, "give": "1"})
    assert response.status_code == 302 and response["Location"] == f"/distribution/applications/{application.pk}/"
    assert Disbursement.objects.get().stock_move.quantity == Decimal("-10.00")


def test_goods_page_keeps_the_input_on_a_refusal(world, books, store):
    received(world, books, store)
    application = approved(world, books, store, 100_000)
    data = {"item": store.item.pk, "quantity": "10", "paid_on": timezone.localdate().isoformat(), "give": "1"}
    response = as_user(books.fiona).post(goods_url(application), data)
    assert response.status_code == 200 and "only Rp100.000 of the approval is left" in text_of(response)
    assert not Disbursement.objects.exists()


def test_outsiders_get_404_or_403_on_every_page(world, books, store, busy):
    received_app = approved(world, books, store, 150_000)
    # No role anywhere: 403 on every page.
    for url in [*PAGES, *FINANCE_PAGES, goods_url(received_app)]:
        assert as_user(world.nina).get(url).status_code == 403
    # Another branch's finance and another institution's: the application is not found; the line neither.
    for user in (store.felix, store.evan, world.eve):
        client = as_user(user)
        assert client.get(goods_url(received_app)).status_code == 404
        give_data = {"item": store.item.pk, "quantity": "1", "give": "1"}
        assert client.post(goods_url(received_app), give_data).status_code == 404
        assert "Beras premium" not in text_of(client.get("/distribution/stock/"))
        assert "Toko Makmur" not in text_of(client.get("/distribution/stock/moves/"))
        catalogue = text_of(client.get("/distribution/stock/items/"))
        assert ("Beras premium" in catalogue) == (user == store.felix)  # the catalogue is the institution's
    gift = _gift(world.branch_a, books.fiona, store.donor, key="second")
    felix = as_user(store.felix)
    assert (
        felix.post(
            "/distribution/stock/receive/",
            {
                "line": gift.lines.get().pk,
                "item": store.item.pk,
                "quantity": "1",
                "moved_on": timezone.localdate().isoformat(),
            },
        ).status_code
        == 404
    )
    # Roles of branch A without finance: no receiving, buying or giving goods.
    for user in (world.frank, books.hank, world.audrey, world.alice):
        client = as_user(user)
        for url in FINANCE_PAGES:
            assert client.get(url).status_code == 403
        assert client.get(goods_url(received_app)).status_code == 403
        assert (
            client.post(goods_url(received_app), {"item": store.item.pk, "quantity": "1", "give": "1"}).status_code
            == 403
        )
    assert (
        as_user(world.audrey).post("/distribution/stock/items/", {"name": "Gula", "measure": "kg"}).status_code == 403
    )
    assert not Disbursement.objects.filter(application=received_app).exists()
    assert not StockItem.objects.filter(name="Gula").exists()


def void_url(donation) -> str:
    return f"/receipts/{donation.receipt.pk}/void/"


def test_moves_page_and_export_show_goods_taken_back_by_a_voided_receipt(world, books, store):
    received(world, books, store)
    donation_void(actor=books.fiona, donation=store.gift, reason="Salah input barang")
    client = as_user(books.fiona)
    page = text_of(client.get("/distribution/stock/moves/?kind=voided"))
    assert "Receipt voided" in page and "Salah input barang" in page and "-100 kg" in page
    assert store.gift.receipt.number in page and "Toko" not in page
    assert "Received as an in-kind donation" not in page.split('data-testid="moves"')[1]  # filtered out
    xlsx = text_of(client.get("/distribution/stock/moves/?format=xlsx"))
    assert "Receipt voided" in xlsx and "-1500000" in xlsx
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    page = text_of(client.get("/distribution/stock/moves/"))
    assert "Kuitansi dibatalkan" in page and "dikeluarkan kembali saat bukti setor dibatalkan" in page
    assert "Beras premium" not in text_of(client.get("/distribution/stock/"))  # nothing of it left on hand


def test_finance_voiding_on_the_receipt_page_sees_why_the_goods_keep_it(world, books, store):
    received(world, books, store)
    give(books, store, approved(world, books, store, 1_500_000), "97")
    client = as_user(books.fiona)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    response = client.post(void_url(store.gift), {"reason": "salah input"})
    assert response.status_code == 400
    assert "hanya 3 kg dari 100 kg yang masih ada" in text_of(response)
    store.gift.refresh_from_db()
    assert store.gift.status == "recorded" and not StockMove.objects.filter(kind="voided").exists()


def test_outsiders_cannot_void_an_in_kind_receipt_whose_goods_are_in_stock(world, books, store):
    received(world, books, store)
    anonymous = Client()
    assert anonymous.post(void_url(store.gift), {"reason": "x"}).status_code == 302  # to the login page
    assert anonymous.post(f"/api/v1/receipts/{store.gift.receipt.pk}/void", {"reason": "x"}).status_code == 401
    for user, status in ((store.felix, 404), (store.evan, 404), (world.eve, 404), (world.frank, 403)):
        assert as_user(user).post(void_url(store.gift), {"reason": "salah input"}).status_code == status
    for user, status in ((store.felix, 404), (store.evan, 404), (world.frank, 403), (world.audrey, 403)):
        api = Api(user)
        response = api.client.post(
            f"/api/v1/receipts/{store.gift.receipt.pk}/void",
            json.dumps({"reason": "salah input"}),
            content_type="application/json",
            **api.headers,
        )
        assert response.status_code == status, (user, response.content)
    store.gift.refresh_from_db()
    assert store.gift.status == "recorded" and StockMove.objects.count() == 1
    assert on_hand(world.branch_a, store.item) == stock_selectors.OnHand(Decimal("100.00"), 1_500_000)


def test_moves_and_stock_pages_and_api_lists_do_not_query_per_row(world, books, store):
    received(world, books, store)

    def counts():
        client, api = as_user(books.fiona), Api(books.fiona)
        numbers = []
        for call in (
            lambda: client.get("/distribution/stock/moves/"),
            lambda: client.get("/distribution/stock/"),
            lambda: api.get("/stock/moves"),
            lambda: api.get("/stock"),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert call().status_code == 200
            numbers.append(len(queries))
        return numbers

    bought(world, books, store)
    few = counts()
    oil = stock_services.stock_item_save(actor=books.fiona, unit=world.branch_a, name="Minyak goreng", measure="litre")
    for _n in range(4):
        bought(world, books, store, quantity="2", value=20_000, item=oil)
    assert counts() == few


def test_branch_b_sees_its_own_goods_only(world, books, store, busy):
    page = text_of(as_user(store.felix).get("/distribution/stock/"))
    assert "Gula Bakung" in page and "Cabang Anggrek" not in page
    moves = text_of(as_user(store.felix).get("/distribution/stock/moves/"))
    assert "SECRET nota Bakung" in moves and "Toko Makmur" not in moves


# --- API --------------------------------------------------------------------------------------------------

URL = "/api/v1/distribution"


class Api:
    def __init__(self, user):
        self.client = Client()
        self.headers = {
            "HTTP_ACCEPT_LANGUAGE": "en",
            "HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=user, name="test")[1],
        }

    def get(self, path, **query):
        return self.client.get(URL + path, query, **self.headers)

    def post(self, path, data):
        return self.client.post(URL + path, json.dumps(data), content_type="application/json", **self.headers)

    def patch(self, path, data):
        return self.client.patch(URL + path, json.dumps(data), content_type="application/json", **self.headers)


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def error_of(response, status):
    assert response.status_code == status, response.content
    payload = response.json()
    assert set(payload) == {"error"} and set(payload["error"]) == {"code", "message", "fields"}
    return payload["error"]


def test_api_receives_buys_gives_and_lists(world, books, store):
    api = Api(books.fiona)
    move = ok(api.post("/stock/receive", {"donation_line_id": store.line.pk, "item_id": store.item.pk}), 201)
    assert (move["kind"], move["quantity"], move["value"], move["unit_id"]) == (
        "donation",
        "100.00",
        1_500_000,
        world.branch_a.pk,
    )
    bought_ = ok(
        api.post(
            "/stock/purchase",
            {
                "unit_id": world.branch_a.pk,
                "item_id": store.item.pk,
                "fund_kind": "zakat",
                "quantity": "50",
                "value": 1_000_000,
                "money_account_id": books.cash.pk,
                "note": "Toko Makmur",
            },
        ),
        201,
    )
    assert bought_["entry_id"] and bought_["kind"] == "purchase"
    application = approved(world, books, store, 166_667)
    paid = ok(api.post(f"/applications/{application.pk}/goods", {"item_id": store.item.pk, "quantity": 10}), 201)
    assert paid["amount"] == 166_667 and paid["application_status"] == "disbursed"
    assert paid["stock_move"]["quantity"] == "-10.00"
    rows = ok(api.get("/stock"))["items"]
    assert [(r["item_name"], r["quantity"], r["value"], r["average"]) for r in rows] == [
        ("Beras premium", "140.00", 2_333_333, 16_667)
    ]
    assert [m["kind"] for m in ok(api.get("/stock/moves"))["items"]] == ["out", "purchase", "donation"]
    assert ok(api.get("/stock/moves", kind="purchase"))["count"] == 1
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert ok(api.get("/stock/moves", start=tomorrow))["count"] == 0
    assert [i["name"] for i in ok(api.get("/stock/items"))["items"]] == ["Beras premium"]
    created = ok(api.post("/stock/items", {"name": "Minyak goreng", "measure": "litre"}), 201)
    assert created["is_active"] is True
    assert error_of(api.patch(f"/stock/items/{created['id']}", {"name": "Minyak"}), 403)["code"] == "forbidden"
    renamed = ok(Api(world.carol).patch(f"/stock/items/{created['id']}", {"name": "Minyak sawit", "is_active": False}))
    assert (renamed["name"], renamed["is_active"]) == ("Minyak sawit", False)


def test_api_bad_input_names_the_field(world, books, store):
    api = Api(books.fiona)
    base = {
        "unit_id": world.branch_a.pk,
        "item_id": store.item.pk,
        "fund_kind": "zakat",
        "quantity": "5",
        "value": 100_000,
        "money_account_id": books.cash.pk,
    }
    cases = [
        ({"quantity": "0"}, 400, "quantity"),
        ({"quantity": "abc"}, 422, "quantity"),
        ({"value": 0}, 400, "value"),
        ({"value": "lots"}, 422, "value"),
        ({"fund_kind": "amil"}, 400, "fund_kind"),
        ({"item_id": 987654321}, 400, "item_id"),
        ({"money_account_id": 987654321}, 400, "money_account_id"),
        ({"moved_on": "2100-01-01"}, 400, "moved_on"),
    ]
    for changes, status, field in cases:
        assert field in error_of(api.post("/stock/purchase", {**base, **changes}), status)["fields"], changes
    ok(api.post("/stock/receive", {"donation_line_id": store.line.pk, "item_id": store.item.pk}), 201)
    again = error_of(api.post("/stock/receive", {"donation_line_id": store.line.pk, "item_id": store.item.pk}), 400)
    assert "donation_line_id" in again["fields"]
    application = approved(world, books, store, 150_000)
    too_many = error_of(
        api.post(f"/applications/{application.pk}/goods", {"item_id": store.item.pk, "quantity": "500"}), 400
    )
    assert "quantity" in too_many["fields"] and "holds 100 kg" in too_many["message"]
    assert "name" in error_of(api.post("/stock/items", {"name": "beras PREMIUM", "measure": "kg"}), 400)["fields"]
    assert not Disbursement.objects.exists() and StockMove.objects.count() == 1


def test_api_lists_goods_taken_back_by_a_voided_receipt_and_its_schema_names_the_kind(world, books, store, client):
    received(world, books, store)
    donation_void(actor=books.fiona, donation=store.gift, reason="salah input")
    [voided] = ok(Api(books.fiona).get("/stock/moves", kind="voided"))["items"]
    assert (voided["kind"], voided["quantity"], voided["value"]) == ("voided", "-100.00", -1_500_000)
    store.gift.refresh_from_db()
    assert voided["donation_line_id"] == store.line.pk and voided["entry_id"] == store.gift.void_entry_id
    schema = client.get("/api/v1/openapi.json").json()
    kinds = [c["enum"] for c in schema["components"]["schemas"].values() if "purchase" in c.get("enum", [])]
    assert kinds and all("voided" in enum for enum in kinds)


def test_api_outsiders_get_nothing(world, books, store, busy):
    application = approved(world, books, store, 150_000)
    gift = _gift(world.branch_a, books.fiona, store.donor, key="api-outsider")
    for user, status in ((store.felix, 404), (store.evan, 404), (world.eve, 404)):
        api = Api(user)
        assert "Beras premium" not in api.get("/stock").content.decode()
        assert "Toko Makmur" not in api.get("/stock/moves").content.decode()
        error_of(api.post(f"/applications/{application.pk}/goods", {"item_id": store.item.pk, "quantity": 1}), status)
        error_of(api.post("/stock/receive", {"donation_line_id": gift.lines.get().pk, "item_id": store.item.pk}), 404)
        error_of(
            api.post(
                "/stock/receive",
                {"unit_id": world.branch_a.pk, "donation_line_id": gift.lines.get().pk, "item_id": store.item.pk},
            ),
            404,
        )
        error_of(
            api.post(
                "/stock/purchase",
                {
                    "unit_id": world.branch_a.pk,
                    "item_id": store.item.pk,
                    "fund_kind": "zakat",
                    "quantity": 1,
                    "value": 1,
                    "money_account_id": books.cash.pk,
                },
            ),
            404,
        )
        error_of(api.get("/stock", unit_id=world.branch_a.pk), 404)
        error_of(api.get("/stock/moves", unit_id=world.branch_a.pk), 404)
    stock_services.stock_item_save(actor=store.evan, unit=world.beta_branch, name="SECRET Xenon Beras", measure="kg")
    assert "Xenon" not in Api(books.fiona).get("/stock/items").content.decode()
    error_of(Api(store.evan).patch(f"/stock/items/{store.item.pk}", {"name": "X"}), 404)
    error_of(Api(world.bob).patch(f"/stock/items/{store.item.pk}", {"name": "X"}), 403)
    auditor = Api(world.audrey)
    error_of(auditor.post("/stock/items", {"unit_id": world.branch_a.pk, "name": "Gula", "measure": "kg"}), 403)
    error_of(auditor.post(f"/applications/{application.pk}/goods", {"item_id": store.item.pk, "quantity": 1}), 403)
    error_of(auditor.post("/stock/receive", {"donation_line_id": gift.lines.get().pk, "item_id": store.item.pk}), 404)
    assert not Disbursement.objects.filter(application=application).exists()
    assert not StockMove.objects.filter(donation_line__donation=gift).exists()
    store.item.refresh_from_db()
    assert store.item.name == "Beras premium"


# --- in real Chromium -----------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_finance_voids_an_in_kind_receipt_and_the_moves_page_shows_the_goods_taken_back(
    browser, live_server, world, books, store
):
    from playwright.sync_api import expect

    from tests.browser_support import ARTIFACTS

    received(world, books, store)  # 100 kg for Rp1.500.000
    bought(world, books, store)  # 50 kg for Rp1.000.000
    give(books, store, approved(world, books, store, 166_667), "10")  # 140 kg left: the gift is all on hand
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", "fiona")
    page.fill("#id_password", world.password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"/receipts/{store.gift.receipt.pk}/")
    page.fill("#id_reason", "Barang dicatat di cabang yang salah")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("void").click()
    expect(page.get_by_test_id("void-note")).to_contain_text("Barang dicatat di cabang yang salah")
    page.goto("/distribution/stock/moves/")
    row = page.get_by_test_id("moves").locator("tbody tr").first
    expect(row).to_contain_text("Receipt voided")
    expect(row).to_contain_text("-100 kg")
    expect(row).to_contain_text(store.gift.receipt.number)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "stock-moves-receipt-voided.png"), full_page=True)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "id", "url": live_server.url}])
    page.reload()
    expect(page.get_by_test_id("moves").locator("tbody tr").first).to_contain_text("Kuitansi dibatalkan")
    page.screenshot(path=str(ARTIFACTS / "stock-moves-receipt-voided-id.png"), full_page=True)
    context.close()
    assert on_hand(world.branch_a, store.item) == stock_selectors.OnHand(Decimal("40.00"), 833_333)
    books_whole(world)
