import pytest
from django.core.exceptions import ValidationError

from satuatap.core.errors import NotAllowed
from satuatap.ledger import services
from satuatap.ledger.errors import AccountRefused, AmilRateAboveCap
from satuatap.ledger.models import Account, AccountRole, AccountType, AmilRate, Fund, FundKind
from satuatap.ledger.selectors import accounts_for

from .conftest import donate


def test_default_chart_has_funds_accounts_cash_per_unit_and_rates(ledger):
    w = ledger.world
    assert set(Fund.objects.filter(institution=w.alpha).values_list("kind", flat=True)) == set(FundKind.values)
    accounts = Account.objects.filter(institution=w.alpha)
    roles = set(accounts.values_list("role", flat=True))
    assert roles >= {
        AccountRole.CASH,
        AccountRole.RECEIVABLE,
        AccountRole.INVENTORY,
        AccountRole.FIXED_ASSET,
        AccountRole.LIABILITY,
        AccountRole.FUND_BALANCE,
        AccountRole.INTER_OFFICE,
        AccountRole.RECEIPT,
        AccountRole.AMIL_SHARE_RECEIVED,
        AccountRole.AMIL_SHARE_PAID,
        AccountRole.DISTRIBUTION,
        AccountRole.OPERATING_EXPENSE,
    }
    # one cash account per office of the institution, none for the other institution
    cash_units = set(accounts.filter(role=AccountRole.CASH).values_list("unit__code", flat=True))
    assert cash_units == {"ALPHA", "R1", "A1", "BRA", "BRAS1", "BRB", "BRBS1"}
    zakat_asnaf = set(
        accounts.filter(fund_kind=FundKind.ZAKAT, type=AccountType.DISTRIBUTION).values_list("asnaf", flat=True)
    )
    assert zakat_asnaf == {"", "fakir", "miskin", "mualaf", "riqab", "gharimin", "fisabilillah", "ibnu_sabil"}
    assert accounts.get(system_key="amil_paid:zakat").code == "5103"  # asnaf amil
    assert {r.fund_kind: r.basis_points for r in AmilRate.objects.filter(institution=w.alpha)}["zakat"] == 1250
    assert Account.objects.filter(institution=w.beta).count() == 0


def test_chart_setup_is_idempotent_and_adds_cash_for_new_offices(ledger):
    w = ledger.world
    count = Account.objects.filter(institution=w.alpha).count()
    assert services.chart_create_default(actor=w.carol, institution=w.alpha) == []
    assert Account.objects.filter(institution=w.alpha).count() == count
    from tests.factories import make_unit

    make_unit(w.area, "BRC", "Cabang Cempaka")
    created = services.chart_create_default(actor=w.carol, institution=w.alpha)
    assert [a.code for a in created] == ["1100.BRC"]


def test_auditor_and_branch_admin_cannot_set_up_the_chart(ledger):
    w = ledger.world
    with pytest.raises(NotAllowed):
        services.chart_create_default(actor=w.audrey, institution=w.alpha)
    with pytest.raises(NotAllowed):
        services.chart_create_default(actor=w.alice, institution=w.alpha)


def test_finance_adds_a_bank_account_for_its_branch(ledger):
    w = ledger.world
    bank = services.account_create(
        actor=ledger.fiona,
        institution=w.alpha,
        code="1110.bra",
        name="Bank Syariah — Cabang Anggrek",
        role=AccountRole.BANK,
        unit=w.branch_a,
        bank_name="BSI",
        bank_account_number="7001234567",
    )
    assert bank.code == "1110.BRA" and bank.type == AccountType.ASSET and bank.unit == w.branch_a
    assert bank.history.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "4110", "name": "Dup", "role": AccountRole.RECEIPT, "fund_kind": "zakat"}, "code"),
        ({"code": "bad code!", "name": "X", "role": AccountRole.OTHER_ASSET}, "code"),
        ({"code": "4199", "name": "X", "role": AccountRole.RECEIPT}, "fund_kind"),
        ({"code": "1999", "name": "X", "role": AccountRole.OTHER_ASSET, "fund_kind": "zakat"}, "fund_kind"),
        ({"code": "1111", "name": "Bank", "role": AccountRole.BANK}, "unit"),
        ({"code": "3999", "name": "X", "role": AccountRole.FUND_BALANCE, "fund_kind": "zakat"}, "role"),
        (
            {"code": "5999", "name": "X", "role": AccountRole.DISTRIBUTION, "fund_kind": "infak", "asnaf": "fakir"},
            "asnaf",
        ),
        ({"code": "1998", "name": "", "role": AccountRole.OTHER_ASSET}, "name"),
    ],
)
def test_bad_accounts_are_refused_on_their_field(ledger, fields, field):
    with pytest.raises(AccountRefused) as exc:
        services.account_create(actor=ledger.fatma, institution=ledger.world.alpha, **fields)
    assert field in exc.value.message_dict


def test_branch_finance_cannot_add_a_bank_account_for_a_sibling(ledger):
    w = ledger.world
    with pytest.raises(NotAllowed):
        services.account_create(
            actor=ledger.fiona,
            institution=w.alpha,
            code="1110.BRB",
            name="Bank B",
            role=AccountRole.BANK,
            unit=w.branch_b,
            bank_name="BSI",
            bank_account_number="1",
        )


def test_account_with_lines_is_deactivated_not_reclassified(ledger):
    w = ledger.world
    donate(w.branch_a, 1000, account="4120")
    account = Account.objects.get(institution=w.alpha, code="4120")
    with pytest.raises(AccountRefused):
        services.account_update(actor=ledger.fatma, account=account, receipt_kind="zakat_maal")
    account = services.account_update(actor=ledger.fatma, account=account, is_active=False, name="Zakat fitrah (lama)")
    assert not account.is_active
    with pytest.raises(ValidationError) as exc:
        donate(w.branch_a, 1000, account="4120")
    assert "no longer in use" in str(exc.value)


def test_system_accounts_cannot_be_deactivated(ledger):
    account = Account.objects.get(institution=ledger.world.alpha, system_key="fund_balance:zakat")
    with pytest.raises(AccountRefused):
        services.account_update(actor=ledger.fatma, account=account, is_active=False)
    with pytest.raises(AccountRefused):
        services.account_update(actor=ledger.fatma, account=account, role="receipt")


@pytest.mark.parametrize(
    ("kind", "bp", "ok"),
    [
        ("zakat", 1250, True),
        ("zakat", 1251, False),
        ("infak", 2000, True),
        ("infak", 2001, False),
        ("infak_restricted", 1000, True),
        ("non_halal", 1, False),
        ("amil", 100, False),
        ("zakat", -1, False),
    ],
)
def test_amil_rate_caps(ledger, kind, bp, ok):
    w = ledger.world
    if ok:
        rate = services.amil_rate_set(actor=ledger.fatma, institution=w.alpha, fund_kind=kind, basis_points=bp)
        assert rate.basis_points == bp
    else:
        with pytest.raises(AmilRateAboveCap):
            services.amil_rate_set(actor=ledger.fatma, institution=w.alpha, fund_kind=kind, basis_points=bp)
        assert AmilRate.objects.get(institution=w.alpha, fund_kind="zakat").basis_points == 1250


def test_amil_rate_above_cap_message_names_the_cap(ledger):
    with pytest.raises(AmilRateAboveCap) as exc:
        services.amil_rate_set(actor=ledger.fatma, institution=ledger.world.alpha, fund_kind="zakat", basis_points=1500)
    assert "12.5%" in exc.value.message_dict["basis_points"][0]


def test_branch_finance_cannot_change_institution_rates(ledger):
    with pytest.raises(NotAllowed):
        services.amil_rate_set(actor=ledger.fiona, institution=ledger.world.alpha, fund_kind="zakat", basis_points=1000)


def test_chart_is_read_only_within_the_institution(ledger):
    w = ledger.world
    assert accounts_for(w.audrey, w.alpha).exists()
    assert not accounts_for(w.eve, w.alpha).exists()
    assert not accounts_for(w.frank, w.alpha).exists()  # front office has no ledger.view
