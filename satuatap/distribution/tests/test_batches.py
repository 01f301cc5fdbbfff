import pytest

from satuatap.beneficiaries import services as registry_services
from satuatap.beneficiaries.models import AidRecord
from satuatap.beneficiaries.tests.conftest import person
from satuatap.core.errors import NotAllowed
from satuatap.distribution import batches
from satuatap.distribution.errors import DistributionRefused, FairShareWarning
from satuatap.distribution.models import AppStatus, Batch
from satuatap.ledger.models import JournalLine

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


@pytest.fixture
def recipients(world, books):
    """Siti and four more verified people (two fakir, two miskin) of branch A."""
    paula, hana = books.registry.paula, books.registry.hana
    people = [books.siti]
    for n, asnaf in enumerate(["fakir", "fakir", "miskin", "miskin"]):
        p = person(paula, world.branch_a, f"Penerima {n}", asnaf=asnaf, asnaf_reason="survei")
        registry_services.status_change(actor=paula, beneficiary=p, to_status="assessed", reason="x")
        registry_services.status_change(actor=hana, beneficiary=p, to_status="verified", reason="x")
        people.append(p)
    return people


def _prepare(world, books, recipients, amount=300_000):
    rows = [(p, amount, "Paket sembako Ramadan") for p in recipients]
    return batches.batch_prepare(
        actor=books.registry.paula, unit=world.branch_a, program=books.program, name="Ramadan", rows=rows
    )


def test_a_batch_is_prepared_approved_once_and_paid_in_one_entry(world, books, recipients):
    batch = _prepare(world, books, recipients)
    assert batch.count == 5 and batch.total == 1_500_000
    assert set(batch.applications.values_list("status", flat=True)) == {AppStatus.RECOMMENDED}
    with pytest.raises(NotAllowed, match="another person"):
        batches.batch_decide(actor=books.registry.paula, batch=batch, approve=True)
    batch = batches.batch_decide(actor=books.hank, batch=batch, approve=True)
    batch = batches.batch_pay(actor=books.fiona, batch=batch, money_account=books.cash)
    assert batch.status == Batch.BatchStatus.PAID
    lines = JournalLine.objects.filter(entry=batch.entry)
    debits = {line.account.code: line.debit for line in lines if line.debit}
    assert debits == {"5101": 900_000, "5102": 600_000}  # fakir x3, miskin x2
    assert sum(line.credit for line in lines) == 1_500_000
    assert AidRecord.objects.filter(beneficiary__in=recipients).count() == 5
    assert set(batch.applications.values_list("status", flat=True)) == {AppStatus.DISBURSED}
    assert all(a.steps.count() == 3 for a in batch.applications.all())


def test_a_batch_is_refused_whole_with_every_rows_reason(world, books, recipients):
    recipients[1].asnaf = "gharimin"
    recipients[1].save(update_fields=["asnaf"])
    batch = _prepare(world, books, recipients)
    with pytest.raises(DistributionRefused, match="Row 2"):
        batches.batch_decide(actor=books.hank, batch=batch, approve=True)
    with pytest.raises(DistributionRefused, match="already in the batch"):
        batches.batch_prepare(
            actor=books.registry.paula, unit=world.branch_a, program=books.program, name="Dup",
            rows=[(recipients[0], 1000, "x"), (recipients[0], 1000, "x")],
        )  # fmt: skip


def test_a_batch_above_the_limit_or_the_fund_goes_no_further(world, books, recipients):
    big = _prepare(world, books, recipients, amount=2_000_000)  # Rp10.000.000 in all
    with pytest.raises(NotAllowed, match="authority limit"):
        batches.batch_decide(actor=books.hank, batch=big, approve=True)
    huge = batches.batch_prepare(
        actor=books.registry.paula, unit=world.branch_a, program=books.program, name="Besar",
        rows=[(p, 9_000_000, "x") for p in recipients],
    )  # fmt: skip
    with pytest.raises(DistributionRefused, match="available"):
        batches.batch_decide(actor=books.rita, batch=huge, approve=True)


def test_fair_share_in_a_batch_needs_one_reason(world, books, recipients):
    paid = batches.batch_decide(actor=books.hank, batch=_prepare(world, books, recipients[:1]), approve=True)
    batches.batch_pay(actor=books.fiona, batch=paid, money_account=books.cash)
    again = _prepare(world, books, recipients)
    with pytest.raises(FairShareWarning, match="Row 1"):
        batches.batch_decide(actor=books.hank, batch=again, approve=True)
    approved = batches.batch_decide(actor=books.hank, batch=again, approve=True, override_reason="bencana banjir")
    assert approved.override_reason == "bencana banjir"
