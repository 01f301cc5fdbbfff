from satuatap.core.errors import DomainError


class DonorRefused(DomainError):
    """A donor's data that cannot be saved as given."""


class MergeRefused(DomainError):
    """Two donors that cannot be merged."""


class DuplicateDonor(DonorRefused):
    """A registration that repeats a registered donor exactly: refused until the caller confirms that
    this is another person. ``candidates`` are the matches (``matching.Candidate``)."""

    def __init__(self, message, *, candidates=(), field=None, code="duplicate"):
        super().__init__(message, field=field, code=code)
        self.candidates = list(candidates)
