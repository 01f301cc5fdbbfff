"""Reads of the organisation: units and memberships, scoped to the user's subtrees (``units``), and
each unit's calendar: opening hours, closures, holidays and working-time arithmetic (``calendar``),
the one place every deadline in the product is counted."""

from satuatap.organizations.selectors.calendar import (
    DEFAULT_WEEK,
    UnitCalendar,
    calendar_for,
    holidays_between,
    week_for,
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
    "UnitCalendar",
    "calendar_for",
    "holidays_between",
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
