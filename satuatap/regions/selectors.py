"""Reads of the administrative areas: children of an area for the pickers, look-ups by code or
name, the names of an address, and the matching of typed names ("Kab. Pati") to codes.

The areas are public reference data, the same for every unit, so nothing here is scoped.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from satuatap.core.errors import DomainError
from satuatap.regions.dataset import district_digits, regency_digits  # noqa: F401  (the official codes, read by core's NIK check)
from satuatap.regions.keys import fold, split_kind
from satuatap.regions.models import Area, Level

LEVEL_FIELDS: dict[int, str] = {
    Level.PROVINCE: "province",
    Level.REGENCY: "regency",
    Level.DISTRICT: "district",
    Level.VILLAGE: "village",
}


def normalise_code(code: str | None) -> str:
    """ "33.18.01.2001", "3318012001" and " 33.18 " all read as the dotted official code."""
    digits = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(digits) not in (2, 4, 6, 10) or not digits.isascii():
        return (code or "").strip()
    parts = [digits[:2], digits[2:4], digits[4:6], digits[6:10]]
    return ".".join(p for p in parts if p)


def area(code: str | None) -> Area | None:
    code = normalise_code(code)
    return Area.objects.filter(code=code).first() if code else None


def children(parent: str | None) -> QuerySet[Area]:
    """The areas directly under ``parent`` (the provinces for none), by name."""
    if not parent:
        return Area.objects.filter(level=Level.PROVINCE).order_by("name")
    return Area.objects.filter(parent_id=normalise_code(parent)).order_by("name")


def search(q: str = "", parent: str | None = None, level: int | None = None, limit: int = 50) -> QuerySet[Area]:
    """Areas whose name contains ``q`` (or whose code starts with it), under ``parent`` at any depth."""
    areas = Area.objects.all()
    if parent:
        code = normalise_code(parent)
        areas = areas.filter(Q(code__startswith=code + ".") | Q(code=code))
    if level:
        areas = areas.filter(level=level)
    q = (q or "").strip()
    if q:
        if any(ch.isdigit() for ch in q):
            areas = areas.filter(code__startswith=normalise_code(q))
        else:
            areas = areas.filter(name_key__contains=split_kind(q)[1] or fold(q))
    return areas.order_by("level", "name")[:limit]


def chain(code: str | None) -> list[Area]:
    """The area and those above it, province first: [province, regency, district, village]."""
    code = normalise_code(code)
    if not code:
        return []
    parts = code.split(".")
    codes = [".".join(parts[: i + 1]) for i in range(len(parts))]
    found = {a.code: a for a in Area.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def address_names(code: str | None, keep: dict | None = None) -> dict[str, str]:
    """The official names of an address's levels, for the free-text fields kept beside the code
    ({"province": ..., "regency": ..., "district": ..., "village": ...}); a level below the code's
    keeps its name from ``keep`` (a village typed under a picked district), else is empty."""
    keep = keep or {}
    names = {name: keep.get(name) or "" for name in LEVEL_FIELDS.values()}
    for item in chain(code):
        names[LEVEL_FIELDS[item.level]] = item.name
    return names


def match_code(fields: dict) -> str:
    """``match`` of an address's name fields, as a code ("" for no match)."""
    found = match(**{name: str(fields.get(name) or "") for name in LEVEL_FIELDS.values()})
    return found.code if found is not None else ""


def _one(level: int, text: str, parent: str | None) -> Area | None:
    kind, key = split_kind(text)
    if not key:
        return None
    areas = Area.objects.filter(level=level, name_key=key)
    found = list(areas.filter(code__startswith=parent + ".") if parent else areas)
    if len(found) > 1 and kind:
        found = [a for a in found if split_kind(a.name)[0] == kind]
    return found[0] if len(found) == 1 else None


def match(*, province: str = "", regency: str = "", district: str = "", village: str = "") -> Area | None:
    """The most precise area that the typed names point to without doubt, each level looked up under
    the one above (a code in any field is taken as it is). None when nothing matches."""
    best: Area | None = None
    for level, text in ((Level.PROVINCE, province), (Level.REGENCY, regency), (Level.DISTRICT, district),
                        (Level.VILLAGE, village)):  # fmt: skip
        text = (text or "").strip()
        if not text:
            continue
        if any(ch.isdigit() for ch in text) and not any(ch.isalpha() for ch in text):
            found = area(text)
            found = found if found is not None and found.level == level else None
        else:
            found = _one(level, text, best.code if best else None)
        if found is None:
            if level in (Level.PROVINCE, Level.REGENCY) and best is None:
                continue  # a regency may be known without its province
            break
        if best is not None and not found.code.startswith(best.code + "."):
            break
        best = found
    return best


def clean_code(value, error: type[DomainError] = DomainError, field: str = "region") -> str:
    """An address's area code as a service takes it: "" for none, else a known official code."""
    code = normalise_code(str(value or ""))
    if not code:
        return ""
    if not Area.objects.filter(code=code).exists():
        raise error(_("There is no area with the code %(code)s; choose the region from the lists.") % {"code": code},
                    field=field)  # fmt: skip
    return code


def nik_region_warning(nik: str, code: str | None) -> str:
    """A note (not a refusal: people move) when a NIK's district (its first six digits) is not the
    district of the picked address; "" when they agree or either is missing."""
    code = normalise_code(code)
    if not nik or len(nik) < 6 or len(code) < 8:
        return ""
    district = code[:8].replace(".", "")
    if nik[:6] == district:
        return ""
    names = address_names(normalise_code(nik[:6]))
    return _(
        "The NIK was issued in %(nik_place)s (digits 1 to 6), not in the district of the address; "
        "check the address if the person has not moved."
    ) % {"nik_place": ", ".join(n for n in (names["district"], names["regency"]) if n) or nik[:6]}


def regency_codes(pairs) -> dict[tuple, tuple[str, str]]:
    """For report grouping: each (area code or None, typed regency name) → (regency code, official
    name), or ("", "") when neither the code nor the name points to one regency. One query for the
    codes, one look-up per distinct unmatched name."""
    pairs = list(dict.fromkeys(pairs))
    wanted = {code[:5] for code, _name in pairs if code and len(code) >= 5}
    names = dict(Area.objects.filter(code__in=wanted).values_list("code", "name"))
    out, by_name = {}, {}
    for code, typed in pairs:
        if code and code[:5] in names:
            out[(code, typed)] = (code[:5], names[code[:5]])
            continue
        if typed not in by_name:
            found = match(regency=typed or "") if (typed or "").strip() else None
            regency = found is not None and found.level == Level.REGENCY
            by_name[typed] = (found.code, found.name) if found is not None and regency else ("", "")
        out[(code, typed)] = by_name[typed]
    return out


def names_of(codes) -> dict[str, str]:
    """{code: official name} of the given codes, in one query."""
    return dict(Area.objects.filter(code__in=set(codes)).values_list("code", "name"))
