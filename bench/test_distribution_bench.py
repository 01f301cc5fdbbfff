"""Distribution benchmark: a batch disbursement of 1,000 recipients (issue target: under 10 s).

One round is what the program officer, the approver and finance do for a batch, each committed:
``batches.services.batch_prepare`` (1,000 applications with their steps and history), ``batch_decide``
(every recipient's eligibility and fair-share check, the authority limit, the fund's balance)
and ``batch_pay`` (one journal entry with a debit line per asnaf and the credit, 1,000
disbursements and aid-history rows, the steps). Recipients are people of the generated registry
(``bench.registry_load``), marked verified fakir/miskin for the benchmark; the paying unit is the
unit with the most zakat available.
"""

import uuid
from datetime import date

import pytest

from bench.test_ledger_bench import _info

TARGET = 10.0
DASHBOARD_TARGET = 1.0
RECIPIENTS = 1_000
AMOUNT = 250_000


@pytest.fixture(scope="session")
def desk(world):
    from django.db import transaction

    from satuatap.accounts.models import User
    from satuatap.beneficiaries.models import Beneficiary
    from satuatap.distribution import services
    from satuatap.ledger.models import FundPosition
    from satuatap.organizations.models import Membership, Role, Unit

    people = list(
        Beneficiary.objects.filter(institution=world.root, kind="person", merged_into__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[: RECIPIENTS * 3]
    )
    if len(people) < RECIPIENTS * 3:
        pytest.skip("too few beneficiaries: run `python -m bench.registry_load` (or `make bench`) first")
    staff = {}
    for name, role in (("bench-program", Role.PROGRAM), ("bench-head", Role.HEAD), ("bench-finance", Role.FINANCE)):
        user, _created = User.objects.get_or_create(username=name, defaults={"full_name": name})
        Membership.objects.get_or_create(user=user, unit=world.root, role=role, defaults={"is_active": True})
        staff[name] = User.objects.get(pk=user.pk)
    richest = (
        FundPosition.objects.filter(institution=world.root, fund__kind="zakat", restriction="")
        .order_by("-available")
        .first()
    )
    unit = Unit.objects.get(pk=richest.unit_id)
    with transaction.atomic():
        Beneficiary.objects.filter(pk__in=people).update(status="verified", asnaf="fakir", asnaf_reason="bench")
        services.authority_limit_set(actor=staff["bench-head"], unit=world.root, role=Role.HEAD, max_amount=10**12)
        program = services.program_save(
            actor=staff["bench-head"],
            unit=unit,
            code=f"bench-{uuid.uuid4().hex[:8]}",
            name="Bench: santunan massal",
            pillar="humanitarian",
            fund_kind="zakat",
            asnaf=["fakir", "miskin"],
            budget=10**12,
            start_date=date(2000, 1, 1),
            end_date=date(2100, 12, 31),
        )
    from satuatap.ledger.services import cash_account

    return {
        "unit": unit,
        "program": program,
        "people": people,
        "cash": cash_account(unit),
        **staff,
        "available": richest.available,
        # 250,000 each; less on a small database (BENCH_SCALE), whose richest unit holds less.
        "amount": max(1_000, min(AMOUNT, richest.available // (3 * RECIPIENTS) // 1_000 * 1_000)),
    }


def test_h_batch_disbursement_of_1000(benchmark, world, desk):
    from satuatap.beneficiaries.models import Beneficiary
    from satuatap.distribution.batches import services as batch_services

    _info(benchmark, world, f"batch disbursement of {RECIPIENTS:,} recipients (prepare, approve, pay)", TARGET)
    benchmark.extra_info.update(paying_unit=desk["unit"].code, zakat_available=desk["available"])
    rounds = iter(range(3))

    def setup():
        n = next(rounds)
        ids = desk["people"][n * RECIPIENTS : (n + 1) * RECIPIENTS]
        people = list(Beneficiary.objects.filter(pk__in=ids).order_by("pk"))
        return (people,), {}

    def run(people):
        batch = batch_services.batch_prepare(
            actor=desk["bench-program"],
            unit=desk["unit"],
            program=desk["program"],
            name=f"Bench {uuid.uuid4().hex[:6]}",
            rows=[(p, desk["amount"], "Paket bantuan") for p in people],
        )
        batch = batch_services.batch_decide(actor=desk["bench-head"], batch=batch, approve=True)
        return batch_services.batch_pay(actor=desk["bench-finance"], batch=batch, money_account=desk["cash"])

    batch = benchmark.pedantic(run, setup=setup, rounds=3)
    assert batch.status == "paid" and batch.count == RECIPIENTS and batch.total == RECIPIENTS * desk["amount"]


@pytest.fixture(scope="session")
def payments(world):
    from satuatap.distribution.models import Disbursement

    count = Disbursement.objects.filter(unit__institution_id=world.root.pk).count()
    if count < 1_000:  # make bench generates 500,000 (5,000 at BENCH_SCALE=0.01)
        pytest.skip(f"{count:,} benchmark disbursements: run `python -m bench.distribution_generate` first")
    return count


@pytest.mark.parametrize("scope", ["institution", "region"])
def test_i_distribution_report(benchmark, world, payments, scope):
    from satuatap.distribution.selectors import distribution_report

    unit = world.root if scope == "institution" else world.region
    _info(
        benchmark,
        world,
        f"distribution report, {'whole institution' if scope == 'institution' else 'one region'} "
        f"({payments:,} disbursements)",
        DASHBOARD_TARGET,
    )
    report = benchmark.pedantic(distribution_report, args=(unit, world.year), rounds=10, warmup_rounds=1)
    assert report.payments > 0 and report.people > 0 and any(row.distributed for row in report.funds)
