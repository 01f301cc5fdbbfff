"""The rows of an import kept as possible duplicates rather than refused: what the registration rules
found (a NIK already registered, a birth date that disagrees with the NIK), and what a flagged row and
the row or record it matches say differently, shown on the preview and kept on the saved record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from satuatap.beneficiaries.models import Beneficiary
from satuatap.core.names import name_key

if TYPE_CHECKING:
    from satuatap.beneficiaries.imports.rows import Row


def differences(row: Row, other: dict, *, values: bool = True) -> list[str]:
    """What a flagged row and the row or record it matches say differently (name, birth date, phone,
    village); without the ``values`` for a registry record (it may lie outside the user's units)."""
    out = []
    for key, label in (
        ("full_name", _("name")),
        ("birth_date", _("birth date")),
        ("phone", _("phone")),
        ("village", _("village")),
    ):
        mine, theirs = row.fields.get(key), other.get(key)
        if (
            key == "full_name"
            and mine
            and theirs
            and name_key(mine, drop_titles=True) == name_key(theirs, drop_titles=True)
        ):
            continue  # "Hj. Siti Aminah" and "Siti Aminah" say the same name
        if mine and theirs and mine != theirs and not values:
            out.append(_("The %(what)s differs from the record's.") % {"what": label})
        elif mine and theirs and mine != theirs:
            if isinstance(mine, date):
                mine, theirs = mine.isoformat(), theirs.isoformat()
            out.append(_("%(what)s %(mine)s here, %(theirs)s there") % {"what": label, "mine": mine, "theirs": theirs})
    return out


def flag_held(rows: list[Row], flag: Callable[[Row], dict], institution_id: int) -> set[int]:
    """Flag the possible duplicates the registration rules found in the rows (a NIK already registered,
    a birth date that disagrees with its NIK); returns the rows that would be held against a record."""
    ids = {held.match_id for row in rows for held in row.held if held.match_id is not None}
    records = {}
    for start in range(0, len(ids), 500):
        records.update(
            Beneficiary.objects.filter(pk__in=sorted(ids)[start : start + 500], institution_id=institution_id)
            .select_related("registered_unit")
            .only("pk", "full_name", "birth_date", "phone", "village", "registered_unit__name")
            .in_bulk()
        )
    held_rows = set()
    for row in rows:
        for held in row.held:
            entry = flag(row)
            if held.nik_birth_date is not None:
                entry["discrepancies"].append(
                    _("The birth date %(given)s disagrees with the NIK, whose digits say %(nik)s.")
                    % {"given": row.fields["birth_date"].isoformat(), "nik": held.nik_birth_date.strftime("%d-%m-%Y")}
                )
            record = records.get(held.match_id)
            if record is None:
                continue
            entry["registry"].insert(
                0, {"id": record.pk, "unit": record.registered_unit.name, "score": 1.0, "reasons": [_("same NIK")]}
            )
            other = {key: getattr(record, key) for key in ("full_name", "birth_date", "phone", "village")}
            entry["discrepancies"].extend(differences(row, other, values=False))
            held_rows.add(row.row)
    return held_rows


def one_per_record(entries: list[dict]) -> list[dict]:
    """The registry matches of a row, one per record (the same NIK and the candidate search may both
    name it): the highest score, every reason."""
    out: dict[int, dict] = {}
    for entry in entries:
        kept = out.setdefault(entry["id"], {**entry, "reasons": []})
        kept["score"] = max(kept["score"], entry["score"])
        kept["reasons"] += [reason for reason in entry["reasons"] if reason not in kept["reasons"]]
    return list(out.values())
