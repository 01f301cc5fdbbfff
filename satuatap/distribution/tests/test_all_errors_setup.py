"""Every bad field of distribution's setup forms comes back in one round (issue 14 item 4): authority
limits and pillars, in the page and in their services; nothing is saved."""

import pytest

from satuatap.distribution import services
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import AuthorityLimit
from satuatap.distribution.tests.test_views import as_user, text_of
from satuatap.ledger.errors import AccountRefused
from satuatap.ledger.models import InstitutionPillar
from satuatap.ledger.services import pillar_save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def test_limits_show_the_role_that_does_not_approve_and_the_bad_amount_together(world, books):
    before = AuthorityLimit.objects.count()
    response = as_user(books.registry.hana).post(
        "/distribution/limits/", {"unit": world.branch_a.pk, "role": "front_office", "max_amount": "abc"}
    )
    assert response.status_code == 200
    html = text_of(response)
    assert "Choose a role that approves." in html and "Enter an amount in rupiah" in html
    assert AuthorityLimit.objects.count() == before


def test_the_limit_service_names_the_role_and_the_amount_at_once(world, books):
    with pytest.raises(DistributionRefused) as refused:
        services.authority_limit_set(actor=world.carol, unit=world.branch_a, role="donor", max_amount=-1)
    assert set(refused.value.error_dict) == {"role", "max_amount"}


def test_pillars_show_the_bad_code_and_the_missing_name_together(world, books):
    before = InstitutionPillar.objects.count()
    response = as_user(world.carol).post("/distribution/pillars/", {"code": "zakat produktif", "name": ""})
    assert response.status_code == 200
    html = text_of(response)
    assert "Use letters, digits, - and _." in html and "Name the pillar." in html
    assert InstitutionPillar.objects.count() == before


def test_the_pillar_service_names_the_code_and_the_name_at_once(world, books):
    with pytest.raises(AccountRefused) as refused:
        pillar_save(actor=world.carol, institution=world.alpha, code="a b", name="")
    assert set(refused.value.error_dict) == {"code", "name"}
