import pytest
from django.core.management import CommandError, call_command

from satuatap.organizations.models import Membership, Unit
from tests.factories import UserFactory


def test_demo_is_idempotent(db):
    call_command("demo")
    counts = (Unit.objects.count(), Membership.objects.count())
    call_command("demo")
    call_command("demo", "--if-empty")
    assert (Unit.objects.count(), Membership.objects.count()) == counts
    assert counts[0] >= 10
    root = Unit.objects.get(depth=1)
    assert root.npwp and root.legal_basis
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"admin", "front_office", "finance", "program", "head", "auditor"}


def test_institution_create_command(db):
    UserFactory(username="op")
    call_command("institution_create", "--name", "LAZ Contoh", "--code", "CTH", "--admin", "op")
    root = Unit.objects.get(code="CTH")
    assert root.institution_id == root.pk
    assert Membership.objects.get(unit=root).role == "admin"


def test_institution_create_command_explains_bad_input(db):
    UserFactory(username="op")
    with pytest.raises(CommandError, match="code"):
        call_command("institution_create", "--name", "X", "--code", "bad code", "--admin", "op")
    with pytest.raises(CommandError, match="No user"):
        call_command("institution_create", "--name", "X", "--code", "XX", "--admin", "ghost")
