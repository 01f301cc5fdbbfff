"""What the queue's services share: the capabilities, the result of a take, the wording of a
moment, and the ticket's trail (``TicketEvent``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from satuatap.organizations.models import Unit
from satuatap.servicedesk.models import (
    Counter,
    QueueTicket,
    TicketEvent,
)

CONFIGURE = "servicedesk.configure"
SERVE = "servicedesk.serve"
# How many candidates "next" tries when other counters keep taking them first.
NEXT_TRIES = 20


@dataclass
class Taken:
    """A ticket just taken: where it stands (people ahead, minutes of waiting to expect)."""

    ticket: QueueTicket
    ahead: int
    wait_minutes: int
    # A booking checked in too late: the ticket is a walk-in one.
    late: bool = False


def moment_words(unit: Unit, moment: datetime | None) -> str:
    if moment is None:
        return _("when the office sets its hours")
    local = timezone.localtime(moment, unit.tzinfo)
    today = timezone.localtime(timezone.now(), unit.tzinfo).date()
    if local.date() == today:
        return _("today at %(time)s") % {"time": local.strftime("%H:%M")}
    return _("%(day)s at %(time)s") % {"day": date_format(local.date(), "l, j F Y"), "time": local.strftime("%H:%M")}


def ticket_event(ticket: QueueTicket, kind: str, at: datetime, counter: Counter | None = None, officer=None,
           note: str = "") -> TicketEvent:  # fmt: skip
    return TicketEvent.objects.create(
        ticket=ticket, unit_id=ticket.unit_id, kind=kind, at=at, counter=counter, officer=officer, note=note[:300]
    )
