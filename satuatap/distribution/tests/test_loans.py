"""Interest-free loans (qardhul hasan): the schedule opened by a loan program's payment, repayments
posted back to the fund, the pages and the API, and who may not see or do what.

Personas from ``world``, ``registry`` and ``books``: fiona = finance of branch A (pays and receives),
hank = head of branch A (approves), paula = program officer, frank = front office, audrey = auditor
of branch A, bob = admin of branch B, eve = admin of BETA. The infak fund of branch A holds
Rp3.000.000.
"""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.beneficiaries.models import AidRecord
from satuatap.distribution import services
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.loans import selectors as loan_selectors
from satuatap.distribution.loans import services as loan_services
from satuatap.distribution.models import AppStatus, Loan, LoanInstallment, LoanRepayment, Program
from satuatap.distribution.tests.conftest import apply_and_recommend, fund
from satuatap.distribution.tests.test_api import Api, error_of, ok
from satuatap.ledger import services as ledger
from satuatap.ledger.chart import cash_key
from satuatap.ledger.models import Account, AccountRole, JournalEntry, JournalLine, Source
from satuatap.ledger.selectors import fund_available
from satuatap.ledger.services.lookups import fund_of
from tests.factories import UserFactory, grant
from tests.scoping import response_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

PRINCIPAL = 1_000_005  # ten installments: nine of Rp100.000 and a last one of Rp100.005


@pytest.fixture
def program(world, books):
    today = timezone.localdate()
    return services.program_save(
        actor=world.carol,
        unit=world.branch_a,
        code="qardh",
        name="Pinjaman modal usaha",
        pillar="economy",
        fund_kind="infak",
        aid_kind="loan",
        installments=10,
        budget=50_000_000,
        start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
    )


def approved(world, books, program, amount=PRINCIPAL):
    application = apply_and_recommend(world, books, amount, program=program)
    return services.application_decide(actor=books.hank, application=application, approve=True)


def pay(books, application, amount=PRINCIPAL, paid_on=None):
    return services.disbursement_pay(
        actor=books.fiona, application=application, amount=amount, money_account=books.cash, paid_on=paid_on
    )


def lend(world, books, program, amount=PRINCIPAL, paid_on=None) -> Loan:
    return pay(books, approved(world, books, program, amount), amount, paid_on).loan


def repay(books, loan, amount, **kwargs):
    kwargs.setdefault("money_account", books.cash)
    return loan_services.loan_repay(actor=books.fiona, loan=loan, amount=amount, **kwargs)


def infak_available(world) -> int:
    return fund_available(world.branch_a, fund_of(world.alpha.pk, "infak"))


def receivable_balance(world) -> int:
    receivable = ledger.receivable_account(world.alpha.pk)
    sums = JournalLine.objects.filter(account=receivable, unit=world.branch_a).aggregate(
        debit=Sum("debit"), credit=Sum("credit")
    )
    return (sums["debit"] or 0) - (sums["credit"] or 0)


def paid_parts(loan) -> list[int]:
    return list(loan.installments.order_by("number").values_list("paid", flat=True))


# --- the schedule ----------------------------------------------------------------------------------


def test_installments_fall_on_the_same_day_clamped_to_the_end_of_shorter_months():
    rows = services.schedule(PRINCIPAL, 10, date(2023, 8, 31))
    assert [due for _n, due, _a in rows] == [
        date(2023, 9, 30), date(2023, 10, 31), date(2023, 11, 30), date(2023, 12, 31), date(2024, 1, 31),
        date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31), date(2024, 6, 30),
    ]  # fmt: skip
    assert [n for n, _d, _a in rows] == list(range(1, 11))
    assert [a for _n, _d, a in rows] == [100_000] * 9 + [100_005]
    assert services.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert services.add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)


def test_a_loan_of_fewer_rupiah_than_installments_is_never_split_into_zeros():
    assert [a for _n, _d, a in services.schedule(3, 10, date(2025, 1, 1))] == [1, 1, 1]


def test_paying_a_loan_program_opens_the_loan_with_its_schedule(world, books, program):
    paid_on = date(timezone.localdate().year - 1, 1, 31)
    before = infak_available(world)
    application = approved(world, books, program)
    disbursement = pay(books, application, paid_on=paid_on)

    loan = Loan.objects.get(disbursement=disbursement)
    assert (loan.principal, loan.repaid, loan.started_on, loan.unit, loan.beneficiary) == (
        PRINCIPAL, 0, paid_on, world.branch_a, books.siti,
    )  # fmt: skip
    rows = list(loan.installments.order_by("number"))
    assert len(rows) == 10 and sum(r.amount for r in rows) == PRINCIPAL
    assert [r.amount for r in rows] == [100_000] * 9 + [100_005]
    assert [r.due_on for r in rows[:3]] == [
        date(paid_on.year, 2, 28), date(paid_on.year, 3, 31), date(paid_on.year, 4, 30),
    ]  # fmt: skip
    # The entry: Dr the receivable / Cr the cash of branch A, in the infak fund.
    lines = {
        (line.account.role, line.fund.kind, line.debit, line.credit)
        for line in JournalLine.objects.filter(entry=disbursement.entry).select_related("account", "fund")
    }
    assert lines == {
        (AccountRole.RECEIVABLE, "infak", PRINCIPAL, 0),
        (AccountRole.CASH, "infak", 0, PRINCIPAL),
    }
    assert disbursement.entry.source == Source.DISBURSEMENT
    assert infak_available(world) == before - PRINCIPAL
    assert receivable_balance(world) == PRINCIPAL
    # The person's aid history has the payment.
    record = AidRecord.objects.get(source=f"program:{program.pk}:disbursement:{disbursement.pk}")
    assert (record.beneficiary, record.amount, record.given_on) == (books.siti, PRINCIPAL, paid_on)
    application.refresh_from_db()
    assert application.status == AppStatus.DISBURSED


def test_each_part_payment_of_an_approval_opens_a_loan_of_its_own(world, books, program):
    application = approved(world, books, program, 1_000_000)
    first = pay(books, application, 400_000)
    second = pay(books, application, 600_000)
    assert sorted(Loan.objects.values_list("disbursement_id", "principal")) == [
        (first.pk, 400_000),
        (second.pk, 600_000),
    ]
    assert LoanInstallment.objects.filter(loan__disbursement=first).aggregate(s=Sum("amount"))["s"] == 400_000
    assert LoanInstallment.objects.filter(loan__disbursement=second).count() == 10


def test_a_cash_program_opens_no_loan(world, books):
    application = services.application_decide(
        actor=books.hank, application=apply_and_recommend(world, books, 500_000), approve=True
    )
    pay(books, application, 500_000)
    assert not Loan.objects.exists()


# --- repayments -------------------------------------------------------------------------------------


def test_repayments_go_to_the_oldest_installments_and_back_into_the_fund(world, books, program):
    loan = lend(world, books, program)
    lent = infak_available(world)

    first = repay(books, loan, 50_000, reference="TRF-1")
    loan.refresh_from_db()
    assert loan.repaid == 50_000 and loan.outstanding == PRINCIPAL - 50_000
    assert paid_parts(loan) == [50_000] + [0] * 9
    assert infak_available(world) == lent + 50_000
    assert receivable_balance(world) == loan.outstanding
    lines = {
        (line.account_id, line.fund.kind, line.debit, line.credit)
        for line in JournalLine.objects.filter(entry=first.entry).select_related("fund")
    }
    receivable = ledger.receivable_account(world.alpha.pk)
    assert lines == {(books.cash.pk, "infak", 50_000, 0), (receivable.pk, "infak", 0, 50_000)}
    assert first.entry.source == Source.REPAYMENT
    assert first.entry.idempotency_key == f"loan-repayment:{loan.pk}:1"
    assert (first.reference, first.paid_on, first.created_by) == ("TRF-1", timezone.localdate(), books.fiona)
    event = AuditEvent.objects.get(action=AuditAction.LOAN_REPAID)
    assert event.actor == books.fiona and event.changes["repaid"] == [0, 50_000]

    # Spanning two installments: the rest of the first and part of the second.
    repay(books, loan, 120_000)
    loan.refresh_from_db()
    assert paid_parts(loan) == [100_000, 70_000] + [0] * 8
    assert infak_available(world) == lent + 170_000
    assert receivable_balance(world) == loan.outstanding == PRINCIPAL - 170_000

    # The rest: fully repaid; the fund has all of it back.
    repay(books, loan, loan.outstanding)
    loan.refresh_from_db()
    assert loan.outstanding == 0 and loan.repaid == PRINCIPAL
    assert paid_parts(loan) == [100_000] * 9 + [100_005]
    assert infak_available(world) == lent + PRINCIPAL
    assert receivable_balance(world) == 0
    assert LoanRepayment.objects.filter(loan=loan).count() == 3
    assert JournalEntry.objects.filter(source=Source.REPAYMENT).count() == 3


@pytest.mark.parametrize(
    ("amount", "kwargs", "field", "words"),
    [
        (PRINCIPAL + 1, {}, "amount", ["Rp1.000.005", "outstanding"]),
        (0, {}, "amount", ["positive"]),
        (-5, {}, "amount", ["positive"]),
        (10_000, {"paid_on": timezone.localdate() + timedelta(days=1)}, "paid_on", ["future"]),
        (10_000, {"paid_on": timezone.localdate() - timedelta(days=1)}, "paid_on", ["before"]),
    ],
    ids=["more-than-outstanding", "zero", "negative", "future", "before-the-loan"],
)
def test_a_bad_repayment_is_refused_and_nothing_is_posted(world, books, program, amount, kwargs, field, words):
    loan = lend(world, books, program)
    entries, available = JournalEntry.objects.count(), infak_available(world)
    with pytest.raises(Exception) as refused:  # noqa: PT011  (the refusal's type is checked below)
        repay(books, loan, amount, **kwargs)
    assert field in refused.value.message_dict
    message = " ".join(refused.value.message_dict[field])
    assert all(word in message for word in words), message
    loan.refresh_from_db()
    assert loan.repaid == 0 and paid_parts(loan) == [0] * 10
    assert JournalEntry.objects.count() == entries and infak_available(world) == available
    assert not LoanRepayment.objects.exists()


def test_overpaying_names_what_is_outstanding(world, books, program):
    loan = lend(world, books, program)
    repay(books, loan, 5)
    with pytest.raises(Exception) as refused:  # noqa: PT011
        repay(books, Loan.objects.get(pk=loan.pk), PRINCIPAL)
    assert "Only Rp1.000.000 of the loan of Rp1.000.005 is outstanding" in refused.value.message_dict["amount"][0]
    repay(books, loan, PRINCIPAL - 5)
    with pytest.raises(Exception) as refused:  # noqa: PT011
        repay(books, loan, 1)
    assert "fully repaid" in refused.value.message_dict["amount"][0]


def test_a_repayment_into_another_offices_account_is_refused(world, books, program):
    loan = lend(world, books, program)
    other = Account.objects.get(institution_id=world.alpha.pk, system_key=cash_key(world.branch_b.pk))
    with pytest.raises(Exception) as refused:  # noqa: PT011
        repay(books, loan, 10_000, money_account=other)
    assert "money_account" in refused.value.message_dict
    assert not LoanRepayment.objects.exists()


def test_only_finance_of_the_loans_unit_receives_repayments(world, books, program):
    from django.core.exceptions import PermissionDenied

    loan = lend(world, books, program)
    for user in (books.hank, books.registry.paula, world.frank, world.audrey, world.bob, world.eve):
        with pytest.raises(PermissionDenied):
            loan_services.loan_repay(actor=user, loan=loan, amount=1_000, money_account=books.cash)
    assert not LoanRepayment.objects.exists()


# --- a program changed while its loans are open -----------------------------------------------------


def receivable_by_fund(world) -> dict:
    """What is still owed on the loan receivable of branch A, per (fund, restriction); zeros left out."""
    receivable = ledger.receivable_account(world.alpha.pk)
    rows = (
        JournalLine.objects.filter(account=receivable, unit=world.branch_a)
        .values("fund__kind", "restriction")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
    )
    return {(r["fund__kind"], r["restriction"]): r["debit"] - r["credit"] for r in rows if r["debit"] != r["credit"]}


def available(world, kind, restriction=None) -> int:
    return fund_available(world.branch_a, fund_of(world.alpha.pk, kind), restriction)


def lines_of(entry) -> set:
    return {
        (line.account_id, line.fund.kind, line.restriction, line.debit, line.credit)
        for line in JournalLine.objects.filter(entry=entry).select_related("fund")
    }


def program_change(world, program, **changes):
    """The program's fund or code changed while its loans are open. ``program_save`` refuses a change
    of fund now (a code may change: restricted money is held under the program, not its code);
    programs changed before that rule, or by hand, are written straight to the table."""
    today = timezone.localdate()
    fields = {
        "code": program.code,
        "name": program.name,
        "pillar": program.pillar,
        "fund_kind": program.fund_kind,
        "asnaf": program.asnaf,
        "aid_kind": program.aid_kind,
        "installments": program.installments,
        "budget": program.budget,
        "start_date": date(today.year, 1, 1),
        "end_date": date(today.year, 12, 31),
    } | changes
    if "fund_kind" in changes:
        with pytest.raises(DistributionRefused, match="already has applications"):
            services.program_save(actor=world.carol, unit=world.branch_a, program=program, **fields)
    Program.objects.filter(pk=program.pk).update(**changes)
    program.refresh_from_db()
    return program


@pytest.fixture
def restricted_program(world, books):
    """A loan program of restricted infak (held under ``program.restriction``) with Rp3.000.000 given for it."""
    today = timezone.localdate()
    program = services.program_save(
        actor=world.carol,
        unit=world.branch_a,
        code="qardh-terikat",
        name="Pinjaman terikat",
        pillar="economy",
        fund_kind="infak_restricted",
        aid_kind="loan",
        installments=10,
        budget=50_000_000,
        start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
    )
    fund(world.branch_a, 3_000_000, fund_kind="infak_restricted", account="4310", restriction=program.restriction)
    return program


def test_a_loan_paid_from_infak_is_repaid_into_infak_after_its_program_moves_to_zakat(world, books, program):
    zakat_before, infak_before = available(world, "zakat"), available(world, "infak")
    loan = lend(world, books, program, amount=1_000_000)
    assert receivable_by_fund(world) == {("infak", ""): 1_000_000}
    program_change(world, program, fund_kind="zakat", asnaf=["miskin"])

    first = repay(books, loan, 400_000)
    receivable = ledger.receivable_account(world.alpha.pk)
    assert lines_of(first.entry) == {
        (books.cash.pk, "infak", "", 400_000, 0),
        (receivable.pk, "infak", "", 0, 400_000),
    }
    assert receivable_by_fund(world) == {("infak", ""): 600_000}
    repay(books, loan, 600_000)
    loan.refresh_from_db()
    assert loan.outstanding == 0
    # Nothing is owed in any fund, the infak money is back in infak and zakat never moved.
    assert receivable_by_fund(world) == {}
    assert available(world, "infak") == infak_before
    assert available(world, "zakat") == zakat_before
    assert not JournalLine.objects.filter(entry__source=Source.REPAYMENT, fund__kind="zakat").exists()
    # The loan page names the fund the loan came from, not the program's new one.
    response = as_user(books.fiona).get(f"/distribution/loans/{loan.pk}/")
    html = text_of(response)
    assert response.status_code == 200 and response.context["funding"].fund.kind == "infak"
    assert '<dd class="col-7">Infak/sedekah (unrestricted)' in html and '<dd class="col-7">Zakat' not in html


def test_a_restricted_loan_is_repaid_under_its_restriction_after_the_program_code_changes(
    world, books, restricted_program
):
    key = restricted_program.restriction
    loan = lend(world, books, restricted_program, amount=600_000)
    assert receivable_by_fund(world) == {("infak_restricted", key): 600_000}
    assert available(world, "infak_restricted", key) == 2_400_000
    program_change(world, restricted_program, code="qardh-baru")
    assert restricted_program.restriction == key  # the money is held under the program, not its code

    first = repay(books, loan, 250_000)
    receivable = ledger.receivable_account(world.alpha.pk)
    assert lines_of(first.entry) == {
        (books.cash.pk, "infak_restricted", key, 250_000, 0),
        (receivable.pk, "infak_restricted", key, 0, 250_000),
    }
    # The page (and its repayment form) names the loan's own fund and restriction.
    html = text_of(as_user(books.fiona).get(f"/distribution/loans/{loan.pk}/"))
    assert "back into the Infak/sedekah (restricted) fund" in html and "Pinjaman terikat" in html
    repay(books, loan, 350_000)
    assert receivable_by_fund(world) == {}
    assert available(world, "infak_restricted", key) == 3_000_000
    assert available(world, "infak_restricted", "qardh-baru") == 0
    assert not JournalLine.objects.filter(restriction__in=["qardh-baru", "qardh-terikat"]).exists()


def test_a_loan_of_an_unchanged_restricted_program_repays_in_its_fund_and_restriction(world, books, restricted_program):
    key = restricted_program.restriction
    loan = lend(world, books, restricted_program, amount=600_000)
    repayment = repay(books, loan, 600_000)
    receivable = ledger.receivable_account(world.alpha.pk)
    assert lines_of(repayment.entry) == {
        (books.cash.pk, "infak_restricted", key, 600_000, 0),
        (receivable.pk, "infak_restricted", key, 0, 600_000),
    }
    assert receivable_by_fund(world) == {}
    assert available(world, "infak_restricted", key) == 3_000_000
    funding = loan_selectors.loan_funding(loan)
    assert (funding.account, funding.fund.kind, funding.restriction) == (
        receivable,
        "infak_restricted",
        key,
    )


def test_a_loan_without_its_receivable_line_repays_in_the_programs_fund(world, books, program):
    """Legacy data: the disbursement's entry has no receivable line of the loan's principal."""
    loan = lend(world, books, program, amount=500_000)
    other = repay(books, lend(world, books, program, amount=200_000), 200_000)  # an entry without it
    loan.disbursement.entry_id = other.entry_id
    loan.disbursement.save(update_fields=["entry"])
    funding = loan_selectors.loan_funding(Loan.objects.get(pk=loan.pk))
    assert (funding.account, funding.fund.kind, funding.restriction) == (
        ledger.receivable_account(world.alpha.pk), "infak", "",
    )  # fmt: skip
    repayment = repay(books, loan, 500_000)
    assert {(kind, debit, credit) for _a, kind, _r, debit, credit in lines_of(repayment.entry)} == {
        ("infak", 500_000, 0), ("infak", 0, 500_000),
    }  # fmt: skip


def test_overdue_installments_and_the_totals(world, books, program):
    today = timezone.localdate()
    late = lend(world, books, program, paid_on=today - timedelta(days=100))  # three installments are due
    current = lend(world, books, program, 500_000)
    done = lend(world, books, program, 300_000)
    repay(books, late, 150_000)
    repay(books, done, 300_000)
    rows = {loan.pk: loan for loan in loan_selectors.loan_list(world.alice, within=world.branch_a, today=today)}
    assert set(rows) == {late.pk, current.pk, done.pk}
    assert rows[late.pk].overdue_amount == 300_000 - 150_000 and rows[late.pk].next_amount == 50_000
    assert rows[current.pk].overdue_amount == 0 and rows[current.pk].next_due == services.add_months(today, 1)
    assert rows[done.pk].next_due is None
    ids = lambda **kw: {x.pk for x in loan_selectors.loan_list(world.alice, within=world.branch_a, today=today, **kw)}  # noqa: E731
    assert ids(state="overdue") == ids(overdue=True) == {late.pk}
    assert ids(state="repaid") == {done.pk}
    assert ids(state="open") == {late.pk, current.pk}
    assert ids(q=books.siti.number) == ids(q="siti") == {late.pk, current.pk, done.pk}
    assert ids(q="nobody") == set()
    totals = loan_selectors.loan_totals(loan_selectors.loans_for(world.alice), today)
    assert totals == {
        "count": 3,
        "principal": PRINCIPAL + 800_000,
        "repaid": 450_000,
        "outstanding": PRINCIPAL + 800_000 - 450_000,
        "overdue_loans": 1,
        "overdue_amount": 150_000,
    }
    schedule = loan_selectors.installments_of(late, today)
    assert [i.status for i in schedule[:4]] == ["paid", "overdue", "overdue", "due"]


# --- pages ------------------------------------------------------------------------------------------


def as_user(user):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def text_of(response) -> str:
    text = response_text(response)
    return text.decode() if isinstance(text, bytes) else text


def test_the_list_shows_the_loans_and_filters_and_exports(world, books, program, django_assert_max_num_queries):
    today = timezone.localdate()
    late = lend(world, books, program, paid_on=today - timedelta(days=70))
    done = lend(world, books, program, 250_000)
    repay(books, done, 250_000)
    client = as_user(books.fiona)
    with django_assert_max_num_queries(12):
        response = client.get("/distribution/loans/")
    html = text_of(response)
    assert response.status_code == 200
    assert f"/distribution/loans/{late.pk}/" in html and f"/distribution/loans/{done.pk}/" in html
    assert books.siti.number in html and "Pinjaman modal usaha" in html and "Rp1.000.005" in html
    assert 'data-testid="overdue"' in html and "fully repaid" in html
    overdue = text_of(client.get("/distribution/loans/?state=overdue"))
    assert f"/distribution/loans/{late.pk}/" in overdue and f"/distribution/loans/{done.pk}/" not in overdue
    repaid = text_of(client.get("/distribution/loans/?state=repaid"))
    assert f"/distribution/loans/{done.pk}/" in repaid and f"/distribution/loans/{late.pk}/" not in repaid
    assert "/distribution/loans/" + str(late.pk) not in text_of(client.get("/distribution/loans/?q=nobody"))
    csv = text_of(client.get("/distribution/loans/?format=csv"))
    assert csv.count(books.siti.number) == 2 and "1000005" in csv and "yes" in csv
    xlsx = client.get("/distribution/loans/?format=xlsx&state=overdue")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "1000005" in text_of(xlsx) and "250000" not in text_of(xlsx)


def test_the_loan_page_shows_the_schedule_and_receives_a_repayment(world, books, program):
    loan = lend(world, books, program)
    client = as_user(books.fiona)
    response = client.get(f"/distribution/loans/{loan.pk}/")
    html = text_of(response)
    assert response.status_code == 200
    assert html.count('data-status="due"') == 10 and "Rp100.005" in html
    form = response.context["form"]
    assert form.initial["amount"] == 100_000 and form.initial["paid_on"] == timezone.localdate()
    assert list(form.fields["money_account"].queryset) == [books.cash]

    response = client.post(
        f"/distribution/loans/{loan.pk}/repay/",
        {"amount": "150.000", "money_account": books.cash.pk, "paid_on": timezone.localdate().isoformat(),
         "reference": "KW-7"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == f"/distribution/loans/{loan.pk}/"
    loan.refresh_from_db()
    assert loan.repaid == 150_000 and paid_parts(loan)[:2] == [100_000, 50_000]
    html = text_of(client.get(f"/distribution/loans/{loan.pk}/"))
    assert "KW-7" in html and 'data-status="paid"' in html and "is received from Hj. Siti Aminah" in html
    assert client.get(f"/distribution/loans/{loan.pk}/").context["form"].initial["amount"] == 50_000


def test_a_refused_repayment_shows_next_to_its_field_and_keeps_what_was_typed(world, books, program):
    loan = lend(world, books, program)
    response = as_user(books.fiona).post(
        f"/distribution/loans/{loan.pk}/repay/",
        {"amount": "2.000.000", "money_account": books.cash.pk, "paid_on": timezone.localdate().isoformat(),
         "reference": "KW-8"},
    )  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert "outstanding" in form.errors["amount"][0] and form["reference"].value() == "KW-8"
    assert not LoanRepayment.objects.exists()
    bad = as_user(books.fiona).post(f"/distribution/loans/{loan.pk}/repay/", {"amount": "abc"})
    assert bad.status_code == 200 and set(bad.context["form"].errors) >= {"amount", "paid_on"}


def test_a_role_that_does_not_receive_money_sees_the_loan_without_the_form(world, books, program):
    loan = lend(world, books, program)
    for user in (world.frank, world.audrey, books.hank):
        client = as_user(user)
        response = client.get(f"/distribution/loans/{loan.pk}/")
        assert response.status_code == 200 and response.context["form"] is None
        assert 'data-testid="repay"' not in text_of(response)
        posted = client.post(
            f"/distribution/loans/{loan.pk}/repay/",
            {"amount": "1000", "money_account": books.cash.pk, "paid_on": timezone.localdate().isoformat()},
        )
        assert posted.status_code == 403
    assert not LoanRepayment.objects.exists()


def test_outsiders_get_404_on_every_loan_page_and_see_none_in_the_list(world, books, program):
    loan = lend(world, books, program)
    beta_finance = UserFactory(username="beta-finance")
    grant(beta_finance, world.beta, "finance")
    for user in (world.bob, world.eve, beta_finance):
        client = as_user(user)
        assert client.get(f"/distribution/loans/{loan.pk}/").status_code == 404
        posted = client.post(
            f"/distribution/loans/{loan.pk}/repay/",
            {"amount": "1000", "money_account": books.cash.pk, "paid_on": timezone.localdate().isoformat()},
        )
        assert posted.status_code == 404
        listed = client.get("/distribution/loans/")
        assert listed.status_code == 200 and books.siti.number not in text_of(listed)
        assert books.siti.number not in text_of(client.get("/distribution/loans/?format=csv"))
    assert as_user(world.nina).get("/distribution/loans/").status_code == 403
    assert not LoanRepayment.objects.exists()


# --- API --------------------------------------------------------------------------------------------


def test_the_api_lists_shows_and_receives_repayments(world, books, program):
    today = timezone.localdate()
    late = lend(world, books, program, paid_on=today - timedelta(days=40))
    fresh = lend(world, books, program, 400_000)
    fiona = Api(books.fiona)
    listed = ok(fiona.get("/loans"))
    assert listed["count"] == 2
    by_id = {row["id"]: row for row in listed["items"]}
    assert by_id[late.pk]["overdue"] is True and by_id[late.pk]["overdue_amount"] == 100_000
    assert by_id[fresh.pk]["overdue"] is False and by_id[fresh.pk]["outstanding"] == 400_000
    assert by_id[late.pk]["beneficiary"]["number"] == books.siti.number
    assert by_id[late.pk]["program"]["code"] == "qardh"
    assert [row["id"] for row in ok(fiona.get("/loans", overdue="true"))["items"]] == [late.pk]
    assert [row["id"] for row in ok(fiona.get("/loans", overdue="false"))["items"]] == [fresh.pk]
    assert ok(fiona.get("/loans", unit_id=world.branch_a.pk))["count"] == 2
    assert ok(fiona.get("/loans", unit_id=world.branch_a_sub.pk))["count"] == 0

    detail = ok(fiona.get(f"/loans/{late.pk}"))
    assert len(detail["installments"]) == 10 and detail["installments"][0]["status"] == "overdue"
    assert detail["repayments"] == []

    repaid = ok(fiona.post(f"/loans/{late.pk}/repayments", {"amount": 130_000, "money_account_id": books.cash.pk}), 201)
    assert repaid["repaid"] == 130_000 and repaid["outstanding"] == PRINCIPAL - 130_000
    assert [i["paid"] for i in repaid["installments"][:3]] == [100_000, 30_000, 0]
    assert repaid["repayments"][0]["amount"] == 130_000 and repaid["overdue"] is False
    entry = JournalEntry.objects.get(pk=repaid["repayments"][0]["entry_id"])
    assert entry.source == Source.REPAYMENT
    assert ok(fiona.get("/loans", repaid="false"))["count"] == 2


def test_the_api_refuses_bad_repayments_with_the_error_shape(world, books, program):
    loan = lend(world, books, program)
    fiona = Api(books.fiona)
    path = f"/loans/{loan.pk}/repayments"
    too_much = error_of(fiona.post(path, {"amount": PRINCIPAL + 1, "money_account_id": books.cash.pk}), 400)
    assert "outstanding" in too_much["message"] and "amount" in too_much["fields"]
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    late = error_of(fiona.post(path, {"amount": 1_000, "money_account_id": books.cash.pk, "paid_on": future}), 400)
    assert "paid_on" in late["fields"]
    other = Account.objects.get(institution_id=world.alpha.pk, system_key=cash_key(world.branch_b.pk))
    wrong = error_of(fiona.post(path, {"amount": 1_000, "money_account_id": other.pk}), 400)
    assert "money_account_id" in wrong["fields"]
    unknown = error_of(fiona.post(path, {"amount": 1_000, "money_account_id": 987654321}), 400)
    assert "money_account_id" in unknown["fields"]
    assert error_of(Api(world.frank).post(path, {"amount": 1_000, "money_account_id": books.cash.pk}), 403)
    assert not LoanRepayment.objects.exists()


def test_outsiders_reach_no_loan_over_the_api(world, books, program):
    loan = lend(world, books, program)
    for user in (world.bob, world.eve):
        api = Api(user)
        assert ok(api.get("/loans"))["count"] == 0
        error_of(api.get(f"/loans/{loan.pk}"), 404)
        error_of(api.post(f"/loans/{loan.pk}/repayments", {"amount": 1_000, "money_account_id": books.cash.pk}), 404)
        error_of(api.get("/loans", unit_id=world.branch_a.pk), 404)
    assert not LoanRepayment.objects.exists()
