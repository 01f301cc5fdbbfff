"""Downloads of what a user sees: CSV and XLSX tables, PDF documents.

Every table page offers the same rows as CSV (UTF-8 with BOM, which Excel opens
correctly) and XLSX (openpyxl, write-only so large tables stream in constant
memory). PDFs are HTML templates rendered by WeasyPrint.
"""

import csv
import re
from collections.abc import Iterable, Sequence
from io import BytesIO

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        # A sheet's name may not hold []:*?/\ (e.g. "Kabupaten/kota"), nor pass 31 characters.
        sheet = book.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "-", str(title))[:31])
        bold = []
        for text in header:
            cell = WriteOnlyCell(sheet, value=str(text))
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in rows:
            sheet.append([value if isinstance(value, (int, float)) or value is None else str(value) for value in row])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> HttpResponse:
    return _attachment(HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE), _stamped(filename, "xlsx"))


def table_response(fmt: str, filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence]):
    """CSV or XLSX of one table, by the ``format`` query parameter; None for any other format."""
    if fmt == "csv":
        return csv_response(filename, header, rows)
    if fmt == "xlsx":
        return xlsx_response(filename, [(title, header, rows)])
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
