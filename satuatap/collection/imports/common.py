"""What both imports share: row errors, the outcome of a check, and registering many donors at once."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.collection.imports.sequences import sequence_take_block
from satuatap.core.crypto import EncryptedTextField
from satuatap.core.errors import DomainError
from satuatap.donors.models import Donor
from satuatap.donors.services import donor_fields_apply
from satuatap.ledger.services import allocate_ids, insert_rows
from satuatap.organizations.models import Unit

PREVIEW_ROWS = 20
PROGRESS_EVERY = 2000

Progress = Callable[[int], None]


class ImportRefused(DomainError):
    """An import that cannot be uploaded, saved or cancelled as asked."""


def no_progress(done: int) -> None:
    return None


@dataclass
class Checked:
    """The outcome of checking every row of a file."""

    total: int = 0
    valid: list = field(default_factory=list)  # the import's row objects, in file order
    errors: list[list] = field(default_factory=list)  # [row, column header, message], by row
    summary: dict = field(default_factory=dict)

    @property
    def error_rows(self) -> set[int]:
        return {row for row, _column, _message in self.errors}


def without_line_prefix(message: str) -> str:
    """A line rule's message without the "Line 1: " it starts with (an import row has one line)."""
    prefix = _("Line %(number)s: %(message)s") % {"number": 1, "message": ""}
    if message.startswith(prefix):
        message = message[len(prefix) :]
        return message[:1].upper() + message[1:]
    return message


def sentence(message: str) -> str:
    """A cell parser's clause as a sentence of its own."""
    message = message.strip()
    return message[:1].upper() + message[1:]


def institution_of(unit: Unit) -> Unit:
    return unit if unit.pk == unit.institution_id else Unit.objects.get(pk=unit.institution_id)


def donor_number(institution: Unit, year: int, sequence: int) -> str:
    """The donor number ``donors.services.donor_number_next`` gives for ``sequence``."""
    return f"{institution.code}-{year % 100:02d}{sequence:07d}"


HISTORY_COLUMNS = ["history_date", "history_change_reason", "history_type", "history_user_id"]


def insert_history(model, columns: list[str], rows: list[tuple], *, actor, now) -> None:
    """The "created" history rows (``+``) of rows just inserted into ``model``'s table, as
    simple_history writes them on a save, in one write."""
    history = model.history.model
    base = [
        f.column for f in history._meta.concrete_fields if f.column != "history_id" and f.column not in HISTORY_COLUMNS
    ]
    position = {name: i for i, name in enumerate(columns)}
    actor_id = actor.pk if actor is not None else None
    insert_rows(
        history,
        base + HISTORY_COLUMNS,
        (tuple(row[position[c]] if c in position else None for c in base) + (now, None, "+", actor_id) for row in rows),
    )


def _db_value(field, value):
    """A model field's value as a plain insert writes it (encrypted fields encrypted, JSON as text)."""
    if isinstance(field, EncryptedTextField):
        return field.get_prep_value(value)
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    return value


def donors_create_bulk(*, actor, unit: Unit, rows: list[dict]) -> list[Donor]:
    """Register donors from fields already cleaned by ``donors.services.donor_fields_clean``, numbered in one block.

    Each gets its history row and a "donor registered" audit event, as ``donor_register`` gives.
    """
    if not rows:
        return []
    institution = institution_of(unit)
    now = timezone.now()
    year = timezone.localdate().year
    first = sequence_take_block("donor", str(institution.pk), len(rows))
    ids = allocate_ids(Donor, len(rows))
    donors = []
    for offset, fields in enumerate(rows):
        donor = Donor(pk=ids[offset], institution=institution, registered_unit=unit, created_by=actor, created_at=now)
        donor_fields_apply(donor, fields)
        donor.number = donor_number(institution, year, first + offset)
        donors.append(donor)
    concrete = Donor._meta.concrete_fields
    columns = [f.column for f in concrete]
    values = [tuple(_db_value(f, getattr(donor, f.attname)) for f in concrete) for donor in donors]
    insert_rows(Donor, columns, values)
    insert_history(Donor, columns, values, actor=actor, now=now)
    target_type = ContentType.objects.get_for_model(Donor).pk
    insert_rows(
        AuditEvent,
        ["at", "actor_id", "action", "target_type_id", "target_id", "target_repr", "unit_id", "changes", "note"],
        (
            (
                now,
                actor.pk if actor is not None else None,
                AuditAction.DONOR_REGISTERED.value,
                target_type,
                str(donor.pk),
                str(donor)[:300],
                unit.pk,
                json.dumps({"number": [None, donor.number], "full_name": [None, donor.full_name]}),
                "",
            )
            for donor in donors
        ),
    )
    for donor in donors:
        donor._state.adding = False
    return donors
