"""Importing donations: each row is one donation of one line, checked by the rules ``donation_record``
applies (``services.preparation``: ``money_account``, ``lines_clean`` and ``journal_lines``), then
written set-wise (``imports.saving``).

A row names its donor by donor number, NIK or phone; a NIK or phone nobody has yet,
with the donor's name beside it, registers a new donor (one per NIK, or per phone and
name, however many rows name them). Saving writes, in one transaction: the new donors,
one journal entry per donation through ``ledger.services.entries_post_bulk``, the
donations with their history rows, their lines and their receipts, numbered in one
block per unit and year. Each donation carries the request key ``import:<job>:<row>``,
and its entry and fingerprint are exactly those ``donation_record`` gives, so
recording the same row again through the counter or the API is a replay.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.collection.errors import DonationRefused
from satuatap.collection.imports.common import (
    PREVIEW_ROWS,
    PROGRESS_EVERY,
    Checked,
    Progress,
    no_progress,
    sentence,
    without_line_prefix,
)
from satuatap.collection.imports.reading import (
    CellError,
    Column,
    Sheet,
    choice_map,
    digits_text,
    parse_choice,
    parse_count,
    parse_date,
    parse_rupiah,
    text,
)
from satuatap.collection.models import DONATION_KINDS, Campaign, DonationLine, PaymentChannel
from satuatap.collection.services import (
    DonationLineSpec,
    accepted_kinds,
    fitrah_rate_for,
    header_problems,
    hijri_year,
    journal_lines,
    lines_clean,
    money_account,
    unit_today,
)
from satuatap.core.crypto import blind_index
from satuatap.core.errors import refusal_messages
from satuatap.donors.errors import DonorRefused
from satuatap.donors.models import Donor
from satuatap.donors.services import clean_nik, clean_phone, donor_fields_clean, name_key
from satuatap.ledger.errors import PeriodClosed
from satuatap.ledger.hooks import purpose_for_unit, purpose_names
from satuatap.ledger.models import Account, AccountRole, ReceiptKind
from satuatap.ledger.services import check_period_open
from satuatap.organizations.models import Unit

CAPABILITY = "collection.import"
LOOKUP_CHUNK = 2000

COLUMNS = [
    Column(
        "date",
        gettext_lazy("Date"),
        "2026-03-17",
        ("tanggal", "tgl", "tanggal donasi", "tanggal transaksi"),
        required=True,
        help=gettext_lazy("2026-03-17 or 17/03/2026; not in the future, at most two years ago."),
    ),
    Column(
        "donor_number",
        gettext_lazy("Donor number"),
        "",
        ("npwz", "no donatur", "nomor donatur", "no npwz", "id donatur"),
        help=gettext_lazy("Fill one of donor number, NIK or phone to find the donor."),
    ),
    Column("nik", gettext_lazy("NIK"), "", ("no ktp", "ktp"), help=gettext_lazy("16 digits.")),
    Column(
        "phone",
        gettext_lazy("Phone"),
        "0812-3456-7890",
        ("hp", "no hp", "nomor hp", "telepon", "telp", "whatsapp", "wa", "no wa"),
        help=gettext_lazy("08xx or +62 8xx."),
    ),
    Column(
        "donor_name",
        gettext_lazy("Donor name"),
        "Siti Aminah",
        ("nama", "nama donatur", "nama muzakki", "muzakki", "donatur", "name"),
        help=gettext_lazy("With a NIK or phone that no donor has yet: registers a new donor."),
    ),
    Column(
        "kind",
        gettext_lazy("Kind"),
        gettext_lazy("Zakat maal"),
        ("jenis", "jenis dana", "jenis donasi", "peruntukan"),
        required=True,
        help=gettext_lazy("Zakat maal, Zakat fitrah, Zakat penghasilan, Infak/sedekah, Fidyah, Kafarat, Qurban."),
    ),
    Column(
        "amount",
        gettext_lazy("Amount"),
        1250000,
        ("jumlah", "nominal", "nilai", "rupiah"),
        help=gettext_lazy("Whole rupiah; for zakat fitrah it may stay empty (persons × the unit's rate)."),
    ),
    Column(
        "channel",
        gettext_lazy("Channel"),
        gettext_lazy("Bank transfer"),
        ("cara bayar", "metode", "metode bayar", "via", "media"),
        required=True,
        help=gettext_lazy("Cash at the counter, Bank transfer, QRIS, Pick-up by an amil, Payroll collection (UPZ)."),
    ),
    Column(
        "bank_account",
        gettext_lazy("Bank account code"),
        "1210.BRA",
        ("rekening", "kode rekening", "kode rekening bank", "rekening bank", "kode akun bank", "akun bank", "bank"),
        help=gettext_lazy("For transfers, QRIS and payroll: the code of the unit's bank account in the chart."),
    ),
    Column(
        "reference",
        gettext_lazy("Bank reference"),
        "TRF-000123",
        ("referensi", "no referensi", "validasi bank", "no transaksi"),
    ),
    Column(
        "campaign",
        gettext_lazy("Campaign code"),
        "",
        ("kampanye", "kode kampanye", "campaign"),
        help=gettext_lazy("Infak for a campaign."),
    ),
    Column(
        "program",
        gettext_lazy("Program"),
        "",
        ("program infak",),
        help=gettext_lazy("Infak restricted to a program: the program's code (or a campaign's code)."),
    ),
    Column(
        "persons",
        gettext_lazy("Persons (zakat fitrah)"),
        "",
        ("jiwa", "jumlah jiwa", "persons"),
    ),
    Column("note", gettext_lazy("Receipt note"), "", ("catatan", "keterangan", "note")),
]

# Where a service's refusal of a field shows in the file.
FIELD_COLUMN = {
    "donation_date": "date",
    "channel": "channel",
    "bank_account": "bank_account",
    "bank_reference": "reference",
    "note": "note",
    "lines": "kind",
    "amount": "amount",
    "persons": "persons",
    "goods_description": "channel",
    "goods_quantity": "channel",
    "donor": "donor_number",
    "full_name": "donor_name",
    "nik": "nik",
    "phone": "phone",
}


@dataclass(frozen=True)
class DonorRef:
    """What the import needs of a donor: its id, number and name (no identifiers decrypted)."""

    pk: int
    number: str
    full_name: str


@dataclass
class DonationRow:
    row: int
    donation_date: date | None = None
    channel: str = ""
    bank: Account | None = None
    bank_reference: str = ""
    note: str = ""
    spec: DonationLineSpec | None = None
    donor_number: str = ""
    nik: str = ""
    phone: str = ""
    donor_name: str = ""
    donor: DonorRef | Donor | None = None
    new_donor: tuple | None = None
    money: Account | None = None
    line: DonationLine | None = None
    journal: list | None = None


class _Context:
    """What the rows of one file are checked against, looked up once."""

    def __init__(self, unit: Unit):
        self.unit = unit
        self.today = unit_today(unit)
        self.kinds = choice_map(
            [(kind, ReceiptKind(kind).label) for kind in DONATION_KINDS],
            {
                "zakat mal": ReceiptKind.ZAKAT_MAAL,
                "zakat profesi": ReceiptKind.ZAKAT_INCOME,
                "fitrah": ReceiptKind.ZAKAT_FITRAH,
                "infak": ReceiptKind.INFAK,
                "infaq": ReceiptKind.INFAK,
                "sedekah": ReceiptKind.INFAK,
                "shodaqoh": ReceiptKind.INFAK,
                "sodaqoh": ReceiptKind.INFAK,
                "infak sedekah": ReceiptKind.INFAK,
                "dskl": ReceiptKind.DSKL_OTHER,
            },
        )
        self.kind_labels = ", ".join(str(ReceiptKind(kind).label) for kind in DONATION_KINDS)
        self.channels = choice_map(
            PaymentChannel.choices,
            {
                "tunai": PaymentChannel.CASH,
                "kas": PaymentChannel.CASH,
                "cash": PaymentChannel.CASH,
                "transfer": PaymentChannel.BANK_TRANSFER,
                "tf": PaymentChannel.BANK_TRANSFER,
                "transfer bank": PaymentChannel.BANK_TRANSFER,
                "bank transfer": PaymentChannel.BANK_TRANSFER,
                "jemput": PaymentChannel.PICKUP,
                "jemput zakat": PaymentChannel.PICKUP,
                "upz": PaymentChannel.PAYROLL,
                "payroll": PaymentChannel.PAYROLL,
                "barang": PaymentChannel.IN_KIND,
                "natura": PaymentChannel.IN_KIND,
            },
        )
        self.channel_labels = ", ".join(str(label) for _value, label in PaymentChannel.choices)
        self.banks = {
            a.code.upper(): a for a in Account.objects.filter(institution_id=unit.institution_id, role=AccountRole.BANK)
        }
        self.campaigns = {c.code: c for c in Campaign.objects.filter(institution_id=unit.institution_id)}
        self.money: dict[tuple, Account | list] = {}
        self.clean_lines = _clean_lines_cached()


def _clean_lines_cached():
    """``donation_record``'s own ``lines_clean``, with its two look-ups (the unit's accepted kinds and
    the fitrah rate of the Hijri year) answered once per unit and year for the whole file: without
    this, the two queries it makes per call dominate a large import."""
    kinds: dict[int, list[str]] = {}
    rates: dict[tuple[int, int], object] = {}

    def accepted(unit):
        if unit.pk not in kinds:
            kinds[unit.pk] = accepted_kinds(unit)
        return kinds[unit.pk]

    def rate(unit, day):
        key = (unit.pk, hijri_year(day))
        if key not in rates:
            rates[key] = fitrah_rate_for(unit, day)
        return rates[key]

    purposes = functools.cache(purpose_for_unit)

    # An import row is a donation of one line, so the limit of lines per donation never binds;
    # lifting it lets one call check every row of the same date and channel at once.
    return functools.partial(
        lines_clean,
        accepted_for=accepted,
        rate_for=rate,
        purpose_for=purposes,
        max_lines=10**9,
    )


def _parse(sheet: Sheet, number: int, cells: tuple, ctx: _Context) -> tuple[DonationRow, list]:
    values = sheet.values(cells)
    row = DonationRow(number)
    errors: list[tuple[str, str]] = []

    def cell(key, parser, *args):
        try:
            return parser(values.get(key), *args)
        except CellError as exc:
            errors.append((key, sentence(exc.message)))
            return None

    row.donation_date = cell("date", parse_date)
    kind = cell("kind", parse_choice, ctx.kinds, ctx.kind_labels) or ""
    amount = cell("amount", parse_rupiah)
    persons = cell("persons", parse_count)
    row.channel = cell("channel", parse_choice, ctx.channels, ctx.channel_labels) or ""
    code = text(values.get("bank_account")).upper()
    if code:
        row.bank = ctx.banks.get(code)
        if row.bank is None:
            errors.append(
                ("bank_account", _("The chart of accounts has no bank account with code %(code)s.") % {"code": code})
            )
    campaign = None
    code = text(values.get("campaign")).lower()
    if code:
        campaign = ctx.campaigns.get(code)
        if campaign is None:
            errors.append(("campaign", _("There is no campaign with code %(code)s.") % {"code": code}))
    # The program column names a restricted-infak program by its code in any case, or a campaign by its code.
    program = text(values.get("program"))
    if program and campaign is None and program.lower() in ctx.campaigns:
        campaign, program = ctx.campaigns[program.lower()], ""
    row.spec = DonationLineSpec(kind=kind, amount=amount, campaign=campaign, program=program, persons=persons)
    row.bank_reference = text(values.get("reference"))
    row.note = text(values.get("note"))
    row.donor_number = text(values.get("donor_number"))
    row.nik = digits_text(values.get("nik"))
    row.phone = digits_text(values.get("phone"))
    if row.phone.isdigit() and row.phone.startswith("8"):
        row.phone = "0" + row.phone  # Excel drops the leading zero of 0812...
    row.donor_name = text(values.get("donor_name"))
    return row, errors


_HEADER_COLUMN = {"donation_date": "date", "bank_reference": "reference", "note": "note"}


def _check_header(row: DonationRow, ctx: _Context, bad_date: bool) -> list:
    """The checks ``donation_record`` makes on the date, reference and note (its own function)."""
    problems = header_problems(ctx.today, row.donation_date, row.bank_reference, row.note)
    return [(_HEADER_COLUMN[f], m) for f, m in problems if not (bad_date and f == "donation_date")]


def _refused(exc, default: str) -> list:
    return [(FIELD_COLUMN.get(name, default), without_line_prefix(message)) for name, message in refusal_messages(exc)]


def _find_donors(rows: list[DonationRow], unit: Unit, problems: dict) -> None:
    """Name each row's donor (or the new donor it registers), with three look-ups per chunk of rows."""
    institution_id = unit.institution_id
    for row in rows:
        if row.donor_number:
            continue
        if row.nik:
            try:
                row.nik = clean_nik(row.nik)
            except DonorRefused as exc:
                problems[row.row].extend(_refused(exc, "nik"))
        elif row.phone:
            try:
                row.phone = clean_phone(row.phone)
            except DonorRefused as exc:
                problems[row.row].extend(_refused(exc, "phone"))
    pending = [r for r in rows if not any(column in ("nik", "phone") for column, _m in problems[r.row])]
    numbers = sorted({r.donor_number for r in pending if r.donor_number})
    hashes = sorted({blind_index("nik", r.nik) for r in pending if not r.donor_number and r.nik})
    phones = sorted({r.phone for r in pending if not r.donor_number and not r.nik and r.phone})
    donors = Donor.objects.filter(institution_id=institution_id)
    active = donors.filter(merged_into__isnull=True)
    fields = ("pk", "number", "full_name")
    by_number, by_hash, by_phone = {}, {}, defaultdict(list)
    for start in range(0, len(numbers), LOOKUP_CHUNK):
        chunk = numbers[start : start + LOOKUP_CHUNK]
        for *ref, merged_into in donors.filter(number__in=chunk).values_list(*fields, "merged_into__number"):
            by_number[ref[1]] = (DonorRef(*ref), merged_into)
    for start in range(0, len(hashes), LOOKUP_CHUNK):
        for *ref, nik_hash in active.filter(nik_hash__in=hashes[start : start + LOOKUP_CHUNK]).values_list(
            *fields, "nik_hash"
        ):
            by_hash[nik_hash] = DonorRef(*ref)
    for start in range(0, len(phones), LOOKUP_CHUNK):
        for *ref, phone in active.filter(phone__in=phones[start : start + LOOKUP_CHUNK]).values_list(*fields, "phone"):
            by_phone[phone].append(DonorRef(*ref))
    for row in pending:
        errors = problems[row.row]
        if row.donor_number:
            donor, merged_into = by_number.get(row.donor_number, (None, None))
            if donor is None:
                errors.append(
                    ("donor_number", _("There is no donor with number %(number)s.") % {"number": row.donor_number})
                )
            elif merged_into:
                errors.append(
                    (
                        "donor_number",
                        _("This donor was merged into %(number)s; record the donation there.")
                        % {"number": merged_into},
                    )
                )
            row.donor = donor
        elif row.nik:
            row.donor = by_hash.get(blind_index("nik", row.nik))
            if row.donor is None:
                _new_donor(
                    row, ("nik", row.nik), errors, _("No donor has this NIK; add the donor's name to register them.")
                )
        elif row.phone:
            found = by_phone.get(row.phone, [])
            if len(found) > 1:
                errors.append(
                    (
                        "phone",
                        _("%(count)s donors have this phone number; give the donor number or NIK.")
                        % {"count": len(found)},
                    )
                )
            elif found:
                row.donor = found[0]
            else:
                _new_donor(
                    row,
                    ("phone", row.phone, name_key(row.donor_name)),
                    errors,
                    _("No donor has this phone number; add the donor's name to register them."),
                    column="phone",
                )
        elif row.donor_name:
            errors.append(("donor_name", _("Give the NIK or phone of a new donor beside the name.")))
        else:
            errors.append(("donor_number", _("Name the donor: donor number, NIK or phone.")))


def _new_donor(row: DonationRow, key: tuple, errors: list, missing_name: str, column: str = "nik") -> None:
    if not row.donor_name:
        errors.append((column, missing_name))
        return
    try:
        donor_fields_clean({"full_name": row.donor_name})  # the donor service's rule for a name
    except DonorRefused as exc:
        errors.extend(_refused(exc, "donor_name"))
        return
    row.new_donor = key


def _lines(unit: Unit, rows: list[DonationRow], problems: dict, clean_lines) -> None:
    """``lines_clean`` for all rows of one date and channel in one call; a refused batch is halved
    until the rows at fault are found (each alone, so its message is its own)."""
    first = rows[0]
    try:
        lines = clean_lines(unit, first.donation_date, first.channel, [r.spec for r in rows])
    except DonationRefused as exc:
        if len(rows) == 1:
            problems[first.row].extend(_refused(exc, "kind"))
            return
        half = len(rows) // 2
        _lines(unit, rows[:half], problems, clean_lines)
        _lines(unit, rows[half:], problems, clean_lines)
        return
    for row, line in zip(rows, lines, strict=True):
        line.position = 1
        row.line = line


def _journal(unit: Unit, rows: list[DonationRow], problems: dict) -> None:
    """``journal_lines`` for rows paid into one money account: two ledger lines per donation line."""
    try:
        specs = journal_lines(unit.institution_id, rows[0].money, [r.line for r in rows])
    except DonationRefused as exc:
        if len(rows) == 1:
            problems[rows[0].row].extend(_refused(exc, "kind"))
            return
        half = len(rows) // 2
        _journal(unit, rows[:half], problems)
        _journal(unit, rows[half:], problems)
        return
    for index, row in enumerate(rows):
        row.journal = specs[2 * index : 2 * index + 2]


def check(*, unit: Unit, sheet: Sheet, progress: Progress = no_progress) -> Checked:
    """Check every row by the rules of ``donation_record``; return the valid rows, ready to save, and
    every refusal as (row, column, message)."""
    ctx = _Context(unit)
    result = Checked(total=len(sheet.rows))
    problems: dict[int, list] = defaultdict(list)
    rows = []
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        row, errors = _parse(sheet, number, cells, ctx)
        errors.extend(_check_header(row, ctx, bad_date=any(column == "date" for column, _m in errors)))
        if errors:
            problems[number].extend(errors)
        rows.append(row)
        if done % PROGRESS_EVERY == 0:
            progress(done // 4)
    _find_donors(rows, unit, problems)  # every row, so a row shows its donor's problem beside the others
    progress(result.total // 3)
    months: dict[tuple[int, int], str | None] = {}
    for row in rows:
        if problems[row.row]:
            continue
        month = (row.donation_date.year, row.donation_date.month)
        if month not in months:
            try:
                check_period_open(unit.institution_id, row.donation_date)
                months[month] = None
            except PeriodClosed as exc:
                months[month] = refusal_messages(exc)[0][1]
        if months[month]:
            problems[row.row].append(("date", months[month]))
            continue
        key = (row.channel, row.bank.pk if row.bank else None)
        if key not in ctx.money:
            try:
                ctx.money[key] = money_account(unit, row.channel, row.bank)
            except DonationRefused as exc:
                ctx.money[key] = _refused(exc, "channel")
        money = ctx.money[key]
        if isinstance(money, list):
            problems[row.row].extend(money)
        else:
            row.money = money
    batches: dict[tuple, list] = defaultdict(list)
    done = 0
    for row in rows:
        if problems[row.row]:
            continue
        batches[(row.donation_date, row.channel)].append(row)
    report_at = PROGRESS_EVERY
    for batch in batches.values():
        _lines(unit, batch, problems, ctx.clean_lines)
        done += len(batch)
        if done >= report_at:
            progress(result.total // 3 + done // 2)
            report_at += PROGRESS_EVERY
    by_money: dict[int, list] = defaultdict(list)
    for row in rows:
        if not problems[row.row]:
            by_money[row.money.pk].append(row)
    for group in by_money.values():
        _journal(unit, group, problems)
    headers = {c.key: sheet.headers.get(c.key, str(c.label)) for c in COLUMNS}
    for row in rows:
        for column, message in problems.get(row.row, []):
            result.errors.append([row.row, headers.get(column, column), message])
    result.valid = [row for row in rows if not problems.get(row.row)]
    new_donors = {row.new_donor for row in result.valid if row.new_donor}
    by_kind: dict[str, int] = defaultdict(int)
    for row in result.valid:
        by_kind[row.line.kind] += row.line.amount
    result.summary = {
        "preview": _previews(result.valid[:PREVIEW_ROWS]),
        "amount": sum(by_kind.values()),
        "by_kind": [[str(ReceiptKind(kind).label), amount] for kind, amount in sorted(by_kind.items())],
        "new_donors": len(new_donors),
        "unknown_columns": sheet.unknown,
    }
    progress(result.total)
    return result


def _previews(rows: list[DonationRow]) -> list[dict]:
    names = purpose_names(row.line.program for row in rows)
    return [_preview(row, names) for row in rows]


def _preview(row: DonationRow, names: dict[str, str]) -> dict:
    line = row.line
    restriction = line.campaign.name if line.campaign is not None else names.get(line.program, line.program)
    return {
        "row": row.row,
        "date": row.donation_date.isoformat(),
        "donor": row.donor.full_name if row.donor else row.donor_name,
        "number": row.donor.number if row.donor else "",
        "kind": str(ReceiptKind(line.kind).label),
        "restriction": restriction,
        "amount": line.amount,
        "channel": str(PaymentChannel(row.channel).label),
    }
