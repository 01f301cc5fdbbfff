"""Property-based tests of every parser of outside input: identifiers, amounts, dates, spreadsheets.

Each parser either returns its canonical form or raises its documented refusal (a ``DomainError``
of the caller's app, ``CellError``, ``FileRefused`` or a form ``ValidationError``), never anything
else; every valid value, however it is written, is accepted; cleaning is idempotent.
"""

import csv
import io
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from stdnum import luhn, numdb

from satuatap.collection.forms.counter import parse_rupiah as form_rupiah
from satuatap.core import identifiers
from satuatap.core.errors import DomainError, refusal_messages
from satuatap.core.tabular import (
    CellError,
    Column,
    FileRefused,
    parse_choice,
    parse_count,
    parse_date,
    parse_rupiah,
    read_sheet,
)
from satuatap.distribution.public.selectors import clean_code
from satuatap.donors import identifiers as donor_identifiers
from satuatap.donors.errors import DonorRefused
from satuatap.regions import dataset as regions_dataset

# The four-digit region codes python-stdnum knows (province + regency): a NIK or KK must start with one.
_LOCATIONS = numdb.get("id/loc")
REGIONS = [code for code in (f"{n:04d}" for n in range(1100, 9500)) if _LOCATIONS.info(code)[0][1]]
# A NIK's first six digits: a district of the official list (or any district of a regency no longer on it).
PLACES = sorted(
    {d for d in regions_dataset.district_digits() if d[:4] in REGIONS}
    | {f"{r}{n:02d}" for r in REGIONS if r not in regions_dataset.regency_digits() for n in range(1, 10)}
)
UNKNOWN_REGIONS = [code for code in (f"{n:04d}" for n in range(0, 1100)) if not _LOCATIONS.info(code)[0][1]]

# Whatever a person or a spreadsheet may put in a cell.
ANY_TEXT = st.text(max_size=40)
DIGITISH = st.text(alphabet="0123456789 .-+()/²١٢٣Rp,", max_size=24)
CELL = st.one_of(
    st.none(),
    ANY_TEXT,
    DIGITISH,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)
SEPARATORS = st.sampled_from(["", " ", ".", "-"])


def outcome(parse, raw) -> tuple:
    """What ``parse`` makes of ``raw``: its value, or its refusal."""
    try:
        return ("value", parse(raw))
    except DomainError as exc:
        return ("refused", refusal(exc))


def refusal(exc) -> tuple[str | None, str]:
    """The one (field, message) a refusal carries."""
    [(field, message)] = refusal_messages(exc)
    assert message
    return field, message


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def spaced(digits: str, separator: str, every: int = 4) -> str:
    return separator.join(digits[i : i + every] for i in range(0, len(digits), every))


@st.composite
def niks(draw, *, female=None):
    """A NIK as issued: region, district, birth date (day + 40 for women), serial."""
    place = draw(st.sampled_from(PLACES))
    born = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2019, 12, 31)))
    is_female = draw(st.booleans()) if female is None else female
    day = born.day + (40 if is_female else 0)
    serial = draw(st.integers(min_value=1, max_value=9999))
    return f"{place}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


@st.composite
def kks(draw):
    region = draw(st.sampled_from(REGIONS))
    district = draw(st.integers(min_value=1, max_value=99))
    issued = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
    serial = draw(st.integers(min_value=1, max_value=9999))
    return f"{region}{district:02d}{issued.day:02d}{issued.month:02d}{issued.year % 100:02d}{serial:04d}"


@st.composite
def old_npwps(draw):
    """The 15-digit NPWP: 8 digits, a Luhn check digit, a 3-digit tax office and 3-digit branch."""
    body = draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    rest = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    return body + luhn.calc_check_digit(body) + rest


# Telkomsel, Indosat, XL and Smartfren prefixes with the lengths they issue.
MOBILE_PREFIXES = ["811", "812", "813", "821", "822", "852", "853", "814", "815", "816", "855", "856", "857", "858",
                   "817", "818", "819", "859", "877", "878", "881", "882", "883", "888", "889"]  # fmt: skip


@st.composite
def mobiles(draw):
    """An Indonesian mobile number without its leading 0: 8xx and 8 digits."""
    prefix = draw(st.sampled_from(MOBILE_PREFIXES))
    return prefix + draw(st.text(alphabet="0123456789", min_size=8, max_size=8))


# --- NIK and KK ----------------------------------------------------------------------------------


@given(niks(), SEPARATORS, st.sampled_from(["", " ", "  "]))
def test_every_valid_nik_is_accepted_however_it_is_spaced(nik, separator, padding):
    written = padding + spaced(nik, separator) + padding
    assert identifiers.clean_nik(written) == nik
    assert identifiers.clean_nik(nik) == nik  # idempotent
    assert donor_identifiers.clean_nik(written) == nik


@given(niks(), st.sampled_from(UNKNOWN_REGIONS))
def test_a_nik_whose_region_is_unknown_or_date_impossible_is_refused(nik, unknown):
    with pytest.raises(DomainError, match="region code or birth date"):
        identifiers.clean_nik(unknown + nik[4:])
    with pytest.raises(DomainError, match="region code or birth date"):
        identifiers.clean_nik(nik[:8] + "13" + nik[10:])  # month 13


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_a_nik_of_another_length_is_refused_with_its_count(digits):
    assume(len(digits) != 16)
    with pytest.raises(DomainError, match=f"this one has {len(digits)}"):
        identifiers.clean_nik(digits)


@given(st.one_of(ANY_TEXT, DIGITISH))
def test_anything_typed_as_a_nik_or_kk_is_cleaned_or_refused(raw):
    for clean in (identifiers.clean_nik, identifiers.clean_kk):
        try:
            cleaned = clean(raw)
        except DomainError as exc:
            assert refusal(exc)[0] in ("nik", "kk")
            continue
        assert cleaned == "" or (len(cleaned) == 16 and cleaned.isascii() and cleaned.isdigit())
        assert clean(cleaned) == cleaned


@given(kks(), SEPARATORS)
def test_every_valid_kk_is_accepted_however_it_is_spaced(kk, separator):
    assert identifiers.clean_kk(spaced(kk, separator)) == kk
    assert identifiers.clean_kk(kk) == kk


@given(kks())
def test_a_kk_with_an_impossible_issue_date_is_refused(kk):
    with pytest.raises(DomainError, match="issue date"):
        identifiers.clean_kk(kk[:6] + "32" + kk[8:])
    with pytest.raises(DomainError, match="16 digits"):
        identifiers.clean_kk(kk[:-1])


# Digits to Python's isdigit(): the first ten are not digits on a form, the last two are look-alike
# forms of 8 that python-stdnum folds to ASCII.
UNICODE_DIGITS = st.sampled_from("²³¹١٢٣۴५৬๗𝟠８")


@given(kks(), st.integers(min_value=0, max_value=15), UNICODE_DIGITS)
def test_a_kk_or_nik_with_a_digit_that_is_not_ascii_is_folded_alike_or_refused(kk, position, digit):
    """python-stdnum folds look-alike forms ("𝟠" is "8"): a KK or NIK typed with one reads exactly as
    the same number typed in ASCII (accepted, or refused for the same reason); other digits to
    Python ("²", "١") are refused as not digits."""
    typed = kk[:position] + digit + kk[position + 1 :]
    folded = identifiers.stdnum_clean(typed)
    if folded.isascii():
        assert folded != typed and folded.isdigit()
        for clean in (identifiers.clean_kk, identifiers.clean_nik):
            assert outcome(clean, typed) == outcome(clean, folded)
        return
    for clean in (identifiers.clean_kk, identifiers.clean_nik):
        with pytest.raises(DomainError, match="digits only"):
            clean(typed)


@given(
    st.one_of(
        ANY_TEXT,
        st.sampled_from(["NaN", "-nan", "sNaN", "Infinity", "-inf", "1e999", "90.0000001", "-180.5"]),
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=True, allow_infinity=True),
    ),
    st.sampled_from(["latitude", "longitude"]),
)
def test_a_coordinate_is_a_decimal_on_the_map_or_refused(value, field):
    from decimal import Decimal

    from satuatap.beneficiaries.errors import BeneficiaryRefused
    from satuatap.beneficiaries.services import clean_fields

    try:
        cleaned = clean_fields({field: value})[field]
    except BeneficiaryRefused as exc:
        assert refusal(exc)[0] == field
        return
    limit = 90 if field == "latitude" else 180
    assert cleaned is None or (isinstance(cleaned, Decimal) and cleaned.is_finite() and abs(cleaned) <= limit)


@given(st.one_of(ANY_TEXT, DIGITISH, st.integers(-5, 5000)))
def test_rt_and_rw_are_three_ascii_digits_or_refused(value):
    from satuatap.beneficiaries.errors import BeneficiaryRefused
    from satuatap.beneficiaries.services import clean_fields

    try:
        cleaned = clean_fields({"rt": value, "rw": value})
    except BeneficiaryRefused as exc:
        # The same bad value in both: both are refused in one round, each on its own field.
        assert sorted(field for field, _message in refusal_messages(exc)) == ["rt", "rw"]
        return
    assert all(v == "" or re.fullmatch(r"[0-9]{3}", v) for v in (cleaned["rt"], cleaned["rw"]))


# --- NPWP ----------------------------------------------------------------------------------------


@given(old_npwps())
def test_every_valid_npwp_is_accepted_in_its_printed_and_its_new_form(npwp):
    printed = donor_identifiers.format_npwp(npwp)  # 01.234.567.8-901.000
    assert re.fullmatch(r"\d\d\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3}", printed)
    assert donor_identifiers.clean_npwp(printed) == npwp
    assert donor_identifiers.clean_npwp(npwp) == npwp
    assert donor_identifiers.clean_npwp("0" + npwp) == "0" + npwp  # the 16-digit form since 2024


@given(niks())
def test_a_persons_nik_is_their_npwp(nik):
    assert donor_identifiers.clean_npwp(nik) == nik


@given(old_npwps(), st.integers(min_value=1, max_value=9))
def test_an_npwp_with_a_wrong_check_digit_is_refused(npwp, shift):
    wrong = npwp[:8] + str((int(npwp[8]) + shift) % 10) + npwp[9:]
    with pytest.raises(DonorRefused, match="check digit") as refused:
        donor_identifiers.clean_npwp(wrong)
    assert refusal(refused.value)[0] == "npwp"


@given(st.one_of(ANY_TEXT, DIGITISH))
def test_anything_typed_as_an_npwp_is_cleaned_or_refused(raw):
    try:
        cleaned = donor_identifiers.clean_npwp(raw)
    except DonorRefused as exc:
        assert refusal(exc)[0] == "npwp"
        return
    assert cleaned == "" or (len(cleaned) in (15, 16) and cleaned.isascii() and cleaned.isdigit())
    assert donor_identifiers.clean_npwp(cleaned) == cleaned


# --- phone and email -----------------------------------------------------------------------------


@given(mobiles(), SEPARATORS)
def test_every_indonesian_mobile_is_accepted_in_local_and_international_form(mobile, separator):
    expected = "+62" + mobile
    for written in ("0" + mobile, "+62" + mobile, "+62 " + spaced(mobile, separator), spaced("0" + mobile, separator)):
        assert identifiers.clean_phone(written) == expected, written
    assert identifiers.clean_phone(expected) == expected
    assert identifiers.clean_phone(identifiers.format_phone(expected)) == expected  # what is shown reads back


@given(st.one_of(ANY_TEXT, DIGITISH))
def test_anything_typed_as_a_phone_is_cleaned_or_refused(raw):
    try:
        cleaned = donor_identifiers.clean_phone(raw)
    except DonorRefused as exc:
        assert refusal(exc)[0] == "phone"
        return
    assert cleaned == "" or re.fullmatch(r"\+\d{6,15}", cleaned)
    assert donor_identifiers.clean_phone(cleaned) == cleaned


@given(st.one_of(ANY_TEXT, st.emails()))
def test_anything_typed_as_an_email_is_cleaned_or_refused(raw):
    try:
        cleaned = donor_identifiers.clean_email(raw)
    except DonorRefused as exc:
        assert refusal(exc)[0] == "email"
        return
    assert donor_identifiers.clean_email(cleaned) == cleaned


@given(ANY_TEXT)
def test_a_tracking_code_is_cleaned_to_its_form_or_to_nothing(raw):
    code = clean_code(raw)
    assert clean_code(code) == code
    assert code == "" or (code.isupper() or code.isdigit())


# --- amounts, counts, dates, choices --------------------------------------------------------------


@given(CELL)
def test_any_cell_is_read_as_rupiah_or_refused(value):
    try:
        amount = parse_rupiah(value)
    except CellError as exc:
        assert exc.message
        return
    assert amount is None or isinstance(amount, int)


@given(st.integers(min_value=1, max_value=10**13))
def test_negative_rupiah_keep_their_sign(n):
    assert parse_rupiah(f"-{n:,}".replace(",", ".")) == -n
    assert parse_rupiah(f"Rp-{n}") == -n


@given(st.integers(min_value=0, max_value=10**16 - 1), st.sampled_from(["", "Rp", "Rp ", "rp"]))
def test_the_counter_reads_rupiah_as_people_type_them(n, prefix):
    dotted = f"{n:,}".replace(",", ".")
    for written in (f"{prefix}{n}", f"{prefix}{dotted}", f"{prefix}{n:,}", f"{prefix}{dotted},00", f"{n}\u00a0"):
        assert form_rupiah(written) == n, written


@given(st.one_of(ANY_TEXT, DIGITISH))
def test_anything_typed_as_an_amount_at_the_counter_is_rupiah_or_refused(raw):
    try:
        amount = form_rupiah(raw)
    except ValidationError as exc:
        assert exc.code == "invalid"
        return
    assert amount is None or (isinstance(amount, int) and 0 <= amount < 10**16)


@given(CELL)
def test_any_cell_is_read_as_a_count_a_date_or_a_choice_or_refused(value):
    for parser, kind in ((parse_count, int), (parse_date, date)):
        try:
            parsed = parser(value)
        except CellError as exc:
            assert exc.message
            continue
        assert parsed is None or isinstance(parsed, kind)
    try:
        chosen = parse_choice(value, {"infak": "infak", "zakat": "zakat"}, "infak, zakat")
    except CellError:
        return
    assert chosen in (None, "infak", "zakat")


@given(st.integers(min_value=0, max_value=10**12))
def test_counts_round_trip(n):
    assert parse_count(str(n)) == n and parse_count(n) == n and parse_count(float(n)) == n


# --- spreadsheets ----------------------------------------------------------------------------------

COLUMNS = [Column("name", "Name", "Siti", required=True), Column("amount", "Amount", "1000")]
CSV_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="\x00\r\n"), max_size=20
)


@given(st.binary(max_size=400), st.sampled_from(["a.csv", "a.xlsx", "a.txt", "a.pdf", ""]))
@settings(max_examples=60)
def test_any_upload_is_read_or_refused_with_a_reason(content, filename):
    try:
        sheet = read_sheet(content, filename, COLUMNS)
    except FileRefused as exc:
        assert exc.message
        return
    assert "name" in sheet.columns


@given(st.lists(st.tuples(CSV_TEXT, CSV_TEXT), min_size=1, max_size=8), st.sampled_from([";", ","]))
def test_a_csv_reads_back_the_cells_that_were_written(rows, delimiter):
    rows = [(name.strip() or "x", amount) for name, amount in rows]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(["Name", "Amount"])
    writer.writerows(rows)
    sheet = read_sheet(out.getvalue().encode(), "list.csv", COLUMNS)
    assert [(sheet.values(cells)["name"], sheet.values(cells)["amount"]) for _n, cells in sheet.rows] == rows


@given(st.lists(st.tuples(CSV_TEXT, st.one_of(st.integers(-(10**12), 10**12), CSV_TEXT)), min_size=1, max_size=5))
@settings(max_examples=25, deadline=None)
def test_an_xlsx_reads_back_the_cells_that_were_written(rows):
    rows = [("x" + name.strip(), amount if amount != "" else None) for name, amount in rows]
    assume(all(not (isinstance(a, str) and a.startswith("=")) for _n, a in rows))  # a formula, not a value
    book = Workbook()
    book.active.append(["Name", "Amount"])
    for row in rows:
        book.active.append(row)
    content = io.BytesIO()
    book.save(content)
    sheet = read_sheet(content.getvalue(), "list.xlsx", COLUMNS)
    read = [(sheet.values(cells)["name"], sheet.values(cells)["amount"]) for _n, cells in sheet.rows]
    assert read == [(name, amount) for name, amount in rows if name.strip() or amount is not None]


# --- import rows: every column filled with anything ------------------------------------------------


def _csv(columns, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([str(c.label) for c in columns])
    writer.writerows(rows)
    return out.getvalue().encode()


def _xlsx(columns, rows) -> bytes:
    book = Workbook()
    book.active.append([str(c.label) for c in columns])
    for row in rows:
        book.active.append(row)
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def import_rows(columns):
    """Rows of cells for these columns: text in every cell, some cells numbers or dates as Excel keeps them."""
    cell = st.one_of(CSV_TEXT, DIGITISH, st.integers(0, 10**17), st.dates(date(1900, 1, 1), date(2100, 1, 1)))
    return st.lists(st.lists(cell, min_size=len(columns), max_size=len(columns)), min_size=1, max_size=4)


def _as_text(rows):
    return [[c.isoformat() if isinstance(c, date) else str(c) for c in row] for row in rows]


IMPORT_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def books(world):
    from satuatap.ledger.services import chart_create_default

    chart_create_default(actor=world.carol, institution=world.alpha)
    return world


def _checked_rows_are_accounted_for(result, total):
    assert result.total == total
    assert len(result.valid) + len(result.error_rows) <= total
    assert all(isinstance(message, str) and message for _row, _column, message in result.errors)


@pytest.mark.django_db
@given(data=st.data())
@IMPORT_SETTINGS
def test_any_donor_or_donation_file_is_checked_row_by_row(books, data):
    from satuatap.collection.imports import donations, donors

    for module in (donors, donations):
        rows = data.draw(import_rows(module.COLUMNS))
        for content, name in (
            (_csv(module.COLUMNS, _as_text(rows)), "rows.csv"),
            (_xlsx(module.COLUMNS, rows), "r.xlsx"),
        ):
            sheet = read_sheet(content, name, module.COLUMNS)
            _checked_rows_are_accounted_for(module.check(unit=books.branch_a, sheet=sheet), len(sheet.rows))


@pytest.mark.django_db
@given(data=st.data())
@IMPORT_SETTINGS
def test_any_beneficiary_file_is_checked_row_by_row(world, data):
    from satuatap.beneficiaries.imports import columns as beneficiary_columns
    from satuatap.beneficiaries.imports import rows as beneficiary_rows

    rows = data.draw(import_rows(beneficiary_columns.COLUMNS))
    for content, name in ((_csv(beneficiary_columns.COLUMNS, _as_text(rows)), "rows.csv"),
                          (_xlsx(beneficiary_columns.COLUMNS, rows), "rows.xlsx")):  # fmt: skip
        sheet = read_sheet(content, name, beneficiary_columns.COLUMNS)
        _checked_rows_are_accounted_for(beneficiary_rows.check(unit=world.branch_a, sheet=sheet), len(sheet.rows))


@pytest.fixture
def batch_program(world):
    from satuatap.distribution.services import program_save
    from satuatap.organizations.models import Role
    from tests.factories import UserFactory, grant

    officer = UserFactory(username="parser-officer")
    grant(officer, world.branch_a, Role.PROGRAM)
    today = date.today()  # noqa: DTZ011 - a program open all year, whatever the zone
    program = program_save(
        actor=world.carol,
        unit=world.branch_a,
        code="paket",
        name="Paket sembako",
        pillar="humanitarian",
        fund_kind="infak",
        budget=10_000_000,
        start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
    )
    return officer, program


@pytest.mark.django_db
@given(data=st.data(), default=st.one_of(st.none(), st.integers(1, 10**9)))
@IMPORT_SETTINGS
def test_any_distribution_list_is_read_row_by_row_or_refused(world, batch_program, data, default):
    from satuatap.distribution.batches.selectors import IMPORT_COLUMNS, batch_rows_read
    from satuatap.distribution.errors import DistributionRefused

    officer, program = batch_program
    rows = data.draw(import_rows(IMPORT_COLUMNS))
    for content, name in ((_csv(IMPORT_COLUMNS, _as_text(rows)), "list.csv"), (_xlsx(IMPORT_COLUMNS, rows), "l.xlsx")):
        try:
            parsed, errors = batch_rows_read(
                actor=officer, unit=world.branch_a, program=program, content=content, filename=name,
                default_amount=default, need="Paket",
            )  # fmt: skip
        except DistributionRefused as exc:
            assert refusal(exc)[0] == "file"
            continue
        assert len(parsed) + len({e.row for e in errors}) <= len(rows)
        assert all(e.message for e in errors)


@given(niks(), mobiles())
def test_the_generators_make_real_values(nik, mobile):
    """The strategies above are what they claim: python-stdnum and phonenumbers agree."""
    import phonenumbers
    from stdnum.id import nik as stdnum_nik

    assert len(REGIONS) > 400 and "3171" in REGIONS and UNKNOWN_REGIONS
    assert stdnum_nik.is_valid(nik)
    assert phonenumbers.number_type(phonenumbers.parse("0" + mobile, "ID")) == phonenumbers.PhoneNumberType.MOBILE
