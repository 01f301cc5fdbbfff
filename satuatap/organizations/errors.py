from satuatap.core.errors import DomainError


class UnitRefused(DomainError):
    """A unit cannot be created, changed or moved as asked."""


class MembershipRefused(DomainError):
    """A role cannot be granted or ended as asked."""


class CalendarRefused(DomainError):
    """Opening hours or a closure cannot be set as asked, or a date cannot be counted in working days."""
