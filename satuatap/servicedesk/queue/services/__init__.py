"""Every write of the walk-in queue: lines and counters, taking a ticket (kiosk, phone, booking
check-in), the counter's actions and the "nearly your turn" message.

Numbers are gapless per line and day: the taker raises ``LineDay.last_number`` with one atomic
``UPDATE`` (on PostgreSQL that row stays locked until the ticket is saved, so a refused or failed
take rolls the number back; on SQLite the write lock does the same). A counter's "next" picks its
candidate with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL and always claims it with a
conditional update (``status = waiting``), retried on the next candidate when another counter was
quicker: a ticket is never called twice.

Tickets are many: their trail is ``TicketEvent`` (also the display board's feed), not the audit log.
Lines and counters are configuration: ``QUEUE_CONFIGURED`` in the audit log.
"""

from satuatap.servicedesk.queue.services.common import CONFIGURE, NEXT_TRIES, SERVE, Taken
from satuatap.servicedesk.queue.services.counters import (
    counter_call_back,
    counter_close,
    counter_finish,
    counter_next,
    counter_no_show,
    counter_open,
    counter_pause,
    counter_recall,
    counter_start,
    counter_transfer,
)
from satuatap.servicedesk.queue.services.setup import counter_save, line_save
from satuatap.servicedesk.queue.services.tickets import ticket_check_in, ticket_notify, ticket_take

__all__ = [
    "CONFIGURE",
    "NEXT_TRIES",
    "SERVE",
    "Taken",
    "counter_call_back",
    "counter_close",
    "counter_finish",
    "counter_next",
    "counter_no_show",
    "counter_open",
    "counter_pause",
    "counter_recall",
    "counter_save",
    "counter_start",
    "counter_transfer",
    "line_save",
    "ticket_check_in",
    "ticket_notify",
    "ticket_take",
]
