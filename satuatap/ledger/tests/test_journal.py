from datetime import date

import pytest

from satuatap.core.errors import NotAllowed
from satuatap.ledger import services
from satuatap.ledger.errors import (
    ApprovalRefused,
    EntryAlreadyReversed,
    EntryImmutable,
    EntryUnbalanced,
    PeriodClosed,
    ReversalRefused,
)
from satuatap.ledger.models import EntryStatus, FundPosition, JournalEntry, JournalLine, Source
from satuatap.ledger.services import LineSpec

from .conftest import DAY, cash_code, disburse, donate


def test_reversal_mirrors_the_entry_once(ledger):
    w = ledger.world
    entry = donate(w.branch_a, 2_000)
    reversal = services.entry_reverse(
        actor=ledger.fiona, entry=entry, reason="bounced transfer", entry_date=DAY, by_owner=True
    )
    assert reversal.source == Source.REVERSAL and reversal.reverses == entry and reversal.flow_source == "donation"
    mirrored = sorted((li.account_id, li.debit, li.credit) for li in reversal.lines.all())
    original = sorted((li.account_id, li.credit, li.debit) for li in entry.lines.all())
    assert mirrored == original
    assert FundPosition.objects.get(unit=w.branch_a, fund__kind="zakat").available == 0
    count = JournalEntry.objects.count()
    with pytest.raises(EntryAlreadyReversed) as exc:
        services.entry_reverse(actor=ledger.fiona, entry=entry, reason="again", by_owner=True)
    assert f"#{reversal.pk}" in str(exc.value)
    with pytest.raises(ReversalRefused):
        services.entry_reverse(actor=ledger.fiona, entry=reversal, reason="undo the undo", by_owner=True)
    assert JournalEntry.objects.count() == count


def test_reversal_needs_a_reason_and_a_date_not_before_the_entry(ledger):
    entry = donate(ledger.world.branch_a, 2_000)
    with pytest.raises(ReversalRefused) as exc:
        services.entry_reverse(actor=ledger.fiona, entry=entry, reason="  ", by_owner=True)
    assert "reason" in exc.value.message_dict
    with pytest.raises(ReversalRefused):
        services.entry_reverse(actor=ledger.fiona, entry=entry, reason="x", entry_date=date(2025, 3, 1), by_owner=True)


def test_reversal_of_an_entry_in_a_closed_month_is_dated_in_an_open_one(ledger):
    w = ledger.world
    entry = donate(w.branch_a, 2_000)
    services.period_close(actor=ledger.fatma, institution=w.alpha, year=2025, month=3)
    with pytest.raises(PeriodClosed):
        services.entry_reverse(actor=ledger.fiona, entry=entry, reason="x", entry_date=DAY, by_owner=True)
    reversal = services.entry_reverse(
        actor=ledger.fiona, entry=entry, reason="x", entry_date=date(2025, 4, 2), by_owner=True
    )
    assert reversal.entry_date == date(2025, 4, 2)


def test_outsiders_and_auditors_cannot_reverse(ledger):
    w = ledger.world
    entry = donate(w.branch_a, 2_000)
    for actor in (w.audrey, ledger.felix, w.bob):
        with pytest.raises(NotAllowed):
            services.entry_reverse(actor=actor, entry=entry, reason="x", by_owner=True)


def _draft(ledger, amount=5_000, actor=None):
    w = ledger.world
    return services.manual_entry_draft(
        actor=actor or ledger.fiona,
        unit=w.branch_a,
        entry_date=DAY,
        memo="Reclassify cash to goods for distribution",
        lines=[LineSpec("1300", "zakat", debit=amount), LineSpec(cash_code(w.branch_a), "zakat", credit=amount)],
    )


def test_manual_entry_is_posted_only_when_the_head_approves(ledger):
    w = ledger.world
    donate(w.branch_a, 10_000)
    draft = _draft(ledger)
    assert draft.status == EntryStatus.DRAFT and not JournalLine.objects.filter(entry=draft).exists()
    draft = services.manual_entry_update(actor=ledger.fiona, entry=draft, memo="Buy rice for distribution")
    posted = services.manual_entry_approve(actor=ledger.hank, entry=draft)
    assert posted.pk == draft.pk and posted.status == EntryStatus.POSTED and posted.approved_by == ledger.hank
    assert JournalLine.objects.filter(entry=posted).count() == 2
    # goods for distribution count as available, so the fund is unchanged
    assert FundPosition.objects.get(unit=w.branch_a, fund__kind="zakat").available == 10_000
    with pytest.raises(EntryImmutable):
        services.manual_entry_update(actor=ledger.fiona, entry=posted, memo="changed")
    with pytest.raises(EntryImmutable):
        services.manual_entry_approve(actor=ledger.hana, entry=posted)


def test_maker_cannot_approve_own_draft_even_as_head(ledger):
    w = ledger.world
    from satuatap.organizations.models import Role
    from tests.factories import grant

    grant(ledger.fiona, w.branch_a, Role.HEAD)  # finance who is also head
    draft = _draft(ledger)
    with pytest.raises(ApprovalRefused):
        services.manual_entry_approve(actor=ledger.fiona, entry=draft)
    # nor whoever last changed it
    grant(ledger.hank, w.branch_a, Role.FINANCE)
    services.manual_entry_update(actor=ledger.hank, entry=draft, memo="Changed by hank")
    with pytest.raises(ApprovalRefused):
        services.manual_entry_approve(actor=ledger.hank, entry=draft)
    assert JournalEntry.objects.get(pk=draft.pk).status == EntryStatus.DRAFT


def test_only_finance_drafts_and_only_a_head_approves(ledger):
    w = ledger.world
    with pytest.raises(NotAllowed):
        _draft(ledger, actor=w.audrey)
    with pytest.raises(NotAllowed):
        _draft(ledger, actor=ledger.hank)
    draft = _draft(ledger)
    with pytest.raises(NotAllowed):
        services.manual_entry_approve(actor=ledger.fatma, entry=draft)  # finance, not head
    with pytest.raises(NotAllowed):
        services.manual_entry_approve(actor=w.audrey, entry=draft)


def test_unbalanced_draft_is_refused_up_front(ledger):
    w = ledger.world
    with pytest.raises(EntryUnbalanced):
        services.manual_entry_draft(
            actor=ledger.fiona,
            unit=w.branch_a,
            entry_date=DAY,
            memo="x",
            lines=[LineSpec("1300", "zakat", debit=5), LineSpec(cash_code(w.branch_a), "zakat", credit=4)],
        )
    assert not JournalEntry.objects.exists()


def test_discarded_draft_cannot_be_approved(ledger):
    draft = _draft(ledger)
    services.manual_entry_discard(actor=ledger.hank, entry=draft)
    with pytest.raises(ApprovalRefused):
        services.manual_entry_approve(actor=ledger.hank, entry=draft)


def test_owner_reversal_of_disbursement_restores_the_fund(ledger):
    w = ledger.world
    donate(w.branch_a, 1_000)
    pay = disburse(w.branch_a, 1_000)
    services.entry_reverse(actor=ledger.fiona, entry=pay, reason="paid twice", by_owner=True)
    assert FundPosition.objects.get(unit=w.branch_a, fund__kind="zakat").available == 1_000
