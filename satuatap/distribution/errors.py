from django.utils.translation import gettext as _

from satuatap.core.errors import DomainError
from satuatap.core.money import is_whole_rupiah
from satuatap.core.text import squash


class DistributionRefused(DomainError):
    """A program, application, approval or payment that cannot be saved as asked."""


class FairShareWarning(DistributionRefused):
    """The program's fair-share rule is broken; an approver may override it with a reason."""


def whole_rupiah(value, field: str, *, allow_zero: bool = False) -> int:
    """``value`` when it is an amount in whole rupiah (``core.money.is_whole_rupiah``), else the refusal
    naming ``field``."""
    if not is_whole_rupiah(value, allow_zero=allow_zero):
        raise DistributionRefused(_("Enter a positive amount in whole rupiah."), field=field)
    return value


def clean_text(value, field: str, limit: int, *, required: bool = False, message: str = "") -> str:
    """``value`` squashed to one line of text (``core.text.squash``), refused naming ``field`` when
    ``required`` and empty (``message``, or the common one) or longer than ``limit``."""
    text = squash(value)
    if required and not text:
        raise DistributionRefused(message or _("This field is required."), field=field)
    if len(text) > limit:
        raise DistributionRefused(
            _("This text is too long (at most %(max)s characters).") % {"max": limit}, field=field
        )
    return text
