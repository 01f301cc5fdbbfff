"""The audit trail as a person reads it: one row per changed value, "Label: old → new".

Events keep their changes as plain JSON (``{"field": [old, new]}``, written by ``services.diff``);
this module turns them into words in the reader's language, by these rules:

- the label is the target model's field ``verbose_name``; a key that is not a field of the target
  is looked for on the objects the target points to (a receipt's ``status`` is its donation's),
  then on those pointing to it (a stock item's event tells its movement's ``value``);
- a value of a field with choices reads as the choice's label, yes/no as words;
- money is whole rupiah in a ``BigIntegerField`` (every amount in the project is kept so), and a
  derived value named in ``MONEY_KEYS`` (a loan repayment's ``amount``) is money too: Rp1.250.000;
- a rate in ``basis_points`` reads as a percentage (12,5%), a date or moment in words (7 Desember 2026),
  a decimal quantity with the language's decimal mark (2,5);
- a foreign key kept as a number reads as the related object's name, fetched in one query per
  model for a whole page (``with_change_rows``);
- an authority limit is kept under the role's key (``{"head": [old, new]}``): it reads as the
  role's name and the amount in rupiah ("Office head: — → Rp10.000.000");
- an identifier (an encrypted field, or a key in ``IDENTIFIER_KEYS``) is written masked by the
  services and is masked here again if it ever was not: the trail never shows one in full.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.core.crypto import EncryptedTextField, mask
from satuatap.core.formatting import format_basis_points, format_date, format_datetime, rupiah
from satuatap.organizations.models import Role

EMPTY = "—"
MONEY_KEYS = frozenset({"amount", "total", "available", "need_amount", "max_amount", "principal"})
IDENTIFIER_KEYS = frozenset({"nik", "npwp", "kk"})
KEY_ALIASES = {"fund": "fund_kind", "active": "is_active"}
# Events that keep their changes under a role's key (an authority limit per role).
ROLE_KEYED_ACTIONS = frozenset({AuditAction.AUTHORITY_LIMIT_SET})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MASKED = re.compile(r"[*•]")

Row = tuple[str, str, str]


@lru_cache(maxsize=2048)
def _fields(model, name: str) -> tuple:
    """The model fields a change key may name, best first: on the target model itself; on a model it
    points to (a receipt's ``status`` is its donation's); on a model that points to it (a stock item's
    event tells its movement's ``value``). ``KEY_ALIASES`` maps a key that abbreviates a field's name."""
    if model is None:
        return ()
    forward = [f.related_model for f in model._meta.concrete_fields if f.is_relation and f.related_model]
    backward = [r.related_model for r in model._meta.related_objects if r.related_model]
    found = []
    for key in (name, KEY_ALIASES.get(name)):
        if key is None:
            continue
        for candidate in [model, *forward, *backward]:
            try:
                field = candidate._meta.get_field(key)
            except FieldDoesNotExist:
                continue
            if field.concrete:  # not a reverse relation that happens to share the name
                found.append(field)
    return tuple(found)


def _field(model, name: str, values=()):
    """The best of ``_fields``: the first whose choices hold one of the values, else the first."""
    fields = _fields(model, name)
    for field in fields:
        choices = dict(getattr(field, "flatchoices", None) or [])
        if choices and any(isinstance(v, str) and v in choices for v in values):
            return field
    return fields[0] if fields else None


def _label(field, name: str) -> str:
    label = str(getattr(field, "verbose_name", None) or name.replace("_", " "))
    return label[:1].upper() + label[1:]


def _is_identifier(field, name: str) -> bool:
    return name in IDENTIFIER_KEYS or isinstance(field, EncryptedTextField)


def _is_money(field, name: str) -> bool:
    if isinstance(field, models.BigIntegerField):
        return True
    return field is None and name in MONEY_KEYS


def _related_model(field):
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        return field.related_model
    return None


def shown(field, name: str, value, labels: dict | None = None) -> str:
    """One old or new value in words (see the module's rules)."""
    if value is None or value == "" or value == []:
        return EMPTY
    if _is_identifier(field, name):
        text = str(value)
        return text if _MASKED.search(text) else mask(text)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(shown(field, name, v, labels) for v in value)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if value in choices:
        return str(choices[value])
    if isinstance(value, int):
        model = _related_model(field)
        if model is not None:
            label = (labels or {}).get((model, value))
            return label if label is not None else f"#{value}"
        if name == "basis_points":
            return format_basis_points(value)
        if _is_money(field, name):
            return rupiah(value)
    if isinstance(value, str):
        if isinstance(field, models.DecimalField):  # a quantity: 2,5 kg
            try:
                return formats.number_format(Decimal(value).normalize(), use_l10n=True)
            except InvalidOperation:
                return value
        if isinstance(field, models.DateTimeField):
            try:
                return format_datetime(datetime.fromisoformat(value))
            except ValueError:
                return value
        if isinstance(field, models.DateField) or (field is None and _ISO_DATE.match(value)):
            try:
                return format_date(date.fromisoformat(value[:10]))
            except ValueError:
                return value
    return str(value)


def change_rows(event, labels: dict | None = None) -> list[Row]:
    """(label, old, new) for each value the event changed, in the reader's language."""
    model = event.target_type.model_class()
    roles = dict(Role.choices) if event.action in ROLE_KEYED_ACTIONS else {}
    rows = []
    for name, values in event.changes.items():
        old, new = values if isinstance(values, list | tuple) and len(values) == 2 else (None, values)
        if name in roles:  # an authority limit: the role's name, the amount up to which it approves
            amounts = (rupiah(v) if isinstance(v, int) else shown(None, name, v) for v in (old, new))
            rows.append((str(roles[name]), *amounts))
            continue
        field = _field(model, name, (old, new))
        rows.append((_label(field, name), shown(field, name, old, labels), shown(field, name, new, labels)))
    return rows


def _related_labels(events: Iterable) -> dict:
    """{(model, pk): name} of every related object the events' changes name by number: one query per model."""
    wanted: dict = defaultdict(set)
    for event in events:
        model = event.target_type.model_class()
        for name, values in event.changes.items():
            if not isinstance(values, list | tuple):
                continue
            related = _related_model(_field(model, name, values))
            if related is None:
                continue
            wanted[related].update(v for v in values if isinstance(v, int) and not isinstance(v, bool))
    labels = {}
    for model, pks in wanted.items():
        for obj in model._default_manager.filter(pk__in=pks):
            labels[(model, obj.pk)] = str(obj)
    return labels


def with_change_rows(events: Iterable) -> list:
    """The events, each with its readable rows computed (``event.change_rows()`` then reads no more)."""
    events = list(events)
    labels = _related_labels(events)
    for event in events:
        event._change_rows = change_rows(event, labels)
    return events


def changes_text(event) -> str:
    """The rows on one line, for an export: "Amount: — → Rp300.000; Status: Recorded → Void"."""
    return "; ".join(f"{label}: {old} → {new}" for label, old, new in event.change_rows())
