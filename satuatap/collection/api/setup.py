"""Zakat fitrah rates over the REST API, as the collection settings page keeps them.

Mounted at ``/collection``. A unit's rate for a Ramadan (Hijri year) holds for the units below it
that set none; reading and setting them takes ``collection.configure`` on the unit (admin and
finance), as the settings page does. Reads go through ``collection.selectors`` (and the rate in
force through ``services.fitrah_rate_for``, the counter's own lookup); the write through
``services.fitrah_rate_set``. An id outside the user's units answers 404; a role that may not keep
rates there, 403.
"""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from satuatap.api.schemas import ErrorOut
from satuatap.api.scoping import acting_unit
from satuatap.collection import selectors, services
from satuatap.collection.models import FitrahRateMode
from satuatap.core.money import MAX_RUPIAH
from satuatap.organizations.models import Unit

router = Router(tags=["collection settings"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
CONFIGURE = "collection.configure"


class FitrahRateOut(Schema):
    id: int
    unit_id: int
    hijri_year: int
    mode: FitrahRateMode
    amount: int | None = Field(description="Rupiah per person (mode `money`).")
    rice_kg: Decimal = Field(description="Rice per person in kg (mode `rice`).")
    rice_price_per_kg: int | None = Field(description="Rupiah per kg of rice (mode `rice`).")
    per_person: int = Field(description="What one person pays, in whole rupiah (rice rounded up).")


class FitrahRatesOut(Schema):
    unit_id: int
    hijri_year: int = Field(description="The Hijri year of today at the unit.")
    in_force: FitrahRateOut | None = Field(description="This year's rate at the unit: its own, else the nearest above.")
    in_force_inherited: bool = Field(description="The rate in force is set by an office above the unit.")
    rates: list[FitrahRateOut] = Field(description="The rates the unit has set itself, newest year first.")


class FitrahRateIn(Schema):
    unit_id: int | None = Field(None, description="Default: your first unit where you keep collection settings.")
    hijri_year: int = Field(ge=1400, le=1600, description="e.g. 1447")
    mode: FitrahRateMode
    amount: int | None = Field(None, ge=1, le=MAX_RUPIAH, description="Mode `money`: rupiah per person.")
    rice_kg: Decimal | None = Field(
        None, ge=Decimal("0.5"), le=Decimal("10"), decimal_places=2, description="Mode `rice`: kg per person (2.5)."
    )
    rice_price_per_kg: int | None = Field(None, ge=1, le=MAX_RUPIAH, description="Mode `rice`: rupiah per kg.")


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
