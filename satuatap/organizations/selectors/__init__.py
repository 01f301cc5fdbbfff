"""Reads of the organisation: units and memberships, scoped to the user's subtrees (``units``), and
each unit's calendar: opening hours, closures, holidays and working-time arithmetic (``calendar``),
the one place every deadline in the product is counted."""

from satuatap.organizations.selectors.calendar import (
    DEFAULT_WEEK,
    OpeningState,
    UnitCalendar,
    calendar_for,
    clock_text,
    closure_for,
    closures_of,
    holiday_days,
    holidays_between,
    opening_state,
    periods_text,
    week_for,
    week_summary,
)
from satuatap.organizations.selectors.units import (
    membership_for,
    memberships_for,
    scoped,
    subtree_q,
    unit_for,
    unit_public,
    units_for,
    with_parent_id,
)

__all__ = [
    "DEFAULT_WEEK",
    "OpeningState",
    "UnitCalendar",
    "calendar_for",
    "clock_text",
    "closure_for",
    "closures_of",
    "holiday_days",
    "holidays_between",
    "opening_state",
    "periods_text",
    "week_summary",
    "membership_for",
    "memberships_for",
    "scoped",
    "subtree_q",
    "unit_for",
    "unit_public",
    "units_for",
    "week_for",
    "with_parent_id",
]
