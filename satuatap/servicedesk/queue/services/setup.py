"""Set-up of the queue: lines (letter, kind, services) and counters (number, services)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import Refusals
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require
from satuatap.servicedesk.errors import QueueRefused
from satuatap.servicedesk.models import (
    Counter,
    CounterStatus,
    LineKind,
    QueueLine,
    Service,
)
from satuatap.servicedesk.queue.services.common import CONFIGURE

# --- set-up -----------------------------------------------------------------------------------------


def _unit_services(unit: Unit, services) -> list[Service]:
    chosen = list(services or [])
    foreign = [s for s in chosen if s.unit_id != unit.pk]
    if foreign:
        raise QueueRefused(_("Choose services of this office."), field="services")
    return chosen


@transaction.atomic
def line_save(*, actor, unit: Unit, prefix: str, name: str, kind: str = LineKind.WALK_IN, services=(),
              position: int = 0, is_active: bool = True, line: QueueLine | None = None) -> QueueLine:  # fmt: skip
    """Create or change a queue line of ``unit``: its letter, name, kind and the services it serves.
    A service is served by one active walk-in line; a unit has one appointment line."""
    require(actor, CONFIGURE, unit)
    prefix = (prefix or "").strip().upper()
    name = (name or "").strip()
    refusals = Refusals()
    with refusals.check():
        if not (prefix.isascii() and prefix.isalpha() and 1 <= len(prefix) <= 2):
            raise QueueRefused(_("Use one or two capital letters (A, B, AB)."), field="prefix")
        clash = QueueLine.objects.filter(unit=unit, prefix=prefix).exclude(pk=line.pk if line else 0)
        if clash.exists():
            raise QueueRefused(_("Another line of this office has this letter."), field="prefix")
    with refusals.check():
        if not name:
            raise QueueRefused(_("Give the line a name."), field="name")
    with refusals.check():
        if kind not in LineKind.values:
            raise QueueRefused(_("Choose walk-in or appointments."), field="kind")
    chosen: list[Service] = []
    with refusals.check():
        chosen = _unit_services(unit, services)
        if kind == LineKind.WALK_IN and is_active:
            if not chosen:
                raise QueueRefused(_("Choose the services this line serves."), field="services")
            others = QueueLine.objects.filter(unit=unit, kind=LineKind.WALK_IN, is_active=True,
                                              services__in=chosen).exclude(pk=line.pk if line else 0)  # fmt: skip
            taken = sorted({s.code for other in others for s in other.services.all() if s in chosen})
            if taken:
                raise QueueRefused(
                    _("Already served by another line: %(codes)s.") % {"codes": ", ".join(taken)}, field="services"
                )
    with refusals.check():
        if kind == LineKind.APPOINTMENT and is_active:
            others = QueueLine.objects.filter(unit=unit, kind=LineKind.APPOINTMENT, is_active=True)
            if others.exclude(pk=line.pk if line else 0).exists():
                raise QueueRefused(_("This office already has an appointment line."), field="kind")
    refusals.raise_any(QueueRefused)
    created = line is None
    if line is None:
        line = QueueLine(unit=unit)
    line.prefix, line.name, line.kind, line.position, line.is_active = prefix, name, kind, position, is_active
    line.save()
    line.services.set(chosen)
    audit_record(
        actor=actor,
        action=AuditAction.QUEUE_CONFIGURED,
        target=line,
        unit=unit,
        changes={"line": prefix, "name": name, "kind": kind, "services": [s.code for s in chosen],
                 "active": is_active, "created": created},
    )  # fmt: skip
    return line


@transaction.atomic
def counter_save(*, actor, unit: Unit, number: int, name: str = "", services=(), is_active: bool = True,
                 counter: Counter | None = None) -> Counter:  # fmt: skip
    """Create or change a counter (loket) of ``unit`` and the services it serves."""
    require(actor, CONFIGURE, unit)
    refusals = Refusals()
    with refusals.check():
        if not isinstance(number, int) or not 1 <= number <= 999:
            raise QueueRefused(_("Give the counter a number from 1 to 999."), field="number")
        if Counter.objects.filter(unit=unit, number=number).exclude(pk=counter.pk if counter else 0).exists():
            raise QueueRefused(_("Another counter of this office has this number."), field="number")
    chosen: list[Service] = []
    with refusals.check():
        chosen = _unit_services(unit, services)
        if is_active and not chosen:
            raise QueueRefused(_("Choose the services this counter serves."), field="services")
    refusals.raise_any(QueueRefused)
    created = counter is None
    if counter is None:
        counter = Counter(unit=unit)
    counter.number, counter.name, counter.is_active = number, (name or "").strip()[:100], is_active
    if not is_active:
        counter.status, counter.officer = CounterStatus.CLOSED, None
    counter.save()
    counter.services.set(chosen)
    audit_record(
        actor=actor,
        action=AuditAction.QUEUE_CONFIGURED,
        target=counter,
        unit=unit,
        changes={"counter": number, "services": [s.code for s in chosen], "active": is_active, "created": created},
    )
    return counter
