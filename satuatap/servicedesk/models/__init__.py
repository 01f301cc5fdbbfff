"""The service desk's data, by area: the catalogue and standards, the queue, appointments and
service requests."""

from satuatap.servicedesk.models.appointments import Appointment, AppointmentStatus
from satuatap.servicedesk.models.catalogue import (
    DeskSettings,
    NoShowRule,
    Service,
    ServiceStandard,
    StandardRequirement,
    StandardStatus,
)
from satuatap.servicedesk.models.figures import WeekFigures
from satuatap.servicedesk.models.queue import (
    Counter,
    CounterStatus,
    LineDay,
    LineKind,
    Outcome,
    Priority,
    QueueLine,
    QueueTicket,
    TicketEvent,
    TicketEventKind,
    TicketSource,
    TicketStatus,
)
from satuatap.servicedesk.models.requests import (
    RequestChannel,
    RequestDocument,
    RequestDocumentKind,
    RequestStatus,
    RequestStep,
    RequirementCheck,
    ServiceRequest,
)

__all__ = [
    "Appointment",
    "AppointmentStatus",
    "Counter",
    "CounterStatus",
    "DeskSettings",
    "LineDay",
    "LineKind",
    "NoShowRule",
    "Outcome",
    "Priority",
    "QueueLine",
    "QueueTicket",
    "RequestChannel",
    "RequestDocument",
    "RequestDocumentKind",
    "RequestStatus",
    "RequestStep",
    "RequirementCheck",
    "Service",
    "ServiceRequest",
    "ServiceStandard",
    "StandardRequirement",
    "StandardStatus",
    "TicketEvent",
    "TicketEventKind",
    "TicketSource",
    "TicketStatus",
    "WeekFigures",
]
