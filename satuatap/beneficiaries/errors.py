from satuatap.core.errors import DomainError


class BeneficiaryRefused(DomainError):
    """A beneficiary's data or a step of their lifecycle that cannot be saved as given."""


class MergeRefused(DomainError):
    """Two records that cannot be merged."""


class DocumentRefused(DomainError):
    """An uploaded file that cannot be kept (type, size)."""


class PossibleDuplicate(BeneficiaryRefused):
    """A person who may already be registered: the same NIK as a record in use (``match_id``), or a
    birth date that disagrees with the NIK (``nik_birth_date``). Registration at the desk refuses it;
    an import keeps the row as a possible duplicate for a person to review."""

    def __init__(self, message, *, field=None, match_id: int | None = None, nik_birth_date=None):
        super().__init__(message, field=field, code="possible_duplicate")
        self.match_id = match_id
        self.nik_birth_date = nik_birth_date
