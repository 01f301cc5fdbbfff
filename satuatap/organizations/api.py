import datetime

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.schemas import (
    ErrorOut,
    MembershipEndIn,
    MembershipIn,
    MembershipOut,
    MeOut,
    UnitIn,
    UnitMoveIn,
    UnitOut,
    UnitPatch,
)
from satuatap.api.scoping import acting_unit
from satuatap.core.work import waiting_for
from satuatap.organizations import services
from satuatap.organizations.models import ClosureKind, Role, Schedule, Unit, UnitKind, Weekday
from satuatap.organizations.permissions import active_memberships
from satuatap.organizations.selectors import (
    calendar_for,
    clock_colon,
    closure_for,
    closures_of,
    holiday_days,
    membership_for,
    memberships_for,
    opening_state,
    unit_for,
    units_for,
    week_summary,
    with_parent_id,
)

router = Router(tags=["organizations"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class UnitFilter(Schema):
    within: int | None = None
    kind: UnitKind | None = None
    q: str | None = None


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The authenticated user and their roles")
def me(request):
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": str(user),
        "memberships": [
            {"id": m.pk, "unit_id": m.unit_id, "unit_name": m.unit.name, "role": m.role}
            for m in active_memberships(user)
        ],
    }


class WorkItemOut(Schema):
    kind: str
    title: str
    url: str
    unit_id: int
    unit_name: str
    waiting_since: datetime.date | None
    due_on: datetime.date | None
    overdue: bool
    role: str
    action: str


@router.get("/me/work", response={200: list[WorkItemOut], **ERRORS}, summary="What waits for the user's roles")
def my_work(request, unit_id: int | None = None, limit: int | None = None):
    """What waits for the user's roles ("Pekerjaan saya"): within ``unit_id``'s subtree, or within
    every unit the user holds a role on; overdue first."""
    if limit is not None and not 1 <= limit <= 1000:
        raise HttpError(422, _("Ask for 1 to 1000 items."))
    if unit_id is not None:
        if not 1 <= unit_id < 2**63:  # larger than any key the database holds: names no unit
            raise Http404
        tops = [unit_for(request.user, unit_id)]
    else:  # each unit of a membership, except those inside another one's subtree
        units = {m.unit.path: m.unit for m in active_memberships(request.user)}
        tops = [u for path, u in units.items() if not any(path != p and path.startswith(p) for p in units)]
    seen, items = set(), []
    for top in tops:
        for item in waiting_for(request.user, top, limit):
            if item.url not in seen:
                seen.add(item.url)
                items.append(item)
    return [
        {
            "kind": i.kind,
            "title": i.title,
            "url": i.url,
            "unit_id": i.unit.pk,
            "unit_name": i.unit.name,
            "waiting_since": i.since_day,
            "due_on": i.due_on,
            "overdue": i.overdue,
            "role": i.role,
            "action": i.action,
        }
        for i in items[:limit]
    ]


@router.get("/units", response={200: list[UnitOut], **ERRORS}, summary="Units in the user's subtrees")
@paginate(LimitOffsetPagination)
def list_units(request, filters: Query[UnitFilter]):
    within = unit_for(request.user, filters.within) if filters.within else None
    units = units_for(request.user, within=within)
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.q:
        units = units.filter(name__icontains=filters.q)
    return with_parent_id(units)


def _one(unit: Unit) -> Unit:
    return with_parent_id(Unit.objects.filter(pk=unit.pk)).get()


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS}, summary="One unit")
def get_unit(request, unit_id: int):
    return _one(unit_for(request.user, unit_id))


@router.post("/units", response={201: UnitOut, **ERRORS}, summary="Create a unit below a parent")
def create_unit(request, payload: UnitIn):
    parent = unit_for(request.user, payload.parent_id)
    data = payload.dict(exclude={"parent_id"})
    unit = services.unit_create(actor=request.user, parent=parent, **data)
    return Status(201, _one(unit))


@router.patch("/units/{unit_id}", response={200: UnitOut, **ERRORS}, summary="Change a unit")
def update_unit(request, unit_id: int, payload: UnitPatch):
    unit = unit_for(request.user, unit_id)
    unit = services.unit_update(actor=request.user, unit=unit, **payload.dict(exclude_unset=True, exclude_none=True))
    return _one(unit)


@router.post("/units/{unit_id}/move", response={200: UnitOut, **ERRORS}, summary="Move a unit with its subtree")
def move_unit(request, unit_id: int, payload: UnitMoveIn):
    unit = unit_for(request.user, unit_id)
    new_parent = unit_for(request.user, payload.new_parent_id)
    unit = services.unit_move(actor=request.user, unit=unit, new_parent=new_parent)
    return _one(unit)


@router.get("/memberships", response={200: list[MembershipOut], **ERRORS}, summary="Roles in the user's subtrees")
@paginate(LimitOffsetPagination)
def list_memberships(request, within: int | None = None, active: bool = True):
    unit = unit_for(request.user, within) if within else None
    memberships = memberships_for(request.user, within=unit)
    if active:
        memberships = memberships.filter(is_active=True)
    return memberships


@router.get("/memberships/{membership_id}", response={200: MembershipOut, **ERRORS}, summary="One role")
def get_membership(request, membership_id: int):
    return membership_for(request.user, membership_id)


@router.post("/memberships", response={201: MembershipOut, **ERRORS}, summary="Grant a role on a unit")
def create_membership(request, payload: MembershipIn):
    unit = unit_for(request.user, payload.unit_id)
    user = get_object_or_404(get_user_model(), pk=payload.user_id, is_active=True)
    # Only staff of this institution (or people with no role yet) can be named, so ids of
    # other institutions' staff learn nothing.
    if user.memberships.filter(is_active=True).exclude(unit__institution_id=unit.institution_id).exists():
        raise Http404
    membership = services.membership_grant(actor=request.user, user=user, unit=unit, role=payload.role)
    return Status(201, membership)


@router.post("/memberships/{membership_id}/end", response={200: MembershipOut, **ERRORS}, summary="End a role")
def end_membership(request, membership_id: int, payload: MembershipEndIn):
    membership = membership_for(request.user, membership_id)
    membership = services.membership_end(actor=request.user, membership=membership, note=payload.note)
    return membership


# --- staff accounts, as the "new staff account" page opens them ---------------------------------------


class StaffAccountIn(Schema):
    unit_id: int = Field(description="The unit of the first role.")
    role: Role
    username: str = Field(pattern=r"^[a-z0-9._-]{3,40}$", description="3-40 lowercase letters, digits, . _ -")
    full_name: str = Field(min_length=1, max_length=200)
    email: str = Field("", max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: str = Field(min_length=10, max_length=128, description="The initial password; the person changes it.")


@router.post(
    "/staff-accounts",
    response={201: MembershipOut, **ERRORS},
    summary="Open an account for a new staff member with their first role (administrators)",
)
def create_staff_account(request, payload: StaffAccountIn):
    unit = unit_for(request.user, payload.unit_id)
    return Status(201, services.staff_create(actor=request.user, unit=unit, **payload.dict(exclude={"unit_id"})))


# --- a unit's calendar: office and WhatsApp line hours, closures, holidays ------------------------------


class PeriodIO(Schema):
    opens: str = Field(max_length=8, description="HH:MM in the unit's time zone, 00:00 to 23:59", examples=["08:00"])
    closes: str = Field(max_length=8, description="HH:MM, later than opens; 24:00 is the end of the day")


class DayOut(Schema):
    weekday: int = Field(description="0 = Monday … 6 = Sunday")
    name: str
    periods: list[PeriodIO]


class ScheduleOut(Schema):
    schedule: Schedule
    summary: str = Field(description='The week in one line: "Senin–Kamis 08.00–16.00; Jumat 08.00–11.30, 13.30–16.00"')
    own: bool = Field(description="The unit sets this week itself (else it follows the unit above)")
    inherited_from: int | None = Field(description="The unit whose week this is, when not the unit's own")
    week: list[DayOut]
    open_now: bool
    next_opening: datetime.datetime | None


class ClosureOut(Schema):
    id: int
    unit_id: int
    first_day: datetime.date
    last_day: datetime.date
    kind: ClosureKind
    name: str


class HolidayOut(Schema):
    day: datetime.date
    name: str
    collective_leave: bool
    observed: bool = Field(description="The unit is closed that day (a unit may stay open on collective leave)")


class CalendarOut(Schema):
    unit_id: int
    time_zone: str
    observes_collective_leave: bool
    office: ScheduleOut
    whatsapp: ScheduleOut
    closures: list[ClosureOut] = Field(description="The unit's own closures and those of the units above it")
    year: int
    holidays: list[HolidayOut]
    open_now: bool = Field(description="The office is open now")
    next_opening: datetime.datetime | None = Field(description="When the office opens next (now, if open)")


class DayIn(Schema):
    weekday: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")
    periods: list[PeriodIO] = Field(max_length=10)


class WeekIn(Schema):
    days: list[DayIn] = Field(default_factory=list, max_length=14, description="A day left out is closed")
    inherit: bool = Field(False, description="Drop the unit's own week and follow the unit above (days ignored)")


class ClosureIn(Schema):
    first_day: datetime.date
    last_day: datetime.date
    kind: ClosureKind = ClosureKind.LOCAL
    name: str = Field(max_length=200)


def _schedule_out(unit: Unit, schedule: str) -> dict:
    calendar = calendar_for(unit, schedule)
    own = calendar.inherited_from is not None and calendar.inherited_from.pk == unit.pk
    state = opening_state(calendar)
    return {
        "schedule": schedule,
        "summary": week_summary(calendar.week),
        "own": own,
        "inherited_from": None if own or calendar.inherited_from is None else calendar.inherited_from.pk,
        "week": [
            {
                "weekday": day,
                "name": str(Weekday(day).label),
                "periods": [{"opens": clock_colon(o), "closes": clock_colon(c)} for o, c in calendar.week.get(day, ())],
            }
            for day in range(7)
        ],
        "open_now": state.open_now,
        "next_opening": state.next_opening if not state.open_now else calendar.local(),
    }


@router.get(
    "/units/{unit_id}/calendar",
    response={200: CalendarOut, **ERRORS},
    summary="A unit's office and WhatsApp line hours, closures and the year's holidays",
)
def get_calendar(request, unit_id: int, year: int | None = None):
    unit = acting_unit(request.user, unit_id, "unit.view")
    if year is None:
        year = timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise HttpError(422, _("Ask for a year from 2000 to 2100."))
    office = _schedule_out(unit, Schedule.OFFICE)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return {
        "unit_id": unit.pk,
        "time_zone": unit.time_zone,
        "observes_collective_leave": unit.observes_collective_leave,
        "office": office,
        "whatsapp": _schedule_out(unit, Schedule.WHATSAPP),
        "closures": list(closures_of(unit, year=year)),
        "year": year,
        "holidays": [
            {"day": d, "name": n, "collective_leave": c, "observed": unit.observes_collective_leave or not c}
            for d, n, c in holiday_days(start, end)
        ],
        "open_now": office["open_now"],
        "next_opening": office["next_opening"],
    }


def _week_endpoint(schedule: str):
    def set_week(request, unit_id: int, payload: WeekIn):
        unit = acting_unit(request.user, unit_id, "unit.calendar", seen_with="unit.view")
        if payload.inherit:
            services.opening_week_inherit(actor=request.user, unit=unit, schedule=schedule)
        else:
            periods: dict[int, list[tuple[str, str]]] = {}
            for day in payload.days:
                periods.setdefault(day.weekday, []).extend((p.opens, p.closes) for p in day.periods)
            services.opening_week_set(actor=request.user, unit=unit, schedule=schedule, periods=periods)
        return _schedule_out(unit, schedule)

    set_week.__name__ = f"set_{schedule}_week"
    return set_week


WEEK_NAMES = {Schedule.OFFICE: "office hours", Schedule.WHATSAPP: "WhatsApp line hours"}
for _schedule in (Schedule.OFFICE, Schedule.WHATSAPP):
    router.put(
        f"/units/{{unit_id}}/calendar/{_schedule.value}",
        response={200: ScheduleOut, **ERRORS},
        summary=f"Set a unit's whole week of {WEEK_NAMES[_schedule]} (or follow the unit above)",
        operation_id=f"set_unit_{_schedule.value}_week",
    )(_week_endpoint(_schedule.value))


@router.post("/units/{unit_id}/closures", response={201: ClosureOut, **ERRORS}, summary="Close a unit on some days")
def create_closure(request, unit_id: int, payload: ClosureIn):
    unit = acting_unit(request.user, unit_id, "unit.calendar", seen_with="unit.view")
    closure = services.closure_save(actor=request.user, unit=unit, **payload.dict())
    return Status(201, closure)


@router.delete(
    "/units/{unit_id}/closures/{closure_id}", response={204: None, **ERRORS}, summary="Remove a unit's closure"
)
def delete_closure(request, unit_id: int, closure_id: int):
    unit = acting_unit(request.user, unit_id, "unit.calendar", seen_with="unit.view")
    closure = closure_for(request.user, closure_id, unit=unit)
    services.closure_remove(actor=request.user, closure=closure)
    return Status(204, None)
