"""The service desk's areas that keep their own matrix entries (merged by tests/scoping.py; their
objects are built beside distribution's in tests/scoping_distribution.py)."""

from tests import (
    scoping_servicedesk_appointments,
    scoping_servicedesk_catalogue,
    scoping_servicedesk_figures,
    scoping_servicedesk_queue,
    scoping_servicedesk_requests,
)

SERVICEDESK_AREAS = (
    scoping_servicedesk_catalogue,
    scoping_servicedesk_queue,
    scoping_servicedesk_appointments,
    scoping_servicedesk_requests,
    scoping_servicedesk_figures,
)
