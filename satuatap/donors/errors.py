from satuatap.core.errors import DomainError


class DonorRefused(DomainError):
    """A donor's data that cannot be saved as given."""


class MergeRefused(DomainError):
    """Two donors that cannot be merged."""
