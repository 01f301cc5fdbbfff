"""Reading an uploaded spreadsheet: the generic reader lives in ``core.tabular`` (shared with the
beneficiaries import); this module keeps collection's imports reading from their usual place."""

from satuatap.core.tabular import (
    MAX_BYTES,
    MAX_ROWS,
    CellError,
    Column,
    FileRefused,
    Sheet,
    choice_map,
    digits_text,
    normalise,
    parse_choice,
    parse_count,
    parse_date,
    parse_rupiah,
    read_sheet,
    text,
)

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "CellError",
    "Column",
    "FileRefused",
    "Sheet",
    "choice_map",
    "digits_text",
    "normalise",
    "parse_choice",
    "parse_count",
    "parse_date",
    "parse_rupiah",
    "read_sheet",
    "text",
]
