"""The default chart of accounts of an amil institution (PSAK 109).

Account names are data in Bahasa Indonesia, as the institution's accountants
and statements use them; an institution may rename them. Services find the
accounts they post to by ``system_key``, never by code or name.

Numbering: 1 assets, 2 liabilities, 3 fund balances and inter-office accounts,
4 receipts, 5 distributions and expenses; the second digit is the fund.
"""

from dataclasses import dataclass

from satuatap.ledger.models import AccountRole as R
from satuatap.ledger.models import Asnaf, FundKind, Pillar, ReceiptKind

FUND_NAMES: dict[str, str] = {
    FundKind.ZAKAT: "Dana zakat",
    FundKind.INFAK: "Dana infak/sedekah tidak terikat",
    FundKind.INFAK_RESTRICTED: "Dana infak/sedekah terikat",
    FundKind.AMIL: "Dana amil",
    FundKind.NON_HALAL: "Dana non-halal",
    FundKind.DSKL: "Dana sosial keagamaan lainnya (DSKL)",
}

# Default amil share rates and their caps, in basis points (1250 = 12.5% = 1/8).
AMIL_RATE_DEFAULTS = {
    FundKind.ZAKAT: 1250,
    FundKind.INFAK: 2000,
    FundKind.INFAK_RESTRICTED: 0,
    FundKind.DSKL: 0,
    FundKind.NON_HALAL: 0,
}
AMIL_RATE_CAPS = {
    FundKind.ZAKAT: 1250,
    FundKind.INFAK: 2000,
    FundKind.INFAK_RESTRICTED: 2000,
    FundKind.DSKL: 2000,
    FundKind.NON_HALAL: 0,  # non-halal money never pays the amil
}

INTER_OFFICE_SENT = "inter_office:sent"
INTER_OFFICE_RECEIVED = "inter_office:received"


def fund_balance_key(kind: str) -> str:
    return f"fund_balance:{kind}"


def amil_paid_key(kind: str) -> str:
    return f"amil_paid:{kind}"


def amil_received_key(kind: str) -> str:
    return f"amil_received:{kind}"


def cash_key(unit_id: int) -> str:
    return f"cash:{unit_id}"


@dataclass(frozen=True)
class AccountTemplate:
    code: str
    name: str
    role: str
    fund_kind: str = ""
    receipt_kind: str = ""
    asnaf: str = ""
    pillar: str = ""
    from_fund_kind: str = ""
    system_key: str = ""


PILLAR_NAMES: dict[str, str] = {
    Pillar.EDUCATION: "pendidikan",
    Pillar.HEALTH: "kesehatan",
    Pillar.ECONOMY: "ekonomi",
    Pillar.SOCIAL_DAWAH: "sosial dan dakwah",
    Pillar.HUMANITARIAN: "kemanusiaan",
    Pillar.ENVIRONMENT: "lingkungan",
}
ASNAF_NAMES = {
    Asnaf.FAKIR: "fakir",
    Asnaf.MISKIN: "miskin",
    Asnaf.AMIL: "amil",
    Asnaf.MUALAF: "mualaf",
    Asnaf.RIQAB: "riqab",
    Asnaf.GHARIMIN: "gharimin",
    Asnaf.FISABILILLAH: "fisabilillah",
    Asnaf.IBNU_SABIL: "ibnu sabil",
}


def _pillar_accounts(prefix: str, fund_kind: str, fund_label: str) -> list[AccountTemplate]:
    return [
        AccountTemplate(
            f"{prefix}{i:02d}", f"Penyaluran {fund_label} — pilar {name}", R.DISTRIBUTION, fund_kind, pillar=pillar
        )
        for i, (pillar, name) in enumerate(PILLAR_NAMES.items(), start=1)
    ]


def _amil_paid(code: str, fund_kind: str, fund_label: str) -> AccountTemplate:
    return AccountTemplate(
        code, f"Bagian amil dari {fund_label}", R.AMIL_SHARE_PAID, fund_kind, system_key=amil_paid_key(fund_kind)
    )


def _amil_received(code: str, from_kind: str, fund_label: str) -> AccountTemplate:
    return AccountTemplate(
        code,
        f"Penerimaan bagian amil dari {fund_label}",
        R.AMIL_SHARE_RECEIVED,
        FundKind.AMIL,
        receipt_kind=ReceiptKind.AMIL_SHARE,
        from_fund_kind=from_kind,
        system_key=amil_received_key(from_kind),
    )


def default_chart() -> list[AccountTemplate]:
    """Every account of the template except the per-unit cash accounts."""
    Z, I, IR, A, NH, D = (  # noqa: E741, N806
        FundKind.ZAKAT,
        FundKind.INFAK,
        FundKind.INFAK_RESTRICTED,
        FundKind.AMIL,
        FundKind.NON_HALAL,
        FundKind.DSKL,
    )
    chart = [
        # 1 — assets (shared by all funds: the fund is on the line)
        AccountTemplate("1200", "Piutang", R.RECEIVABLE),
        AccountTemplate("1300", "Persediaan barang untuk disalurkan", R.INVENTORY),
        AccountTemplate("1400", "Uang muka dan aset lancar lainnya", R.OTHER_ASSET),
        AccountTemplate("1500", "Aset tetap", R.FIXED_ASSET),
        AccountTemplate("1509", "Akumulasi penyusutan aset tetap", R.FIXED_ASSET),
        AccountTemplate("1600", "Aset kelolaan", R.MANAGED_ASSET),
        AccountTemplate("1609", "Akumulasi penyusutan aset kelolaan", R.MANAGED_ASSET),
        # 2 — liabilities
        AccountTemplate("2100", "Utang jangka pendek", R.LIABILITY),
        AccountTemplate("2110", "Utang penyaluran", R.LIABILITY),
        AccountTemplate("2200", "Liabilitas jangka panjang", R.LIABILITY),
        # 3 — fund balances, and the reciprocal accounts between offices (rekening antar kantor)
        *[
            AccountTemplate(
                f"31{i}0", f"Saldo {FUND_NAMES[k].lower()}", R.FUND_BALANCE, k, system_key=fund_balance_key(k)
            )
            for i, k in enumerate((Z, I, IR, A, NH, D), start=1)
        ],
        AccountTemplate("3910", "RAK — dana dikirim ke kantor lain", R.INTER_OFFICE, system_key=INTER_OFFICE_SENT),
        AccountTemplate(
            "3920", "RAK — dana diterima dari kantor lain", R.INTER_OFFICE, system_key=INTER_OFFICE_RECEIVED
        ),
        # 4 — receipts
        AccountTemplate("4110", "Penerimaan zakat maal", R.RECEIPT, Z, ReceiptKind.ZAKAT_MAAL),
        AccountTemplate("4120", "Penerimaan zakat fitrah", R.RECEIPT, Z, ReceiptKind.ZAKAT_FITRAH),
        AccountTemplate("4130", "Penerimaan zakat penghasilan", R.RECEIPT, Z, ReceiptKind.ZAKAT_INCOME),
        AccountTemplate("4210", "Penerimaan infak/sedekah tidak terikat", R.RECEIPT, I, ReceiptKind.INFAK),
        AccountTemplate("4310", "Penerimaan infak/sedekah terikat", R.RECEIPT, IR, ReceiptKind.INFAK),
        _amil_received("4410", Z, "dana zakat"),
        _amil_received("4420", I, "dana infak/sedekah tidak terikat"),
        _amil_received("4430", IR, "dana infak/sedekah terikat"),
        _amil_received("4460", D, "DSKL"),
        AccountTemplate("4490", "Penerimaan amil lainnya", R.RECEIPT, A, ReceiptKind.AMIL_OTHER),
        AccountTemplate("4510", "Penerimaan bunga bank / jasa giro", R.RECEIPT, NH, ReceiptKind.BANK_INTEREST),
        AccountTemplate("4590", "Penerimaan non-halal lainnya", R.RECEIPT, NH, ReceiptKind.NON_HALAL_OTHER),
        AccountTemplate("4610", "Penerimaan fidyah", R.RECEIPT, D, ReceiptKind.FIDYAH),
        AccountTemplate("4620", "Penerimaan kafarat", R.RECEIPT, D, ReceiptKind.KAFARAT),
        AccountTemplate("4630", "Penerimaan qurban", R.RECEIPT, D, ReceiptKind.QURBAN),
        AccountTemplate("4690", "Penerimaan DSKL lainnya", R.RECEIPT, D, ReceiptKind.DSKL_OTHER),
        # 5 — distributions and expenses
        *[
            (
                _amil_paid(f"51{i:02d}", Z, "dana zakat (asnaf amil)")
                if asnaf == Asnaf.AMIL
                else AccountTemplate(f"51{i:02d}", f"Penyaluran zakat — asnaf {name}", R.DISTRIBUTION, Z, asnaf=asnaf)
            )
            for i, (asnaf, name) in enumerate(ASNAF_NAMES.items(), start=1)
        ],
        *_pillar_accounts("52", I, "infak/sedekah tidak terikat"),
        _amil_paid("5290", I, "dana infak/sedekah tidak terikat"),
        *_pillar_accounts("53", IR, "infak/sedekah terikat"),
        _amil_paid("5390", IR, "dana infak/sedekah terikat"),
        AccountTemplate("5410", "Beban pegawai amil", R.OPERATING_EXPENSE, A),
        AccountTemplate("5420", "Beban umum dan administrasi amil", R.OPERATING_EXPENSE, A),
        AccountTemplate("5430", "Beban penyusutan", R.OPERATING_EXPENSE, A),
        AccountTemplate("5490", "Beban amil lainnya", R.OPERATING_EXPENSE, A),
        AccountTemplate("5510", "Penyaluran dana non-halal untuk kemaslahatan umum", R.DISTRIBUTION, NH),
        AccountTemplate("5520", "Biaya administrasi bank (dana non-halal)", R.DISTRIBUTION, NH),
        *_pillar_accounts("56", D, "DSKL"),
        _amil_paid("5690", D, "DSKL"),
    ]
    return chart


def cash_template(unit) -> AccountTemplate:
    return AccountTemplate(f"1100.{unit.code}", f"Kas {unit.name}"[:200], R.CASH, system_key=cash_key(unit.pk))
