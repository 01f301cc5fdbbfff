"""The service desk's demo: the integrated service office (``units["service"]``, Kantor Layanan
Terpadu Kudus) with its services and published standards, office hours, queue lines and counters,
a morning of tickets, appointments and requests, and past weeks for the Friday evaluation; the
regency office of Pati (``units["regency_a"]``) has a small front desk too. Each area seeds its part,
in order: catalogue, queue, appointments, requests, figures."""

from satuatap.demo.seed import calendar
from satuatap.demo.seed.servicedesk import appointments, catalogue, figures, queue, requests


def servicedesk_create(admin, staff, units) -> None:
    for area in (calendar, catalogue, queue, appointments, requests, figures):
        area.seed(admin, staff, units)
