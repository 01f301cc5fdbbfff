"""Downloads of what a user sees: CSV and XLSX tables, PDF documents.

Every table page offers the same rows as CSV (UTF-8 with BOM, which Excel opens
correctly) and XLSX; PDFs are HTML templates rendered by WeasyPrint.

Every XLSX goes through one workbook writer (``xlsx_bytes``) so that what an
office hands to its accountant reads the same everywhere: a title block (the
document, the unit, the period, who made it when), a bold header row frozen
under the title, typed columns (rupiah as whole numbers shown with thousands
separators, real dates, percentages), a totals row whose summed columns are
``SUM`` formulas, and column widths from the content. The writer streams
(openpyxl write-only), measuring widths on the first rows only.
"""

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from itertools import chain, islice

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEXT, MONEY, INTEGER, DATE, PERCENT = "text", "money", "integer", "date", "percent"
NUMBER = "number"  # a figure of a column nobody typed (a code, a year, a ratio): shown as Excel's General
NUMBER_FORMATS = {MONEY: "#,##0", INTEGER: "#,##0", DATE: "dd/mm/yyyy", PERCENT: "0.0"}
WIDTH_SAMPLE = 500  # rows measured for the column widths; the rest stream
MIN_WIDTH, MAX_WIDTH = 8, 60


@dataclass(frozen=True)
class Column:
    """One column of a sheet. ``summed``: the totals row holds ``=SUM()`` of it.
    ``across``: (money) each row holds ``=SUM()`` of these columns (0-based) of the
    same row, a total across funds. ``summed`` is for plain tables: in a statement the
    subtotal rows sum their section."""

    label: str
    kind: str = TEXT
    summed: bool = False
    across: tuple[int, ...] = ()


@dataclass(frozen=True)
class Row:
    """A styled line of a statement. ``section`` starts a block (bold, no figures);
    ``subtotal`` sums the money columns of the lines since the block started;
    ``total`` is bold and shows the figures it is given, or, with a ``formula`` such
    as ``"{opening}+{receipts}"``, that formula of the rows named by their ``key``
    in each money column. ``indent`` shifts the first cell."""

    values: Sequence
    kind: str = "line"
    indent: int = 0
    key: str = ""
    formula: str = ""


@dataclass
class Sheet:
    name: str
    columns: Sequence[Column | str]
    rows: Iterable[Sequence | Row]
    totals: Sequence | None = None  # the totals row's own cells (label, unsummed figures); summed ones are formulas
    notes: Sequence[str] = field(default_factory=tuple)  # lines under the title block (e.g. "in rupiah")
    figures: str = NUMBER  # the kind of a numeric column given by its label alone


@dataclass(frozen=True)
class Heading:
    """The title block above every sheet of a workbook."""

    title: str
    unit: str = ""
    period: str = ""
    made: str = ""


def heading_for(title, *, unit=None, period: str = "", user=None) -> Heading:
    """The title block of a document about ``unit``, made now (in the unit's zone) by ``user``."""
    now = timezone.now()
    zone = unit.tzinfo if unit is not None else timezone.get_current_timezone()
    local = timezone.localtime(now, zone)
    when = f"{formats.date_format(local, 'j F Y, H.i')} {local.tzname()}"
    made = (
        _("Made %(when)s by %(user)s") % {"when": when, "user": user} if user else _("Made %(when)s") % {"when": when}
    )
    return Heading(title=str(title), unit=unit.name if unit is not None else "", period=str(period), made=made)


def _stamped(filename: str, extension: str) -> str:
    return f"{filename}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(h) for h in header])
    writer.writerows(rows)
    return _attachment(response, _stamped(filename, "csv"))


# --- the workbook writer -----------------------------------------------------------------------


def _guess(value) -> str:
    """The kind of a column given by its label alone, from its first value."""
    if isinstance(value, bool) or value is None:
        return TEXT
    if isinstance(value, (date, datetime)):
        return DATE
    if isinstance(value, (int, float, Decimal)):
        return NUMBER
    return TEXT


def _columns(columns: Sequence[Column | str], sample: list, figures: str) -> list[Column]:
    typed = []
    for index, column in enumerate(columns):
        if isinstance(column, Column):
            typed.append(column)
            continue
        kind = TEXT
        for row in sample:
            values = row.values if isinstance(row, Row) else row
            if index < len(values) and values[index] not in (None, ""):
                kind = _guess(values[index])
                kind = figures if kind == NUMBER else kind
                break
        typed.append(Column(str(column), kind))
    return typed


def _cell_value(value, kind: str):
    if value is None or value == "":
        return None
    if kind in (MONEY, INTEGER) and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return int(value) if value == int(value) else float(value)
    if kind == PERCENT and isinstance(value, (int, float, Decimal)):
        return float(value)
    if kind == DATE and isinstance(value, datetime):
        # Excel has no zones: the wall-clock time where the office is (the active zone).
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if kind == DATE and isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, (int, float)):
        return len(f"{value:,.0f}") + 1
    if isinstance(value, (date, datetime)):
        return 16 if isinstance(value, datetime) else 11
    return max((len(line) for line in str(value).splitlines()), default=0)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _write_sheet(book, sheet: Sheet, heading: Heading | None) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    # A sheet's name may not hold []:*?/\ (e.g. "Kabupaten/kota"), nor pass 31 characters.
    ws = book.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "-", str(sheet.name))[:31])
    rows = iter(sheet.rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    columns = _columns(sheet.columns, sample, sheet.figures)
    bold = Font(bold=True)

    title_lines: list[str] = []
    made = heading.made if heading is not None else ""
    if heading is not None:
        title_lines = [line for line in (heading.title, heading.unit, heading.period, made) if line]
        title_lines += [str(note) for note in sheet.notes]

    widths = [max(MIN_WIDTH, len(c.label) + 2) for c in columns]
    for row in sample:
        values = row.values if isinstance(row, Row) else row
        indent = row.indent * 2 if isinstance(row, Row) else 0
        for index, value in enumerate(values[: len(columns)]):
            widths[index] = max(widths[index], _width(value) + (indent if index == 0 else 0) + 1)
    if sheet.totals is not None:
        widths[0] = max(widths[0], _width(sheet.totals[0]) + 1)
    for index, column in enumerate(columns):  # a total across columns: as wide as the sums it shows
        if column.across:
            for row in sample:
                values = row.values if isinstance(row, Row) else row
                figures = [values[i] for i in column.across if i < len(values)]
                total = sum(abs(f) for f in figures if isinstance(f, (int, Decimal)) and not isinstance(f, bool))
                widths[index] = max(widths[index], _width(int(total) * 10) + 1)  # room for the totals row
    for index, width in enumerate(widths):
        ws.column_dimensions[_letter(index)].width = min(width, MAX_WIDTH)

    header_row = len(title_lines) + (1 if title_lines else 0) + 1
    ws.freeze_panes = f"A{header_row + 1}"  # before the first row: a streamed sheet writes its view first
    for number, line in enumerate(title_lines):
        cell = WriteOnlyCell(ws, value=line)
        cell.font = Font(bold=True, size=13) if number == 0 else Font(italic=line == made)
        ws.append([cell])
    if title_lines:
        ws.append([])
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.label)
        cell.font = bold
        if column.kind in (MONEY, INTEGER, PERCENT, NUMBER):
            cell.alignment = Alignment(horizontal="right", wrap_text=True)
        header.append(cell)
    ws.append(header)

    current = header_row
    block_start = header_row + 1
    keyed: dict[str, int] = {}

    def emit(values, style=None, indent=0, formulas=None):
        nonlocal current
        current += 1
        cells = []
        for index, column in enumerate(columns):
            value = values[index] if index < len(values) else None
            if formulas and index in formulas:
                value = formulas[index]
            elif column.across and column.kind == MONEY and style != "section":
                refs = [f"{_letter(i)}{current}" for i in column.across]
                value = f"=SUM({','.join(refs)})" if len(refs) > 1 else f"={refs[0]}"
            else:
                value = _cell_value(value, column.kind)
            cell = WriteOnlyCell(ws, value=value)
            if column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
            if style in ("section", "subtotal", "total"):
                cell.font = bold
            if index == 0 and indent:
                cell.alignment = Alignment(indent=indent)
            cells.append(cell)
        ws.append(cells)

    for row in chain(sample, rows):
        if not isinstance(row, Row):
            emit(row)
            continue
        if row.key:
            keyed[row.key] = current + 1
        if row.kind == "section":
            emit(row.values, "section")
            block_start = current + 1
        elif row.kind == "subtotal":
            last = current
            formulas = {
                i: f"=SUM({_letter(i)}{block_start}:{_letter(i)}{last})" if last >= block_start else 0
                for i, c in enumerate(columns)
                if c.kind == MONEY and not c.across
            }
            emit(row.values, "subtotal", row.indent, formulas)
        elif row.formula:
            formulas = {
                i: "=" + row.formula.format(**{k: f"{_letter(i)}{n}" for k, n in keyed.items()})
                for i, c in enumerate(columns)
                if c.kind == MONEY and not c.across
            }
            emit(row.values, "total", row.indent, formulas)
        else:
            emit(row.values, row.kind, row.indent)

    summed = {i for i, c in enumerate(columns) if c.summed}
    if sheet.totals is not None or summed:
        first, last = header_row + 1, current
        totals = list(sheet.totals or [_("Total")])
        formulas = {i: f"=SUM({_letter(i)}{first}:{_letter(i)}{last})" if last >= first else 0 for i in summed}
        emit(totals, "total", formulas=formulas)


def summed_where_they_add_up(columns: Sequence[Column], rows: Sequence[Sequence], totals: Sequence) -> list[Column]:
    """``columns`` with ``summed`` set on each money or count column whose rows add up to its total
    (amounts by fund do; donors by fund do not, as one donor gives to several funds): the totals
    row then holds a formula there, and the given figure elsewhere."""
    typed = []
    for index, column in enumerate(columns):
        if column.kind in (MONEY, INTEGER) and index < len(totals) and isinstance(totals[index], int):
            figures = [row[index] or 0 for row in rows if index < len(row)]
            if all(isinstance(f, int) for f in figures) and sum(figures) == totals[index]:
                column = replace(column, summed=True)
        typed.append(column)
    return typed


def xlsx_bytes(sheets: Sequence[Sheet | tuple], heading: Heading | None = None) -> bytes:
    """A workbook of ``sheets`` (a ``Sheet``, or ``(name, header, rows)`` whose kinds come from the
    values), each under the ``heading`` title block when one is given (imports' templates have none:
    the importer reads their first row as the header)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for sheet in sheets:
        if not isinstance(sheet, Sheet):
            name, header, rows = sheet
            sheet = Sheet(name, header, rows)
        _write_sheet(book, sheet, heading)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, sheets: Sequence[Sheet | tuple], heading: Heading | None = None) -> HttpResponse:
    content = xlsx_bytes(sheets, heading)
    return _attachment(HttpResponse(content, content_type=XLSX_TYPE), _stamped(filename, "xlsx"))


def table_response(
    fmt: str, filename: str, title: str, header: Sequence, rows: Iterable[Sequence], *, request=None, unit=None
):
    """CSV or XLSX of one table, by the ``format`` query parameter; None for any other format.

    ``header`` may hold ``Column``s (money columns get a summed totals row); with the ``request``
    the XLSX carries the title block (of ``unit``, else the active unit)."""
    if fmt == "csv":
        return csv_response(filename, [c.label if isinstance(c, Column) else c for c in header], rows)
    if fmt == "xlsx":
        heading = None
        if request is not None:
            heading = heading_for(title, unit=unit or getattr(request, "active_unit", None), user=request.user)
        return xlsx_response(filename, [Sheet(title, header, rows)], heading)
    return None


def pdf_bytes(template: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else None
    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(template: str, context: dict, filename: str, request=None, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf_bytes(template, context, request), content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{_stamped(filename, "pdf")}"'
    return response
