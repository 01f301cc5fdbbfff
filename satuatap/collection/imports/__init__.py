"""Importing donors and donations from XLSX/CSV files (a branch's old spreadsheets).

Upload (``import_upload``) keeps the file and queues a check (``tasks.import_validate``);
the check reads every row and refuses each bad one with its row, column and reason;
the user then saves the valid rows all at once (``import_commit_request``, then
``tasks.import_commit``) or cancels (``import_cancel``). ``templates.template_bytes``
gives a blank template with an example row.
"""

from satuatap.collection.imports.common import ImportRefused
from satuatap.collection.imports.jobs import import_cancel, import_commit_request, import_upload, import_upload_check
from satuatap.collection.imports.steps import capability, columns, import_commit, import_validate

__all__ = [
    "ImportRefused",
    "capability",
    "columns",
    "import_cancel",
    "import_commit",
    "import_commit_request",
    "import_upload",
    "import_upload_check",
    "import_validate",
]
