"""Typed domain errors.

A ``DomainError`` is a ``ValidationError`` so that forms show it next to the
field it names, and the API turns it into its one error shape. ``NotAllowed``
is a ``PermissionDenied``: views answer 403, never 500.
"""

from collections.abc import Sequence
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError


class DomainError(ValidationError):
    """A business rule refused the action; the message is fit for a person."""

    def __init__(self, message, *, field: str | None = None, code: str | None = None):
        if field:
            super().__init__({field: [ValidationError(message, code=code)]})
        else:
            super().__init__(message, code=code)


class NotAllowed(PermissionDenied):
    """The acting user's role on the unit does not allow this action."""


def refusal_messages(exc: ValidationError) -> list[tuple[str | None, str]]:
    """(field, message) of each message a refusal carries; field None for one about the whole."""
    if hasattr(exc, "error_dict"):
        return [(name, message) for name, messages in exc.message_dict.items() for message in messages]
    return [(None, message) for message in exc.messages]


def combined(refusals: Sequence[ValidationError]) -> dict[str, list[ValidationError]]:
    """Several refusals as one error dict (field -> errors), to raise them together:
    ``raise DonorRefused(combined(refusals))``. Refusals about the whole go under NON_FIELD_ERRORS."""
    errors: dict[str, list[ValidationError]] = {}
    for refusal in refusals:
        if hasattr(refusal, "error_dict"):
            for field, field_errors in refusal.error_dict.items():
                errors.setdefault(field, []).extend(field_errors)
        else:
            errors.setdefault(NON_FIELD_ERRORS, []).extend(refusal.error_list)
    return errors


class Refusals:
    """The refusals of independent checks, raised together so that every bad field shows in one round:
    ``with refusals.check():`` around each check, then ``refusals.raise_any(SomeRefused)``."""

    def __init__(self):
        self.found: list[DomainError] = []

    @contextmanager
    def check(self):
        try:
            yield
        except DomainError as exc:
            self.found.append(exc)

    def raise_any(self, error_class: type[DomainError]) -> None:
        """One refusal is raised as it is (its own type); several as one ``error_class`` naming them all."""
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            raise error_class(combined(self.found))
