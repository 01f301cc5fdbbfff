"""Writing the audit trail. Call inside the transaction of the change it records."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from satuatap.audit.models import AuditAction, AuditEvent


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    changes = {}
    for key in after:
        old, new = _plain(before.get(key)), _plain(after.get(key))
        if old != new and not (old in (None, "") and new in (None, "")):
            changes[key] = [old, new]
    return changes


def audit_record(
    *, actor, action: AuditAction, target: models.Model, unit, changes: dict | None = None, note: str = ""
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        unit=unit,
        changes=changes or {},
        note=note,
    )
