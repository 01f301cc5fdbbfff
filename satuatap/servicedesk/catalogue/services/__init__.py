"""Writes of the service catalogue (issue 17, part 1 and the WhatsApp line of part 6).

A unit defines its services (``service_save``); a unit below may adopt an ancestor's service, which
then follows the ancestor's published standard and adds local details (``service_adopt``). A
service's standard (the 14 components of PermenPANRB 15/2014) is drafted (``standard_draft``: a new
version copies the latest one), approved by the unit head (``standard_approve``: every component
filled) and published from an effective date no earlier than today (``standard_publish``); a
published version is frozen, and the older ones stay readable. ``desk_settings_save`` keeps the
unit's maklumat pelayanan, its WhatsApp line and the queue's rules.

Who acts: ``servicedesk.configure`` (administrators, heads) sets services, drafts and publishes;
only the head (``servicedesk.approve``) approves. Every refusal of one call is raised at once.
"""

from satuatap.servicedesk.catalogue.services.desk import DESK_FIELDS, DESK_NUMBERS, desk_settings_save
from satuatap.servicedesk.catalogue.services.offered import SERVICE_FIELDS, service_adopt, service_save
from satuatap.servicedesk.catalogue.services.standards import (
    STANDARD_FIELDS,
    standard_approve,
    standard_draft,
    standard_publish,
)

__all__ = [
    "DESK_FIELDS",
    "DESK_NUMBERS",
    "SERVICE_FIELDS",
    "STANDARD_FIELDS",
    "desk_settings_save",
    "service_adopt",
    "service_save",
    "standard_approve",
    "standard_draft",
    "standard_publish",
]
