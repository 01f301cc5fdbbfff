"""Merging two records of the same kind (donors, beneficiaries): every row of every app that
points at the duplicate is moved to the survivor, found from the model registry so that the
owning app needs to know nothing of the apps that keep records about it. History rows are
left alone: they record what was true then."""

from django.apps import apps
from django.db import IntegrityError, transaction


def _is_history_model(model) -> bool:
    from simple_history.models import HistoricalChanges

    return issubclass(model, HistoricalChanges)


def references_to(target_model, *, skip: tuple[tuple[type, str], ...] = ()) -> list[tuple[type, object]]:
    """Every (model, foreign key) that points at ``target_model``, but for the ``skip`` ones."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if _is_history_model(model):
            continue
        for field in model._meta.local_fields:
            if field.is_relation and field.related_model is target_model and (model, field.name) not in skip:
                found.append((model, field))
    return found


def move_references(actor, references, duplicate, survivor, reason: str, on_conflict) -> dict[str, int]:
    """Point every row of ``references`` at ``survivor`` instead of ``duplicate``: with history
    where the model keeps one. A unique constraint that the move would break raises what
    ``on_conflict(model)`` returns. Returns the number of rows moved per model label."""
    from simple_history.utils import bulk_update_with_history

    moved = {}
    for model, field in references:
        rows = model._default_manager.filter(**{field.name: duplicate})
        label = model._meta.label_lower
        try:
            with transaction.atomic():
                if hasattr(model, "history") and not model._meta.auto_created:
                    objs = list(rows)
                    for obj in objs:
                        setattr(obj, field.name, survivor)
                    bulk_update_with_history(
                        objs, model, [field.name], batch_size=500, default_user=actor, default_change_reason=reason
                    )
                    count = len(objs)
                else:
                    count = rows.update(**{field.name: survivor})
        except IntegrityError:
            raise on_conflict(model) from None
        if count:
            moved[label] = moved.get(label, 0) + count
    return moved
