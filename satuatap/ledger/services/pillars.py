"""An institution's pillars: the areas its programs work in, and by which the distributions of its
infak, restricted infak and DSKL funds are booked.

An institution that set none uses the six standard pillars (``Pillar``). Its first own change
copies those in, so the standard ones stay usable and renamable. A new pillar gets a distribution
account in each non-zakat fund (zakat is booked by asnaf), coded after the fund's last pillar.
"""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import Refusals
from satuatap.core.text import squash
from satuatap.ledger.chart import PILLAR_NAMES
from satuatap.ledger.errors import AccountRefused
from satuatap.ledger.models import Account, AccountRole, AccountType, FundKind, InstitutionPillar, Pillar
from satuatap.ledger.selectors.pillars import pillars_of
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require

# The funds whose distributions are booked by pillar, and the name of each in an account's name.
PILLAR_FUNDS: dict[str, str] = {
    FundKind.INFAK: "infak/sedekah tidak terikat",
    FundKind.INFAK_RESTRICTED: "infak/sedekah terikat",
    FundKind.DSKL: "DSKL",
}


def _seed_standard(institution: Unit) -> None:
    if InstitutionPillar.objects.filter(institution=institution).exists():
        return
    InstitutionPillar.objects.bulk_create(
        InstitutionPillar(institution=institution, code=str(value), name=str(label), position=i)
        for i, (value, label) in enumerate(Pillar.choices, start=1)
    )


def _distribution_account(institution: Unit, fund_kind: str, code: str, name: str) -> None:
    """A distribution account of ``fund_kind`` for pillar ``code``, coded after the fund's last one."""
    accounts = Account.objects.filter(institution=institution, role=AccountRole.DISTRIBUTION, fund_kind=fund_kind)
    if accounts.filter(pillar=code).exists():
        return
    last = accounts.exclude(pillar="").aggregate(last=Max("code"))["last"]
    if last is None or not last.isdigit():
        return  # the institution has no pillar accounts for this fund (its chart is its own)
    number = int(last) + 1
    while Account.objects.filter(institution=institution, code=str(number)).exists():
        number += 1
    Account.objects.create(
        institution=institution,
        code=str(number),
        name=f"Penyaluran {PILLAR_FUNDS[fund_kind]} — pilar {name}",
        type=AccountType.DISTRIBUTION,
        role=AccountRole.DISTRIBUTION,
        fund_kind=fund_kind,
        pillar=code,
    )


@transaction.atomic
def pillar_save(*, actor, institution: Unit, code: str, name: str, is_active: bool = True) -> InstitutionPillar:
    """Add a pillar to the institution (with its distribution accounts), rename one, or deactivate
    one (programs and accounts that use it keep it)."""
    institution = institution if institution.is_institution else Unit.objects.get(pk=institution.institution_id)
    require(actor, "ledger.configure", institution)
    code = (code or "").strip().lower()
    name = squash(name)
    refusals = Refusals()  # the code and the name at once
    with refusals.check():
        if not code or len(code) > 16 or not code.replace("_", "").replace("-", "").isalnum():
            raise AccountRefused(
                _("A code is up to 16 lower-case letters, digits, dashes or underscores."), field="code"
            )
    with refusals.check():
        if not name or len(name) > 100:
            raise AccountRefused(_("Give the pillar a name of at most 100 characters."), field="name")
    refusals.raise_any(AccountRefused)
    _seed_standard(institution)
    Unit.objects.select_for_update().filter(pk=institution.pk).first()
    pillar = InstitutionPillar.objects.filter(institution=institution, code=code).first()
    before = {"name": pillar.name, "is_active": pillar.is_active} if pillar else {"name": None, "is_active": None}
    if pillar is None:
        position = (
            InstitutionPillar.objects.filter(institution=institution).aggregate(last=Max("position"))["last"] or 0
        )
        pillar = InstitutionPillar(institution=institution, code=code, position=position + 1)
    elif not is_active and len(pillars_of(institution.pk)) <= 1 and pillar.is_active:
        raise AccountRefused(_("An institution keeps at least one active pillar."), field="is_active")
    pillar.name = name
    pillar.is_active = bool(is_active)
    pillar._history_user = actor
    pillar.save()
    for fund_kind in PILLAR_FUNDS:
        _distribution_account(institution, fund_kind, code, PILLAR_NAMES.get(code, name))
    audit_record(
        actor=actor,
        action=AuditAction.PILLAR_SAVED,
        target=pillar,
        unit=institution,
        changes={"name": [before["name"], pillar.name], "is_active": [before["is_active"], pillar.is_active]},
    )
    return pillar
