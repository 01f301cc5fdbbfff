"""Every write of the organisation, one function per business action (check, do, audit, in one
transaction): units and memberships (``units``), and each unit's calendar (``calendar``)."""

from satuatap.organizations.services.calendar import (
    MAX_PERIODS,
    closure_check,
    closure_remove,
    closure_save,
    opening_week_inherit,
    opening_week_set,
)
from satuatap.organizations.services.units import (
    INSTITUTION_ONLY_FIELDS,
    UNIT_FIELDS,
    institution_create,
    membership_end,
    membership_grant,
    staff_create,
    staff_fields_check,
    unit_create,
    unit_kinds_under,
    unit_move,
    unit_update,
)

__all__ = [
    "MAX_PERIODS",
    "INSTITUTION_ONLY_FIELDS",
    "UNIT_FIELDS",
    "closure_check",
    "closure_remove",
    "closure_save",
    "institution_create",
    "membership_end",
    "membership_grant",
    "opening_week_inherit",
    "opening_week_set",
    "staff_create",
    "staff_fields_check",
    "unit_create",
    "unit_kinds_under",
    "unit_move",
    "unit_update",
]
