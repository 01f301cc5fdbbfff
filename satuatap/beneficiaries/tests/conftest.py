"""Registry fixtures: ``registry`` gives program officers, a needs standard and a few people.

Personas on top of ``conftest.world``: ``paula`` (program officer of branch A), ``hana`` (head of
branch A), ``bella`` (program officer of branch B) and ``eve`` (admin of BETA). ``registry.siti``
is a woman of branch A with NIK and KK, head of her household; ``registry.secret`` is a branch-B
person whose name carries the SECRET marker that branch-A users must never see.
"""

from datetime import date
from types import SimpleNamespace

import pytest

from satuatap.beneficiaries.models import NeedCategory
from satuatap.beneficiaries.services import beneficiary_register, standard_save
from satuatap.collection.tests.conftest import english_messages  # noqa: F401  (fixture re-exported)
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant

# Valid NIKs (python-stdnum): region 3318 (Pati), born 1980-05-12 (+40 for a woman) and 1975-11-02.
NIK_SITI = "3318015205800003"
NIK_BUDI = "3318010211750001"
KK_SITI = "3318011203150002"
CONSENT = {"method": "written", "purpose": "assistance"}
# A simple standard: per month Rp1,000,000 of food for the first person, Rp500,000 per further member.
AMOUNTS = {
    c.value: {"base": 1_000_000 if c == NeedCategory.FOOD else 200_000, "per_member": 500_000 if c == "food" else 0}
    for c in NeedCategory
}


def person(actor, unit, full_name, **fields):
    fields.setdefault("consent", CONSENT)
    return beneficiary_register(actor=actor, unit=unit, full_name=full_name, **fields)


@pytest.fixture
def registry(world):
    paula = UserFactory(username="paula")
    hana = UserFactory(username="hana")
    bella = UserFactory(username="bella")
    grant(paula, world.branch_a, Role.PROGRAM)
    grant(hana, world.branch_a, Role.HEAD)
    grant(bella, world.branch_b, Role.PROGRAM)
    standard = standard_save(
        actor=world.carol, unit=world.alpha, name="Had kifayah 2026", valid_from=date(2026, 1, 1), amounts=AMOUNTS
    )
    siti = person(
        paula,
        world.branch_a,
        "Hj. Siti Aminah",
        nik=NIK_SITI,
        kk=KK_SITI,
        relation="head",
        birth_date=date(1980, 5, 12),
        sex="F",
        phone="0812-3456-7890",
        village="Kayen",
        district="Kayen",
        regency="Pati",
        province="Jawa Tengah",
    )
    secret = person(bella, world.branch_b, "SECRET Bakung Mustahik", birth_date=date(1975, 11, 2), sex="M")
    return SimpleNamespace(paula=paula, hana=hana, bella=bella, standard=standard, siti=siti, secret=secret)
