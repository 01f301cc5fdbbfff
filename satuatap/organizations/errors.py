from satuatap.core.errors import DomainError


class UnitRefused(DomainError):
    """A unit cannot be created, changed or moved as asked."""


class MembershipRefused(DomainError):
    """A role cannot be granted or ended as asked."""
