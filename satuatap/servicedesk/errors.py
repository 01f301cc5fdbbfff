"""The service desk's refusals: one class per area, each a ``DomainError`` (a clear message in the
person's language, shown beside the field it names; the API's one error shape)."""

from satuatap.core.errors import DomainError


class ServiceDeskRefused(DomainError):
    """The service desk refused an action."""


class CatalogueRefused(ServiceDeskRefused):
    """A service, a standard or the desk's settings cannot be saved or moved on as asked."""


class QueueRefused(ServiceDeskRefused):
    """A ticket cannot be taken, or a counter cannot act on it, as asked."""


class AppointmentRefused(ServiceDeskRefused):
    """A booking cannot be made, cancelled or checked in as asked."""


class RequestRefused(ServiceDeskRefused):
    """A service request cannot be created or moved on as asked."""
