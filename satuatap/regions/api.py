"""``GET /api/v1/regions``: the official administrative areas, to pick or check an address's code.
Public reference data (the same for every unit), so nothing is scoped; a token is still needed."""

from ninja import Field, Query, Router, Schema

from satuatap.api.schemas import ErrorOut
from satuatap.regions import selectors

router = Router(tags=["regions"])
ERRORS = {401: ErrorOut, 422: ErrorOut}


class AreaOut(Schema):
    code: str = Field(description="Official (Kemendagri) code: 33, 33.18, 33.18.02 or 33.18.02.2009.")
    name: str
    level: int = Field(description="1 province, 2 regency/city, 3 district (kecamatan), 4 village.")
    parent: str | None = Field(alias="parent_id")


class AreaFilter(Schema):
    parent: str | None = Field(None, max_length=20, description="Only areas under this code (any depth with q).")
    q: str | None = Field(None, max_length=100, description='A name ("Kab. Pati") or the start of a code.')
    level: int | None = Field(None, ge=1, le=4)


@router.get("/regions", response={200: list[AreaOut], **ERRORS}, summary="Administrative areas by parent or name")
def regions(request, filters: Query[AreaFilter]):
    """Without ``q``: the areas directly under ``parent`` (the provinces without one). With ``q``: up
    to 50 areas whose name contains it or whose code starts with it, under ``parent``."""
    if filters.q:
        return list(selectors.search(filters.q, filters.parent, filters.level))
    areas = selectors.children(filters.parent)
    return list(areas.filter(level=filters.level) if filters.level else areas)
