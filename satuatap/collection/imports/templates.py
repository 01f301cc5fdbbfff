"""The blank spreadsheet offered for each import: the header, one example row, and a sheet explaining each column."""

from django.utils.translation import gettext as _

from satuatap.collection.imports.steps import columns
from satuatap.core.exports import xlsx_bytes


def template_bytes(kind: str) -> bytes:
    cols = columns(kind)
    explained = [[str(c.label), _("yes") if c.required else _("no"), str(c.help)] for c in cols]
    return xlsx_bytes(
        [
            (
                _("Data"),
                [str(c.label) for c in cols],
                [[c.example if isinstance(c.example, int) else str(c.example) for c in cols]],
            ),
            (_("Help"), [_("Column"), _("Required"), _("What to write")], explained),
        ]
    )
