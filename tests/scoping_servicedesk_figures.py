"""Matrix entries for the service desk's figures (merged into tests/scoping.py and the matrices).

``matrix_ids(unit, officer, marker, base)`` builds this area's objects at ``unit`` (the marker, SECRET
where they are foreign, in their names) and returns their ids keyed by the kinds named below: a
service named with the marker and a served ticket of it today, so a figures page or export that
counted another unit's tickets would name it (by service) or show its unit (by unit).
"""

OBJECT_KINDS: dict = {}
LIST_VARIANTS: dict = {
    "servicedesk:figures": [
        "", "?by=service", "?by=counter&format=xlsx", "?by=officer", "?by=unit", "?by=week&format=xlsx",
        "?unit={unit_b}&by=service", "?unit={unit_beta}&by=unit&format=xlsx", "?start=2020-01-01&end=2099-12-31",
    ],
    "servicedesk:evaluation": ["", "?format=xlsx", "?format=pdf", "?unit={unit_b}", "?unit={unit_beta}&format=xlsx",
                               "?week=2020-W01"],
}  # fmt: skip
PUBLIC: set = set()
API_PARAMS: dict = {}
API_BODIES: dict = {}
PUBLIC_API: set = set()
# For tests/access_coverage.py: kind -> (model, unit lookup), and the reviewed reasons of public pages.
KIND_OWNERS: dict = {}
PUBLIC_REASONS: dict = {}
PUBLIC_API_REASONS: dict = {}


def matrix_ids(unit, officer, marker, base) -> dict:
    """A service named with the marker at ``unit`` and one ticket of it served today (written
    directly: the figures only read)."""
    from datetime import timedelta

    from django.utils import timezone

    from satuatap.servicedesk.models import QueueLine, QueueTicket, Service

    service, _created = Service.objects.get_or_create(
        unit=unit, code="MTXFIG", defaults={"name": f"{marker} Layanan Angka"}
    )
    line, _created = QueueLine.objects.get_or_create(unit=unit, prefix="FG", defaults={"name": f"{marker} Antrean"})
    now = timezone.now()
    ticket = QueueTicket.objects.create(
        unit=unit, line=line, service=service, day=timezone.localtime(now, unit.tzinfo).date(),
        number=QueueTicket.objects.filter(line=line).count() + 1, code=f"MTXF{unit.pk:06d}"[:10], status="done",
        taken_at=now - timedelta(minutes=20), wait_from=now - timedelta(minutes=20),
        called_at=now - timedelta(minutes=10), started_at=now - timedelta(minutes=9), finished_at=now, officer=officer,
    )  # fmt: skip
    return {"figures_service": service.pk, "figures_ticket": ticket.pk}
