"""Reading an uploaded spreadsheet: XLSX (openpyxl, read-only) or CSV (UTF-8, ``;`` or ``,``).

Shared by every import (collection's donors and donations, the beneficiaries registry).
A sheet is a header row and data rows. Headers are matched to the import's
columns by their English or Indonesian name (or a common alias), ignoring case,
spaces and punctuation, so a branch's own spreadsheet with "Tanggal" and
"Nominal" reads as well as our template. Row numbers are those the spreadsheet
shows: the header is row 1.

Cell parsers turn what people type (``17/03/2026``, ``Rp1.250.000``, ``Zakat
maal``) into values; they raise ``CellError`` with a message for the person.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from xml.etree import ElementTree

from django.utils import translation
from django.utils.translation import gettext as _

MAX_ROWS = 200_000
MAX_BYTES = 25 * 1024 * 1024


class FileRefused(Exception):
    """The file as a whole cannot be read (not a spreadsheet, no header, too large)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CellError(Exception):
    """One cell's value cannot be used; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translation: the header in the reader's language
    example: object = ""
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: object = ""

    def names(self) -> set[str]:
        names = {normalise(self.key), *(normalise(a) for a in self.aliases)}
        for language in ("en", "id"):
            with translation.override(language):
                names.add(normalise(str(self.label)))
        return names


@dataclass
class Sheet:
    """The header mapping and the data rows of an uploaded file."""

    columns: dict[str, int]  # column key -> position in the row
    headers: dict[str, str]  # column key -> header as written in the file
    unknown: list[str]
    rows: list[tuple[int, tuple]] = field(default_factory=list)  # (row number, cells)

    def values(self, cells: tuple) -> dict:
        return {key: cells[i] if i < len(cells) else None for key, i in self.columns.items()}


@lru_cache(maxsize=4096)
def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def normalise(text) -> str:
    return _normalise(str(text or ""))


def _csv_rows(content: bytes) -> Iterator[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("The CSV file is not in UTF-8; save it again as “CSV UTF-8”.")) from None
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(content: bytes) -> Iterator[tuple]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileRefused(_("This file cannot be read as an Excel (XLSX) workbook.")) from None
    try:
        sheet = book.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        book.close()


def _is_blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_sheet(
    content: bytes, filename: str, columns: list[Column], *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES
) -> Sheet:
    """Read the file's header and rows; refuse a file that is not a spreadsheet or lacks a required column.
    An import with its own size limit (checked at upload, with its own message) passes it as ``max_bytes``."""
    try:
        return _read_sheet(content, filename, columns, max_rows, max_bytes)
    except (
        csv.Error,
        zipfile.BadZipFile,
        ElementTree.ParseError,
        KeyError,
        IndexError,
        ValueError,
        OSError,
        TypeError,
    ):
        # A file that opens but breaks further on (a damaged sheet inside a workbook, say).
        raise FileRefused(
            _("This file is damaged or not a spreadsheet; save it again from Excel and upload it anew.")
        ) from None


def _read_sheet(content: bytes, filename: str, columns: list[Column], max_rows: int, max_bytes: int) -> Sheet:
    if len(content) > max_bytes:
        raise FileRefused(_("The file is larger than 25 MB; split it into smaller files."))
    name = (filename or "").lower()
    if name.endswith(".xlsx") or content[:2] == b"PK":
        rows = _xlsx_rows(content)
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(content)
    else:
        raise FileRefused(_("Upload an Excel (.xlsx) or CSV (.csv) file."))
    number = 0
    header = None
    for cells in rows:
        number += 1
        if not _is_blank(cells):
            header = cells
            break
    if header is None:
        raise FileRefused(_("The file is empty."))
    by_name = {name: column.key for column in columns for name in column.names()}
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown = []
    for position, text in enumerate(header):
        key = by_name.get(normalise(text))
        if key is None:
            if text not in (None, ""):
                unknown.append(str(text))
        elif key not in positions:
            positions[key] = position
            headers[key] = str(text).strip()
    missing = [str(c.label) for c in columns if c.required and c.key not in positions]
    if missing:
        raise FileRefused(
            _("The file has no column %(columns)s (row %(row)s is read as the header); use the template.")
            % {"columns": ", ".join(missing), "row": number}
        )
    sheet = Sheet(columns=positions, headers=headers, unknown=unknown)
    for cells in rows:
        number += 1
        if _is_blank(cells):
            continue
        if len(sheet.rows) >= max_rows:
            raise FileRefused(
                _("The file has more than %(max)s rows; split it into smaller files.") % {"max": f"{max_rows:,}"}
            )
        sheet.rows.append((number, tuple(cells)))
    return sheet


# --- cell parsers -------------------------------------------------------------------------------


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return " ".join(str(value).split())


def digits_text(value) -> str:
    """Identifiers typed as numbers in Excel arrive as int/float; keep their digits."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return text(value)


# Month names and their usual short forms, Indonesian and English: "17 Maret 2026", "17 Mar 2026", "17 Agt 2026".
_MONTH_NAMES = {
    1: ("januari", "january", "jan"),
    2: ("februari", "pebruari", "february", "feb", "peb"),
    3: ("maret", "march", "mar"),
    4: ("april", "apr"),
    5: ("mei", "may"),
    6: ("juni", "june", "jun"),
    7: ("juli", "july", "jul"),
    8: ("agustus", "august", "agu", "agt", "ags", "aug"),
    9: ("september", "sept", "sep"),
    10: ("oktober", "october", "okt", "oct"),
    11: ("november", "nopember", "nov", "nop"),
    12: ("desember", "december", "des", "dec"),
}
_MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names}
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", re.ASCII)
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", re.ASCII)
_NAMED = re.compile(r"(\d{1,2})[\s\-./]*([a-z]+)\.?[\s\-./,]*(\d{4})")
# Excel counts days from 1899-12-30; a serial this large is in 2119.
_EXCEL_EPOCH, _EXCEL_MAX = date(1899, 12, 30), 80_000


def _compact(digits: str) -> tuple[int, int, int] | None:
    """19551102 (year first) or 02111955 (day first); never both readable, since a year-first
    reading would need a month of 19 or 20 where a day-first one has its century."""
    if digits[:2] in ("19", "20") and 1 <= int(digits[4:6]) <= 12:
        return int(digits[:4]), int(digits[4:6]), int(digits[6:])
    if digits[4:6] in ("19", "20"):
        return int(digits[4:]), int(digits[2:4]), int(digits[:2])
    return None


def _calendar_date(year: int, month: int, day: int) -> date:
    """The date, or a message that says which part does not exist (not that the format is wrong)."""
    from calendar import monthrange

    from django.utils.dates import MONTHS

    if not 1 <= month <= 12:
        raise CellError(_("this date does not exist: there is no month %(month)s (a year has 12).") % {"month": month})
    if year < 1:
        raise CellError(_("this date does not exist: there is no year %(year)s.") % {"year": year})
    days = monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise CellError(
            _("this date does not exist: %(month)s %(year)s has %(days)s days, not day %(day)s.")
            % {"month": MONTHS[month], "year": year, "days": days, "day": day}
        )
    return date(year, month, day)


def parse_date(value) -> date | None:
    """A calendar date as people write it: 2026-03-17, 17/03/2026, 17-03-2026, 17.03.2026, 17 Maret 2026,
    17 Mar 2026, 20260317 or 17032026, or an Excel date cell. A date that cannot exist (1955-11-92) is
    refused as such, not as a format."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= _EXCEL_MAX:
        return _EXCEL_EPOCH + timedelta(days=value)  # an Excel date cell formatted as a number
    raw = text(value)
    if not raw:
        return None
    parts = None
    if found := _YMD.fullmatch(raw):
        parts = int(found[1]), int(found[2]), int(found[3])
    elif found := _DMY.fullmatch(raw):
        parts = int(found[3]), int(found[2]), int(found[1])
    elif raw.isascii() and raw.isdigit() and len(raw) == 8:
        parts = _compact(raw)
    elif (found := _NAMED.fullmatch(raw.lower())) and found[2] in _MONTHS:
        parts = int(found[3]), _MONTHS[found[2]], int(found[1])
    if parts is None:
        raise CellError(_("this is not a date that can be read; write it as 2026-03-17, 17/03/2026 or 17 Maret 2026."))
    return _calendar_date(*parts)


_RUPIAH_FORMS = (
    re.compile(r"(\d{1,3}(?:\.\d{3})+)(?:,0{1,2})?", re.ASCII),  # 1.250.000 or 1.250.000,00
    re.compile(r"(\d{1,3}(?:,\d{3})+)(?:\.0{1,2})?", re.ASCII),  # 1,250,000 or 1,250,000.00
    re.compile(r"(\d+)(?:[.,]0{1,2})?", re.ASCII),  # 1250000 or 1250000,00
)


def parse_rupiah(value) -> int | None:
    """Whole rupiah: 1250000, 1.250.000, 1,250,000, Rp1.250.000 or 1.250.000,00."""
    if isinstance(value, bool):
        raise CellError(_("enter the amount in whole rupiah, e.g. 1250000 or 1.250.000."))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("enter the amount in whole rupiah, without cents."))
        return int(value)
    raw = text(value).replace(" ", "")
    if raw.isascii() and raw.isdigit():
        return int(raw)
    if not raw:
        return None
    raw = re.sub(r"^(rp\.?|idr)", "", raw, flags=re.IGNORECASE)
    sign = -1 if raw.startswith("-") else 1
    raw = raw.removeprefix("-")
    for form in _RUPIAH_FORMS:
        match = form.fullmatch(raw)
        if match:
            return sign * int(re.sub(r"[.,]", "", match.group(1)))
    raise CellError(_("enter the amount in whole rupiah, e.g. 1250000 or 1.250.000."))


def parse_count(value) -> int | None:
    if isinstance(value, bool):
        raise CellError(_("enter a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raw = text(value)
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise CellError(_("enter a whole number."))
    return int(raw)


def choice_map(choices, aliases: dict[str, str] | None = None) -> dict[str, str]:
    """Normalised value, English label and Indonesian label of each choice -> its value."""
    found = {}
    for value, label in choices:
        found[normalise(value)] = value
        for language in ("en", "id"):
            with translation.override(language):
                found[normalise(str(label))] = value
    for alias, value in (aliases or {}).items():
        found[normalise(alias)] = value
    return found


def parse_choice(value, mapping: dict[str, str], labels) -> str | None:
    raw = text(value)
    if not raw:
        return None
    found = mapping.get(normalise(raw))
    if found is None:
        raise CellError(_("“%(value)s” is not one of: %(choices)s.") % {"value": raw, "choices": labels})
    return found
