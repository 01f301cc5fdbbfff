"""Importing a branch's or care unit's existing list of beneficiaries from XLSX/CSV.

Upload (``import_upload``) keeps the file and queues a check (``import_validate_task``);
the check reads every row with the registration rules and flags possible duplicates, against
the registry and within the file; the user then saves the valid rows all at once, choosing
which flagged rows to include (``import_commit_request``, then ``import_commit_task``;
the chosen flagged rows are saved as possible duplicates for review), after correcting cells on
the preview if they like (``import_row_correct``),
or cancels (``import_cancel``). ``columns.template_bytes`` gives the blank list to fill.
"""

from satuatap.beneficiaries.imports.jobs import (
    CAPABILITY,
    ImportRefused,
    import_cancel,
    import_commit,
    import_commit_request,
    import_row_correct,
    import_upload,
    import_validate,
)

__all__ = [
    "CAPABILITY",
    "ImportRefused",
    "import_cancel",
    "import_commit",
    "import_commit_request",
    "import_row_correct",
    "import_upload",
    "import_validate",
]
