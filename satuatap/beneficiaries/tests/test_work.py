"""Records held as possible duplicates wait in the reviewer's work list, only within their scope."""

from datetime import date

import pytest

from satuatap.beneficiaries.models import Beneficiary
from satuatap.beneficiaries.tests.conftest import person
from satuatap.core.work import waiting_for
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def _titles(user, unit):
    return [item.title for item in waiting_for(user, unit)]


def test_a_held_record_waits_for_its_reviewers_only(world, registry):
    held = person(registry.paula, world.branch_a, "Siti Aminah", birth_date=date(1980, 5, 12), sex="F")
    Beneficiary.objects.filter(pk=held.pk).update(possible_duplicate_of=registry.siti)
    auditor = UserFactory(username="work-auditor")
    grant(auditor, world.branch_a, Role.AUDITOR)

    mine = [i for i in waiting_for(registry.paula, world.branch_a) if held.number in i.title]
    assert len(mine) == 1
    assert registry.siti.number in mine[0].title and mine[0].url.endswith(f"/{held.pk}/")
    assert not [t for t in _titles(registry.bella, world.branch_b) if held.number in t]  # a sibling branch
    assert not [t for t in _titles(auditor, world.branch_a) if held.number in t]  # may not review

    Beneficiary.objects.filter(pk=held.pk).update(possible_duplicate_of=None)  # reviewed
    assert not [t for t in _titles(registry.paula, world.branch_a) if held.number in t]
