"""Approval (authority) limits over the REST API, as the limits page shows and sets them.

Mounted at ``/distribution``. Up to which amount each approving role's decision is final, per unit
of the user's ``distribution.configure`` subtree (admins and heads): the unit's own limit and the
one in force there (its own, else the nearest above). Reads go through ``selectors.limit_grid``; the
write through ``services.authority_limit_set``, which keeps the page's rule that nobody sets a
limit of a role they hold there (it would be their own). An id outside the user's units answers
404; a role that may not configure there, 403.
"""

from ninja import Field, Query, Router, Schema

from satuatap.api.scoping import acting_unit
from satuatap.core.money import MAX_RUPIAH
from satuatap.distribution import selectors, services
from satuatap.distribution.api.common import (
    ERRORS,
)
from satuatap.organizations.models import Role

router = Router(tags=["distribution"])
CONFIGURE = "distribution.configure"


class LimitCellOut(Schema):
    role: Role
    own: int | None = Field(description="The limit this unit sets itself; null: none.")
    in_force: int | None = Field(description="The limit that applies here: its own, else the nearest above.")
    set_at_unit_id: int | None = Field(description="The unit whose limit applies; null: the role does not approve.")


class LimitRowOut(Schema):
    unit_id: int
    unit_name: str
    depth: int = Field(description="Levels below the unit asked for.")
    limits: list[LimitCellOut]


class LimitIn(Schema):
    unit_id: int
    role: Role = Field(description="head, program, finance or admin.")
    max_amount: int | None = Field(
        ge=1,
        le=MAX_RUPIAH,
        description="Approves up to this many rupiah; null removes the unit's own limit (the one above applies).",
    )


class LimitOut(Schema):
    unit_id: int
    role: Role
    max_amount: int | None


def _row(row: dict) -> dict:
    cells = []
    for cell in row["cells"]:
        applied = cell["own"] or cell["inherited"]
        cells.append(
            {
                "role": cell["role"],
                "own": cell["own"].max_amount if cell["own"] else None,
                "in_force": applied.max_amount if applied else None,
                "set_at_unit_id": applied.unit_id if applied else None,
            }
        )
    unit = row["unit"]
    return {"unit_id": unit.pk, "unit_name": unit.name, "depth": row["depth"], "limits": cells}


@router.get(
    "/approval-limits",
    response={200: list[LimitRowOut], **ERRORS},
    summary="Approval limits per unit and role in your units",
    operation_id="satuatap_distribution_api_limits_list_limits",
)
def list_limits(request, unit_id: int | None = Query(None, description="This unit and those below it.")):
    within = acting_unit(request.user, unit_id, CONFIGURE)
    return [_row(row) for row in selectors.limit_grid(request.user, within)]


@router.post(
    "/approval-limits",
    response={200: LimitOut, **ERRORS},
    summary="Set up to which amount a role approves at a unit and below it, or remove the unit's own limit",
    operation_id="satuatap_distribution_api_limits_set_limit",
)
def set_limit(request, payload: LimitIn):
    unit = acting_unit(request.user, payload.unit_id, CONFIGURE)
    services.authority_limit_set(actor=request.user, unit=unit, role=payload.role, max_amount=payload.max_amount)
    return {"unit_id": unit.pk, "role": payload.role, "max_amount": payload.max_amount}
