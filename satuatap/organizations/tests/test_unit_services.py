import pytest
from django.core.exceptions import ValidationError

from satuatap.audit.models import AuditEvent
from satuatap.core.errors import NotAllowed
from satuatap.organizations import services
from satuatap.organizations.models import Unit, UnitKind
from satuatap.organizations.selectors import units_for


def test_admin_creates_branch_below_own_unit_and_it_is_audited(world):
    unit = services.unit_create(
        actor=world.alice, parent=world.branch_a, kind=UnitKind.SERVICE, name="Loket Baru", code="lb01"
    )
    assert unit.code == "LB01"
    assert Unit.objects.get_parent(unit).pk == world.branch_a.pk
    assert unit.institution_id == world.alpha.pk
    event = AuditEvent.objects.get(action="unit.created", target_id=str(unit.pk))
    assert event.actor == world.alice
    assert event.changes["name"] == [None, "Loket Baru"]
    assert unit.history.count() == 1


def test_branch_admin_cannot_create_under_sibling_branch(world):
    with pytest.raises(NotAllowed):
        services.unit_create(actor=world.alice, parent=world.branch_b, kind=UnitKind.SERVICE, name="X", code="XX")


def test_auditor_cannot_create_units(world):
    with pytest.raises(NotAllowed):
        services.unit_create(actor=world.audrey, parent=world.branch_a, kind=UnitKind.SERVICE, name="X", code="XX")


@pytest.mark.parametrize("code", ["", "A", "TOO-LONG-CODE", "AB CD", "ÄB", "ABCDEFGHIJK"])
def test_invalid_code_is_refused_on_the_code_field(world, code):
    with pytest.raises(ValidationError) as exc:
        services.unit_create(actor=world.alice, parent=world.branch_a, kind=UnitKind.SERVICE, name="X", code=code)
    assert "code" in exc.value.message_dict


def test_duplicate_code_in_institution_is_refused_but_allowed_in_another(world):
    with pytest.raises(ValidationError) as exc:
        services.unit_create(actor=world.carol, parent=world.alpha, kind=UnitKind.REGION, name="Dup", code="BRB")
    assert "already used" in exc.value.message_dict["code"][0] or "sudah" in exc.value.message_dict["code"][0]
    # BETA already has a unit with code BRA: codes are unique per institution only.
    assert Unit.objects.filter(code="BRA").count() == 2


def test_bad_time_zone_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.unit_create(
            actor=world.alice, parent=world.branch_a, kind=UnitKind.SERVICE, name="X", code="XY", time_zone="Mars/Base"
        )
    assert "time_zone" in exc.value.message_dict


def test_region_cannot_sit_under_a_branch(world):
    with pytest.raises(ValidationError) as exc:
        services.unit_create(actor=world.alice, parent=world.branch_a, kind=UnitKind.REGION, name="X", code="XY")
    assert "kind" in exc.value.message_dict


def test_institution_fields_are_dropped_on_other_units(world):
    unit = services.unit_create(
        actor=world.alice, parent=world.branch_a, kind=UnitKind.SERVICE, name="X", code="XY", npwp="123"
    )
    assert unit.npwp == ""


def test_update_records_old_and_new_values(world):
    services.unit_update(actor=world.alice, unit=world.branch_a, name="Cabang Anggrek Raya", phone="0295-123")
    event = AuditEvent.objects.get(action="unit.updated")
    assert event.changes == {"name": ["Cabang Anggrek", "Cabang Anggrek Raya"], "phone": ["", "0295-123"]}


def test_update_with_invalid_value_leaves_the_unit_unchanged(world):
    with pytest.raises(ValidationError):
        services.unit_update(actor=world.alice, unit=world.branch_a, name="Renamed", code="bad code")
    world.branch_a.refresh_from_db()
    assert world.branch_a.name == "Cabang Anggrek"
    assert not AuditEvent.objects.filter(action="unit.updated").exists()


def test_move_takes_the_subtree_along(world):
    moved = services.unit_move(actor=world.carol, unit=world.branch_b, new_parent=world.region)
    assert Unit.objects.get_parent(moved).pk == world.region.pk
    assert world.branch_b_sub.__class__.objects.get(pk=world.branch_b_sub.pk).path.startswith(moved.path)
    assert AuditEvent.objects.filter(action="unit.moved", target_id=str(world.branch_b.pk)).exists()


def test_move_under_own_descendant_is_refused(world):
    before = list(Unit.objects.order_by("pk").values_list("pk", "path"))
    with pytest.raises(ValidationError) as exc:
        services.unit_move(actor=world.carol, unit=world.region, new_parent=world.branch_a)
    assert "new_parent" in exc.value.message_dict
    assert list(Unit.objects.order_by("pk").values_list("pk", "path")) == before


def test_move_across_institutions_is_refused(world, django_user_model):
    world.carol.is_superuser = True  # even the operator cannot mix tenants
    from tests.factories import grant

    grant(world.carol, world.beta)
    with pytest.raises(ValidationError) as exc:
        services.unit_move(actor=world.carol, unit=world.branch_a, new_parent=world.beta)
    assert "another institution" in str(exc.value) or "lembaga lain" in str(exc.value)


def test_move_needs_admin_rights_on_the_destination(world):
    with pytest.raises(NotAllowed):
        services.unit_move(actor=world.alice, unit=world.branch_a_sub, new_parent=world.branch_b)


def test_scope_is_the_subtree_and_nothing_else(world):
    visible = set(units_for(world.alice).values_list("code", flat=True))
    assert visible == {"BRA", "BRAS1"}
    assert set(units_for(world.carol).values_list("code", flat=True)) == {
        "ALPHA",
        "R1",
        "A1",
        "BRA",
        "BRAS1",
        "BRB",
        "BRBS1",
    }
    assert set(units_for(world.nina)) == set()
