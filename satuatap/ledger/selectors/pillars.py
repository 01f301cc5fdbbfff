"""The institution's pillars of distribution as other modules read them: the codes a program or a
distribution account may name, and their names for reports (the standard six until it keeps its own)."""

from django.utils.translation import gettext as _

from satuatap.ledger.errors import AccountRefused
from satuatap.ledger.models import InstitutionPillar, Pillar


def pillars_of(institution_id: int, *, active_only: bool = True) -> list[tuple[str, str]]:
    """``[(code, name), ...]`` of the institution's pillars, in their order."""
    rows = InstitutionPillar.objects.filter(institution_id=institution_id)
    if active_only:
        rows = rows.filter(is_active=True)
    own = [(row.code, row.name) for row in rows]
    if own or InstitutionPillar.objects.filter(institution_id=institution_id).exists():
        return own
    return [(str(value), str(label)) for value, label in Pillar.choices]


def pillar_labels(institution_id: int) -> dict[str, str]:
    """Code -> name of every pillar the institution has or had (for reports of past years)."""
    labels = {str(value): str(label) for value, label in Pillar.choices}
    labels.update(dict(pillars_of(institution_id, active_only=False)))
    return labels


def check_pillar(institution_id: int, code: str, field: str = "pillar") -> str:
    if code not in dict(pillars_of(institution_id)):
        raise AccountRefused(_("Choose one of the institution's pillars."), field=field)
    return code
