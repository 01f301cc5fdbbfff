"""Reading a downloaded XLSX back as an accountant's Excel would show it.

openpyxl writes formulas without their results, so ``value`` computes the few
formulas the workbook writer produces (``SUM`` of ranges and cells, ``+`` and ``-``
of cells) from the cells they name: a test then checks a total against the sum it
computes itself.
"""

import re
from io import BytesIO

from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

_TERM = re.compile(r"([+-]?)(SUM\([^)]*\)|[A-Z]+[0-9]+|[0-9]+)")


def workbook(response):
    return load_workbook(BytesIO(response.content))


def value(sheet, coordinate: str):
    """The cell's value, with a formula computed."""
    cell = sheet[coordinate].value
    if not (isinstance(cell, str) and cell.startswith("=")):
        return cell or 0
    total = 0
    formula = cell[1:]
    assert _TERM.sub("", formula) == "", formula  # nothing the writer does not produce
    for sign, term in _TERM.findall(formula):
        if term.startswith("SUM("):
            figure = sum(_range(sheet, part) for part in term[4:-1].split(","))
        elif term.isdigit():
            figure = int(term)
        else:
            figure = value(sheet, term)
        total += -figure if sign == "-" else figure
    return total


def _range(sheet, reference: str) -> int:
    if ":" not in reference:
        return value(sheet, reference)
    min_col, min_row, max_col, max_row = range_boundaries(reference)
    return sum(
        value(sheet, cell.coordinate)
        for row in sheet.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)
        for cell in row
    )


def header_row(sheet, first_label: str) -> int:
    """The row number of the header whose first cell is ``first_label``."""
    for row in sheet.iter_rows(max_col=1):
        if row[0].value == first_label:
            return row[0].row
    raise AssertionError(f"no header {first_label!r}")


def row_of(sheet, label: str, column: int = 1) -> int:
    for row in sheet.iter_rows(min_col=column, max_col=column):
        if row[0].value == label:
            return row[0].row
    raise AssertionError(f"no row {label!r}")
