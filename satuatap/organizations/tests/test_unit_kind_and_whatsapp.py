"""Small things an administrator meets when adding units: the kind offered first fits under the parent,
and the unit's WhatsApp number is kept in one form, like every phone."""

import pytest
from django.test import Client

from satuatap.organizations import services
from satuatap.organizations.errors import UnitRefused
from satuatap.organizations.models import Unit, UnitKind


def _as(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("parent", "kind"),
    [("alpha", "region"), ("region", "area"), ("area", "branch"), ("branch_a", "service")],
)
def test_the_add_unit_form_starts_on_a_kind_allowed_under_the_parent(world, parent, kind):
    parent = getattr(world, parent)
    form = _as(world.carol).get(f"/units/{parent.pk}/add/").context["form"]
    assert form["kind"].value() == kind
    # Only kinds the service accepts there are offered: no region under a regency.
    offered = [value for value, _label in form.fields["kind"].choices]
    assert offered == services.unit_kinds_under(parent) and kind in offered
    if parent.kind in (UnitKind.AREA, UnitKind.BRANCH):
        assert UnitKind.REGION not in offered


def test_a_unit_added_under_a_regency_with_the_offered_kind_is_saved(world):
    client = _as(world.carol)
    form = client.get(f"/units/{world.area.pk}/add/").context["form"]
    data = {"kind": form["kind"].value(), "name": "Cabang Cempaka", "code": "BRC", "time_zone": "Asia/Jakarta"}
    response = client.post(f"/units/{world.area.pk}/add/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert Unit.objects.get(code="BRC").kind == UnitKind.BRANCH


@pytest.mark.parametrize("typed", ["0812-3456-7890", "+62 812 3456 7890", "62812 3456 7890", " 0812 3456 7890 "])
def test_a_units_whatsapp_number_is_stored_in_one_form(world, typed):
    unit = services.unit_create(
        actor=world.alice, parent=world.branch_a, kind="service", name="Loket", code="LK1", whatsapp=typed
    )
    assert unit.whatsapp == "+6281234567890"
    services.unit_update(actor=world.alice, unit=unit, whatsapp="0813 1111 2222")
    unit.refresh_from_db()
    assert unit.whatsapp == "+6281311112222"


def test_a_whatsapp_number_that_is_no_number_is_refused_beside_its_field(world):
    with pytest.raises(UnitRefused) as refused:
        services.unit_update(actor=world.alice, unit=world.branch_a, whatsapp="nomor kantor")
    assert set(refused.value.message_dict) == {"whatsapp"}
    world.branch_a.refresh_from_db()
    assert world.branch_a.whatsapp == ""
