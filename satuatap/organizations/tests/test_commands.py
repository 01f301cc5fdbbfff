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


def test_demo_distribution_has_a_program_and_applications_at_every_stage(db):
    from satuatap.distribution.models import Application, Disbursement, Program

    call_command("demo")
    from satuatap.distribution.models import Loan, StockMove

    assert set(Program.objects.values_list("code", flat=True)) == {
        "sembako-pati",
        "beasiswa-pati",
        "modal-usaha-pati",
        "santunan-yatim",
    }
    assert Program.objects.get(code="beasiswa-pati").is_public
    food = Application.objects.filter(program__code="sembako-pati")
    assert sorted(food.values_list("status", flat=True)) == ["approved", "disbursed", "recommended"]
    assert sorted(Disbursement.objects.values_list("amount", flat=True)) == [300_000, 750_000, 1_000_000]
    loan = Loan.objects.get()
    assert loan.principal == 1_000_000 and loan.repaid == 100_000 and loan.installments.count() == 10
    assert StockMove.objects.get().quantity == 100


def test_demo_has_restricted_infak_for_an_orphan_program_given_at_the_counter_and_spent(db):
    from django.db.models import Q
    from django.test import Client

    from satuatap.accounts.models import User
    from satuatap.collection.models import Campaign, DonationLine
    from satuatap.distribution.models import Program
    from satuatap.ledger.models import FundPosition

    call_command("demo")
    program = Program.objects.get(code="santunan-yatim")
    assert (program.name, program.fund_kind) == ("Santunan Anak Yatim", "infak_restricted")
    assert Campaign.objects.get(code="ramadan-ceria-yatim").purpose == program.restriction
    key = program.restriction
    lines = DonationLine.objects.filter(Q(program=key) | Q(campaign__purpose=key))
    assert lines.count() == 5 and lines.filter(campaign__isnull=False).count() == 2
    # 5.000.000 given, 750.000 paid: one pot, under the program's key, at the Juwana branch.
    positions = FundPosition.objects.filter(fund__kind="infak_restricted").exclude(available=0)
    assert list(positions.values_list("unit__code", "restriction", "available")) == [
        ("PTI01", program.restriction, 4_250_000)
    ]
    client = Client()
    client.force_login(User.objects.get(username="keuangan"))
    assert "Santunan Anak Yatim" in client.get("/ledger/").content.decode()
    client.force_login(User.objects.get(username="amil"))
    kinds = dict(client.get("/collection/counter/").context["lines"].empty_form.fields["kind"].choices)
    assert f"for-{program.restriction}" in kinds


def test_demo_registry_has_households_assessments_aid_and_a_likely_duplicate(db):
    from satuatap.beneficiaries.matching import Probe, candidates
    from satuatap.beneficiaries.models import AidRecord, Assessment, Beneficiary

    call_command("demo")
    heads = Beneficiary.objects.filter(relation="head")
    assert heads.count() == 12 and Beneficiary.objects.filter(relation="child").count() == 12
    assert Assessment.objects.count() == 8 and AidRecord.objects.filter(source="manual").count() == 5
    assert Beneficiary.objects.filter(status="active").count() == 5
    first = heads.order_by("pk").first()
    found = candidates(first.institution_id, Probe.of_record(first))
    assert found and found[0].beneficiary.full_name == first.full_name.upper()


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
