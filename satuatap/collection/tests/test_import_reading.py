"""Reading spreadsheets: headers found by name, cells as people type them, files that cannot be read."""

import io
import zipfile
from datetime import date, datetime

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from satuatap.collection.imports import donations, donors
from satuatap.collection.imports.reading import (
    CellError,
    FileRefused,
    parse_count,
    parse_date,
    parse_rupiah,
    read_sheet,
)
from satuatap.collection.models import ImportStatus
from satuatap.collection.tests.test_import_services import run, save
from satuatap.donors.models import Donor


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _dotted(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@given(st.integers(min_value=0, max_value=10**13))
def test_rupiah_reads_every_way_people_write_it(n):
    for written in (str(n), _dotted(n, "."), _dotted(n, ","), f"Rp{_dotted(n, '.')}", f"Rp. {n}", f"{n},00", n):
        assert parse_rupiah(written) == n, written
    assert parse_rupiah(float(n)) == n if n < 2**53 else True


@pytest.mark.parametrize("written", ["1,5", "12.34", "abc", "1.2.3", "Rp", "1e6", 12.5, "١٢"])
def test_rupiah_refuses_what_is_not_whole_rupiah(written):
    with pytest.raises(CellError):
        parse_rupiah(written)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_read_in_iso_and_indonesian_order(day):
    for written in (day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y"), day.strftime("%d.%m.%Y"),
                    datetime(day.year, day.month, day.day, 9, 30), day, f"{day.isoformat()} 00:00:00"):  # fmt: skip
        assert parse_date(written) == day


@pytest.mark.parametrize("written", ["31/02/2026", "2026-13-01", "kemarin", "17 Agustusan 2026", "2026/02/30"])
def test_impossible_dates_are_refused(written):
    with pytest.raises(CellError):
        parse_date(written)


def test_counts_are_whole_numbers():
    assert parse_count("4") == 4 and parse_count(4.0) == 4 and parse_count("") is None
    for written in ("4.5", "empat", "²", True):
        with pytest.raises(CellError):
            parse_count(written)


def test_headers_are_found_in_either_language_whatever_the_case_and_spacing():
    content = "\ufeffTANGGAL;nominal;Jenis  Dana;Cara_Bayar;kolom lain\n2026-03-10;1000;infak;tunai;x\n".encode()
    sheet = read_sheet(content, "a.csv", donations.COLUMNS)
    assert set(sheet.columns) == {"date", "amount", "kind", "channel"}
    assert sheet.unknown == ["kolom lain"] and sheet.rows == [(2, ("2026-03-10", "1000", "infak", "tunai", "x"))]
    english = read_sheet(b"Date,Amount,Kind,Channel\n\n\n2026-03-10,1,infak,cash\n", "a.csv", donations.COLUMNS)
    assert english.rows[0][0] == 4  # blank lines keep their numbers


def test_files_that_cannot_be_read_are_refused_with_a_reason():
    for content, name in (
        (b"\xff\xfe\x00a", "a.csv"),
        (b"PK\x03\x04broken", "a.xlsx"),
        (b"", "a.csv"),
        (b"x", "a.doc"),
    ):
        with pytest.raises(FileRefused):
            read_sheet(content, name, donations.COLUMNS)
    with pytest.raises(FileRefused, match="no column"):
        read_sheet(b"Nama;NIK\nA;1\n", "a.csv", donations.COLUMNS)


def _damaged_xlsx() -> bytes:
    """A workbook whose zip is sound but whose sheet is cut off halfway."""
    whole = zipfile.ZipFile(io.BytesIO(_xlsx([["Tanggal", "Jenis", "Cara bayar"], ["2026-03-10", "infak", "tunai"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as damaged:
        for item in whole.infolist():
            data = whole.read(item.filename)
            damaged.writestr(item, data[: len(data) // 2] if item.filename.endswith("sheet1.xml") else data)
    return out.getvalue()


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_excel_numbers_and_dates_keep_their_meaning(world, desk):
    content = _xlsx(
        [
            ["Nama lengkap", "NIK", "HP", "Tanggal lahir", "Kode pos"],
            ["Rahmat Hidayat", 3171015708850002, 81299990001, datetime(1985, 8, 17), 10150],
        ]
    )
    job = run(world.frank, world.branch_a, "donors", content, filename="donatur.xlsx")
    assert job.valid_rows == 1, job.errors
    save(world.frank, job)
    donor = Donor.objects.get(full_name="Rahmat Hidayat")
    assert (donor.nik, donor.phone, donor.birth_date, donor.postal_code) == (
        "3171015708850002",
        "+6281299990001",
        date(1985, 8, 17),
        "10150",
    )


def test_a_merged_donor_takes_no_imported_donation(world, desk):
    survivor = Donor.objects.create(
        institution=world.alpha, registered_unit=world.branch_a, number="ALPHA-269999999", full_name="Survivor"
    )
    Donor.objects.filter(pk=desk.donor.pk).update(merged_into=survivor)
    content = _xlsx([["Date", "Donor number", "Kind", "Amount", "Channel"],
                     [datetime(2026, 3, 10), desk.donor.number, "Infak", 10000, "Cash at the counter"]])  # fmt: skip
    job = run(desk.fiona, world.branch_a, "donations", content, filename="d.xlsx")
    assert job.status == ImportStatus.VALIDATED and job.valid_rows == 0
    assert "merged into ALPHA-269999999" in job.errors[0][2]


def test_the_donor_template_lists_every_column_the_donor_form_knows():
    keys = {c.key for c in donors.COLUMNS}
    assert {"full_name", "nik", "npwp", "phone", "email", "province", "regency", "district", "village"} <= keys
    assert {"street", "birth_date", "tags"} <= keys
