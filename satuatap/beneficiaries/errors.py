from satuatap.core.errors import DomainError


class BeneficiaryRefused(DomainError):
    """A beneficiary's data or a step of their lifecycle that cannot be saved as given."""


class MergeRefused(DomainError):
    """Two records that cannot be merged."""


class DocumentRefused(DomainError):
    """An uploaded file that cannot be kept (type, size)."""
