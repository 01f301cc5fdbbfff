"""Zakat fitrah rates over the REST API, as the collection settings page keeps them.

Mounted at ``/collection``. A unit's rate for a Ramadan (Hijri year) holds for the units below it
that set none; reading and setting them takes ``collection.configure`` on the unit (admin and
finance), as the settings page does. Reads go through ``collection.selectors`` (and the rate in
force through ``services.fitrah_rate_for``, the counter's own lookup); the write through
``services.fitrah_rate_set``. An id outside the user's units answers 404; a role that may not keep
rates there, 403.
"""

from datetime import date

from django.utils import timezone
from ninja import Query, Router

from satuatap.api.schemas import ErrorOut
from satuatap.api.scoping import acting_unit
from satuatap.collection import selectors, services
from satuatap.collection.api.schemas import FitrahRateIn, FitrahRateOut, FitrahRatesOut
from satuatap.organizations.models import Unit

router = Router(tags=["collection settings"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
CONFIGURE = "collection.configure"


def _today(unit: Unit) -> date:
    return timezone.localdate(timezone=unit.tzinfo)


@router.get("/fitrah-rates", response={200: FitrahRatesOut, **ERRORS}, summary="Zakat fitrah rates of a unit")
def list_fitrah_rates(request, unit_id: int | None = Query(None, description="Default: your first such unit.")):
    unit = acting_unit(request.user, unit_id, CONFIGURE)
    in_force = services.fitrah_rate_for(unit, _today(unit))
    return {
        "unit_id": unit.pk,
        "hijri_year": services.hijri_year(_today(unit)),
        "in_force": in_force,
        "in_force_inherited": in_force is not None and in_force.unit_id != unit.pk,
        "rates": list(selectors.fitrah_rates_for(request.user, unit)),
    }


@router.post(
    "/fitrah-rates",
    response={200: FitrahRateOut, **ERRORS},
    summary="Set a unit's zakat fitrah rate for one Hijri year (replaces the unit's rate of that year)",
)
def set_fitrah_rate(request, payload: FitrahRateIn):
    unit = acting_unit(request.user, payload.unit_id, CONFIGURE)
    rate = services.fitrah_rate_set(
        actor=request.user,
        unit=unit,
        hijri_year=payload.hijri_year,
        mode=payload.mode,
        amount=payload.amount,
        rice_kg=payload.rice_kg,
        rice_price_per_kg=payload.rice_price_per_kg,
    )
    return selectors.fitrah_rates_for(request.user, unit).get(pk=rate.pk)
