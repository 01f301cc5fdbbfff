"""Reads of units and memberships, always scoped to the user's unit subtrees.

``subtree_q`` is the one scoping rule every app uses: an object is visible when
its unit's path starts with the path of a unit on which the user holds a role
with the capability asked for.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from satuatap.organizations.models import Membership, Unit
from satuatap.organizations.permissions import units_where


def subtree_q(user, capability: str, unit_field: str = "unit") -> Q:
    """Q filter for objects whose ``unit_field`` lies in the user's subtrees."""
    lookup = "path__startswith" if unit_field == "" else f"{unit_field}__path__startswith"
    query = Q(pk__in=[])
    for top in units_where(user, capability):
        query |= Q(**{lookup: top.path})
    return query


def scoped(queryset: QuerySet, user, capability: str, unit_field: str = "unit") -> QuerySet:
    return queryset.filter(subtree_q(user, capability, unit_field))


def units_for(user, *, within: Unit | None = None, capability: str = "unit.view") -> QuerySet[Unit]:
    units = scoped(Unit.objects.all(), user, capability, unit_field="")
    if within is not None:
        units = units.filter(path__startswith=within.path)
    return units.order_by("path")


def unit_for(user, pk, *, capability: str = "unit.view") -> Unit:
    """The unit with ``pk`` if the user may see it; 404 otherwise (no hint that it exists)."""
    try:
        return units_for(user, capability=capability).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def memberships_for(user, *, within: Unit | None = None, capability: str = "membership.view") -> QuerySet[Membership]:
    memberships = scoped(Membership.objects.select_related("user", "unit"), user, capability)
    if within is not None:
        memberships = memberships.filter(unit__path__startswith=within.path)
    return memberships.order_by("unit__path", "user__username", "role")


def membership_for(user, pk, *, capability: str = "membership.view") -> Membership:
    try:
        return memberships_for(user, capability=capability).get(pk=pk)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def with_parent_id(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """Annotate ``parent_id`` from the materialised path, in the same query."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Length, Substr

    parent = Unit.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen)).values(
        "pk"
    )[:1]
    return units.annotate(parent_id=Subquery(parent, output_field=IntegerField()))


def unit_public(institution_code: str, unit_code: str) -> Unit:
    """An active unit for public pages (``/layanan/LAZ/KDS01/``) by its institution's code and its
    own (either in any case); 404 for an unknown, inactive or ambiguous pair, and for junk."""
    institution_code = (institution_code or "").strip().upper()
    unit_code = (unit_code or "").strip().upper()
    if not (0 < len(institution_code) <= 10 and 0 < len(unit_code) <= 10):
        raise Http404
    units = list(
        Unit.objects.filter(
            institution__code=institution_code,
            institution__depth=1,
            institution__is_active=True,
            code=unit_code,
            is_active=True,
        ).select_related("institution")[:2]
    )
    if len(units) != 1:
        raise Http404
    return units[0]
