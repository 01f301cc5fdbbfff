from ninja import Router

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.schemas import AuditEventOut, ErrorOut
from satuatap.audit.selectors import audit_events_for, audit_events_of
from satuatap.organizations.permissions import require
from satuatap.organizations.selectors import unit_for

router = Router(tags=["audit"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/audit-events", response={200: list[AuditEventOut], **ERRORS}, summary="Audit trail in scope")
@paginate(LimitOffsetPagination)
def list_events(request, within: int | None = None):
    unit = unit_for(request.user, within) if within else None
    return audit_events_for(request.user, within=unit)


@router.get(
    "/units/{unit_id}/audit-events", response={200: list[AuditEventOut], **ERRORS}, summary="Audit trail of a unit"
)
@paginate(LimitOffsetPagination)
def unit_events(request, unit_id: int):
    unit = unit_for(request.user, unit_id)
    require(request.user, "audit.view", unit)
    return audit_events_of(request.user, unit)
