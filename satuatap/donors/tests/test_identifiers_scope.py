"""Full NIK and NPWP only over donors in the reader's scope for ``donors.identifiers``.

Dina is finance at branch A (she may read identifiers there) and front office at branch B (she may
not): she sees branch B's donors, but their full NIK is not hers to read, whichever unit she works
as. The page, the detail's button, the API and the service decide the same way
(``selectors.identifiers_unit``).
"""

import pytest
from django.test import Client

from satuatap.api.services import api_token_create
from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.core.errors import NotAllowed
from satuatap.donors import selectors
from satuatap.donors.services import donor_identifiers_read, donor_register
from satuatap.donors.tests.conftest import give
from satuatap.organizations.middleware import SESSION_KEY
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant

NIK = "3171011708450002"


@pytest.fixture
def dina(world):
    user = UserFactory(username="dina")
    user.finance_a = grant(user, world.branch_a, Role.FINANCE)
    user.front_b = grant(user, world.branch_b, Role.FRONT_OFFICE)
    return user


@pytest.fixture
def donor_b(world):
    """A donor registered at branch B who never gave at branch A."""
    return donor_register(actor=world.bob, unit=world.branch_b, full_name="Donatur Bakung", nik=NIK)


def working_as(user, membership) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    session.save()
    return client


@pytest.mark.parametrize("role", ["finance_a", "front_b"])
def test_the_page_refuses_the_full_nik_of_a_donor_outside_the_identifier_scope(world, dina, donor_b, role):
    client = working_as(dina, getattr(dina, role))
    response = client.post(f"/donors/{donor_b.pk}/identifiers/")
    assert response.status_code == 403
    assert NIK not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.DONOR_IDENTIFIERS_VIEWED).exists()


def test_the_detail_offers_no_identifiers_button_outside_the_scope(world, dina, donor_b):
    response = working_as(dina, dina.finance_a).get(f"/donors/{donor_b.pk}/")
    assert response.status_code == 200  # she sees the donor (front office of branch B) ...
    assert 'data-testid="show-identifiers"' not in response.content.decode()  # ... not the button


def test_finance_reads_the_nik_of_a_donor_who_gave_at_their_branch_from_any_active_unit(world, desk, dina, donor_b):
    give(world.branch_a_sub, donor_b, world.frank, ("infak", 50_000))
    client = working_as(dina, dina.front_b)
    assert 'data-testid="show-identifiers"' in client.get(f"/donors/{donor_b.pk}/").content.decode()
    response = client.post(f"/donors/{donor_b.pk}/identifiers/")
    assert response.status_code == 200 and NIK in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.DONOR_IDENTIFIERS_VIEWED)
    assert event.unit_id == world.branch_a.pk  # read on behalf of the unit that gives the right


def test_finance_of_the_registering_branch_reads_the_nik(world, donor_b):
    finance_b = UserFactory(username="fina")
    membership = grant(finance_b, world.branch_b, Role.FINANCE)
    response = working_as(finance_b, membership).post(f"/donors/{donor_b.pk}/identifiers/")
    assert response.status_code == 200 and NIK in response.content.decode()


def test_the_service_refuses_a_unit_whose_scope_does_not_hold_the_donor(world, dina, donor_b):
    with pytest.raises(NotAllowed):
        donor_identifiers_read(actor=dina, donor=donor_b, unit=world.branch_a)
    assert selectors.identifiers_unit(dina, donor_b) is None


def test_the_api_refuses_and_tells_the_same(world, dina, donor_b):
    token = api_token_create(actor=dina, name="t")[1]
    client = Client(HTTP_AUTHORIZATION="Bearer " + token)
    assert client.get(f"/api/v1/donors/{donor_b.pk}/identifiers").status_code == 403
    assert client.get(f"/api/v1/donors/{donor_b.pk}").json()["identifiers_readable"] is False


def test_outsiders_get_404_for_the_identifiers(world, donor_b):
    for user in (world.eve, world.frank):
        client = Client()
        client.force_login(user)
        assert client.post(f"/donors/{donor_b.pk}/identifiers/").status_code == 404
    assert Client().post(f"/donors/{donor_b.pk}/identifiers/").status_code == 302
