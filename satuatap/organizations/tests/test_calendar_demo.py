"""The demo's calendar: the service office's hours and WhatsApp line as the spec says, Saturday half
days at the Pati regency office, a local closure; all through the services."""

from datetime import time

from django.utils import translation

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.demo.seed import calendar as demo_calendar
from satuatap.organizations.models import Closure
from satuatap.organizations.selectors import week_for, week_summary


def test_the_demo_seeds_the_service_office_hours_line_hours_and_a_closure(world):
    units = {"root": world.alpha, "regency_a": world.branch_a, "regency_b": world.branch_b}
    units["service"] = world.branch_a_sub
    demo_calendar.seed(world.carol, {}, units)
    office, source = week_for(world.branch_a_sub)
    assert source == world.branch_a_sub
    with translation.override("id"):
        assert week_summary(office) == (
            "Senin–Kamis 08.00–12.00, 13.00–16.00; Jumat 08.00–11.30, 13.30–16.00; Sabtu 08.00–12.00"
        )
        assert week_summary(week_for(world.branch_a_sub, "whatsapp")[0]) == "Senin–Jumat 08.00–16.00"
    assert week_for(world.branch_a)[0][5] == ((time(8), time(12)),)
    assert Closure.objects.filter(unit=world.branch_a_sub).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.OFFICE_HOURS_SET).count() == 4
