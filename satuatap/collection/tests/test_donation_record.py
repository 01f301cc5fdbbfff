"""Recording donations: lines by fund, one balanced entry, a gapless receipt, idempotency, bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from satuatap.collection.errors import DonationConflict, DonationRefused, VoidRefused
from satuatap.collection.models import Donation, Receipt
from satuatap.collection.services import DonationLineSpec, accepted_kinds_set, donation_void, preparation
from satuatap.collection.tests.conftest import give
from satuatap.core.errors import NotAllowed
from satuatap.ledger.models import FundPosition, JournalLine


def test_two_line_donation_posts_per_fund_and_numbers_the_receipt(world, desk):
    donation = give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 1_250_000), ("infak", 50_000))
    assert donation.total == 1_300_000
    assert donation.receipt.number == "BRA-2026-000001"
    lines = JournalLine.objects.filter(entry=donation.entry)
    per_fund = {}
    for line in lines:
        d, c = per_fund.get(line.fund.kind, (0, 0))
        per_fund[line.fund.kind] = (d + line.debit, c + line.credit)
    assert per_fund == {"zakat": (1_250_000, 1_250_000), "infak": (50_000, 50_000)}
    second = give(world.branch_a, desk.donor, world.frank, ("infak", 10_000))
    assert second.receipt.number == "BRA-2026-000002"


def test_replayed_request_records_one_donation_and_other_content_conflicts(world, desk):
    first = give(world.branch_a, desk.donor, world.frank, ("infak", 10_000), key="same")
    again = give(world.branch_a, desk.donor, world.frank, ("infak", 10_000), key="same")
    assert again.pk == first.pk and again.replayed
    assert Donation.objects.count() == 1 and Receipt.objects.count() == 1
    with pytest.raises(DonationConflict):
        give(world.branch_a, desk.donor, world.frank, ("infak", 20_000), key="same")


def test_zakat_fitrah_is_persons_times_the_units_rate(world, desk):
    donation = give(world.branch_a_sub, desk.donor, world.frank, DonationLineSpec("zakat_fitrah", persons=4))
    assert donation.total == 180_000


def test_zakat_fitrah_without_a_rate_is_refused(world, desk):
    with pytest.raises(DonationRefused, match="rate"):
        give(
            world.branch_a,
            desk.donor,
            world.frank,
            DonationLineSpec("zakat_fitrah", persons=1),
            day=desk.day - timedelta(days=365),
        )


@pytest.mark.parametrize("amount", [0, -5, 10.5, None, True])
def test_zero_negative_or_fractional_amounts_are_refused(world, desk, amount):
    with pytest.raises(DonationRefused):
        give(world.branch_a, desk.donor, world.frank, ("infak", amount))
    assert not Donation.objects.exists() and not JournalLine.objects.exists()


def test_future_date_is_refused(world, desk):
    with pytest.raises(DonationRefused, match="future"):
        give(world.branch_a, desk.donor, world.frank, day=timezone.localdate() + timedelta(days=2))


def test_a_kind_the_unit_does_not_accept_is_refused(world, desk):
    accepted_kinds_set(actor=desk.fiona, unit=world.branch_a, kinds=["zakat_maal", "infak"])
    with pytest.raises(DonationRefused, match="does not accept"):
        give(world.branch_a, desk.donor, world.frank, ("qurban", 2_500_000))


def test_bank_transfer_needs_a_bank_account_of_the_unit(world, desk):
    with pytest.raises(DonationRefused):
        give(world.branch_a, desk.donor, world.frank, channel="bank_transfer")
    donation = give(world.branch_a, desk.donor, world.frank, channel="bank_transfer", bank_account=desk.bank)
    assert donation.bank_account == desk.bank


def test_in_kind_gift_is_posted_at_its_value_to_goods_held(world, desk):
    donation = give(
        world.branch_a,
        desk.donor,
        world.frank,
        DonationLineSpec("infak", 750_000, goods_description="Beras 50 kg", goods_quantity="50", goods_unit="kg"),
        channel="in_kind",
    )
    debit = JournalLine.objects.get(entry=donation.entry, debit__gt=0)
    assert debit.account.role == "inventory" and debit.debit == 750_000


def test_outsider_and_other_institution_cannot_record(world, desk):
    with pytest.raises(NotAllowed):
        give(world.branch_b, desk.donor, world.frank)
    with pytest.raises(DonationRefused):
        give(world.branch_a, desk.secret_donor, world.frank)


def test_void_reverses_the_entry_keeps_the_number_and_cannot_repeat(world, desk):
    donation = give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 500_000))
    with pytest.raises(NotAllowed):
        donation_void(actor=world.frank, donation=donation, reason="salah input")
    with pytest.raises(VoidRefused):
        donation_void(actor=desk.fiona, donation=donation, reason=" ")
    donation_void(actor=desk.fiona, donation=donation, reason="salah input")
    donation.refresh_from_db()
    assert donation.is_void and donation.receipt.number == "BRA-2026-000001"
    assert FundPosition.objects.get(unit=world.branch_a, fund__kind="zakat").available == 0
    with pytest.raises(VoidRefused, match="already void"):
        donation_void(actor=desk.fiona, donation=donation, reason="lagi")


def _first_request_commits_meanwhile(monkeypatch, record):
    """Simulate the race: another request with the same key commits while this one checks its lines,
    after this one found no donation under the key, so only the ledger sees the clash."""
    check_lines = preparation.lines_clean
    done = []

    def meanwhile(*args, **kwargs):
        monkeypatch.setattr(preparation, "lines_clean", check_lines)  # once: the other request checks as usual
        done.append(record())
        return check_lines(*args, **kwargs)

    monkeypatch.setattr(preparation, "lines_clean", meanwhile)
    return done


def test_a_concurrent_request_with_the_key_and_another_body_is_a_donation_conflict(world, desk, monkeypatch):
    first = _first_request_commits_meanwhile(
        monkeypatch, lambda: give(world.branch_a, desk.donor, world.frank, ("infak", 10_000), key="race")
    )
    with pytest.raises(DonationConflict) as refused:
        give(world.branch_a, desk.donor, world.frank, ("infak", 20_000), key="race")
    assert first[0].receipt.number in refused.value.messages[0]
    assert Donation.objects.count() == 1


def test_a_concurrent_request_with_the_key_and_the_body_in_another_language_is_a_replay(world, desk, monkeypatch):
    def in_english():
        with translation.override("en"):
            return give(world.branch_a, desk.donor, world.frank, ("infak", 10_000), key="race")

    first = _first_request_commits_meanwhile(monkeypatch, in_english)
    with translation.override("id"):
        again = give(world.branch_a, desk.donor, world.frank, ("infak", 10_000), key="race")
    assert again.replayed and again.pk == first[0].pk
    assert Donation.objects.count() == 1


def test_the_ledger_memo_is_in_the_sites_language_whatever_the_request_is_in(world, desk):
    """The memo is part of the ledger entry's fingerprint: a retry in another language must match."""
    with translation.override("en"):
        donation = give(world.branch_a, desk.donor, world.frank, ("infak", 10_000))
    assert donation.entry.memo == f"Donasi dari {desk.donor.full_name}"


def test_a_campaign_id_beyond_the_databases_integers_is_no_such_campaign(world, desk):
    with pytest.raises(DonationRefused) as refused:
        give(world.branch_a, desk.donor, world.frank, DonationLineSpec("infak", 1_000, campaign=2**63))
    assert refused.value.messages == ["Line 1: there is no such campaign in this institution."]
