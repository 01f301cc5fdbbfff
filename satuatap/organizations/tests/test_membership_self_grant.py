"""Nobody grants a role to themself: an administrator who could would take rights the administrator
role deliberately lacks (the program role reads full NIKs)."""

import json

import pytest
from django.test import Client
from django.utils import translation

from satuatap.api.services import api_token_create
from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.organizations.errors import MembershipRefused
from satuatap.organizations.models import Membership, Role
from satuatap.organizations.services import membership_grant

NEW = "/memberships/new/"
API = "/api/v1/memberships"


def _browser(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _api_post(user, body):
    _token, key = api_token_create(actor=user, name="test")
    return Client().post(
        API,
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _holds(user, role, unit) -> bool:
    return Membership.objects.filter(user=user, role=role, unit=unit, is_active=True).exists()


def test_the_service_refuses_a_grant_to_oneself_and_names_the_user_field(world):
    before = AuditEvent.objects.count()
    with translation.override("en"), pytest.raises(MembershipRefused) as refused:
        membership_grant(actor=world.alice, user=world.alice, unit=world.branch_a, role=Role.PROGRAM)
    assert refused.value.message_dict == {"user": ["You cannot grant a role to yourself; ask another administrator."]}
    assert not _holds(world.alice, Role.PROGRAM, world.branch_a)
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("role", [Role.PROGRAM, Role.FINANCE, Role.ADMIN])
def test_an_admin_cannot_grant_themself_a_role_through_the_page(world, role):
    client = _browser(world.alice)
    form = client.get(NEW).context["form"]
    offered = set(form.fields["user"].queryset.values_list("username", flat=True))
    assert "alice" not in offered and "frank" in offered
    response = client.post(NEW, {"user": world.alice.pk, "unit": world.branch_a_sub.pk, "role": role})
    assert response.status_code == 200
    assert response.context["form"].errors["user"]
    assert not _holds(world.alice, role, world.branch_a_sub)


def test_an_admin_cannot_grant_themself_a_role_through_the_api(world):
    response = _api_post(world.alice, {"user_id": world.alice.pk, "unit_id": world.branch_a.pk, "role": "program"})
    assert response.status_code == 400, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "refused"
    assert error["fields"] == {"user": ["You cannot grant a role to yourself; ask another administrator."]}
    assert not _holds(world.alice, Role.PROGRAM, world.branch_a)


def test_another_admin_may_still_grant_the_role(world):
    response = _browser(world.carol).post(NEW, {"user": world.alice.pk, "unit": world.branch_a.pk, "role": "program"})
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert _holds(world.alice, Role.PROGRAM, world.branch_a)
    assert AuditEvent.objects.filter(action=AuditAction.MEMBERSHIP_GRANTED, actor=world.carol).exists()
    api = _api_post(world.carol, {"user_id": world.alice.pk, "unit_id": world.branch_a.pk, "role": "finance"})
    assert api.status_code == 201, api.content[:300]
    assert _holds(world.alice, Role.FINANCE, world.branch_a)


def test_an_admin_of_another_branch_cannot_grant_there_at_all(world):
    """The outsider: bob administers branch B, not branch A."""
    response = _api_post(world.bob, {"user_id": world.bob.pk, "unit_id": world.branch_a.pk, "role": "program"})
    assert response.status_code in (403, 404)
    page = _browser(world.bob).post(NEW, {"user": world.bob.pk, "unit": world.branch_a.pk, "role": "program"})
    assert page.status_code == 200 and page.context["form"].errors
    assert not Membership.objects.filter(user=world.bob, unit=world.branch_a).exists()
