"""Writes of the regions app: linking addresses typed as names to official area codes.

Used by the data migrations of each app that keeps addresses (a model with a ``region`` foreign key
beside ``province``/``regency``/``district``/``village`` texts) and by ``manage.py regions_unmatched``.
"""

from satuatap.regions import selectors

NAME_FIELDS = ("province", "regency", "district", "village")


def address_models():
    """Every installed model with an address: a ``region`` key to an area and the four name fields."""
    from django.apps import apps

    from satuatap.regions.models import Area

    found = []
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "region"), None)
        if field is None or getattr(field, "related_model", None) is not Area:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        if set(NAME_FIELDS) <= names and not model.__name__.startswith("Historical"):
            found.append(model)
    return found


def addresses_link(model, using: str = "default") -> tuple[int, int]:
    """Give every row of ``model`` without a region the area its typed names match (see
    ``selectors.match``); returns (linked, left unmatched). Rows with no names are not counted."""
    rows = (
        model.objects.using(using)
        .filter(region__isnull=True)
        .exclude(province="", regency="", district="", village="")
        .values_list("pk", *NAME_FIELDS)
    )
    by_code: dict[str, list] = {}
    cache: dict[tuple, str] = {}
    unmatched = 0
    for pk, *names in rows.iterator(chunk_size=2000):
        key = tuple(n or "" for n in names)
        if key not in cache:
            area = selectors.match(**dict(zip(NAME_FIELDS, key, strict=True)))
            cache[key] = area.code if area else ""
        if cache[key]:
            by_code.setdefault(cache[key], []).append(pk)
        else:
            unmatched += 1
    linked = 0
    for code, pks in by_code.items():
        for start in range(0, len(pks), 500):
            linked += model.objects.using(using).filter(pk__in=pks[start : start + 500]).update(region_id=code)
    return linked, unmatched


def unmatched(model, using: str = "default"):
    """Rows of ``model`` whose typed address names match no area: (pk, province, regency, district, village)."""
    return (
        model.objects.using(using)
        .filter(region__isnull=True)
        .exclude(province="", regency="", district="", village="")
        .order_by("pk")
        .values_list("pk", *NAME_FIELDS)
    )
