"""Every bad field of the unit form comes back in one round (issue 14 item 4)."""

import pytest
from django.conf import settings
from django.test import Client

from satuatap.organizations.models import Unit

pytestmark = pytest.mark.django_db


def test_a_new_unit_shows_the_taken_code_and_the_bad_whatsapp_number_together(world):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.carol)
    before = Unit.objects.count()
    form = client.get(f"/units/{world.area.pk}/add/").context["form"]
    data = {
        "kind": form["kind"].value(),
        "name": "Cabang Cempaka",
        "code": world.branch_a.code,
        "time_zone": "Asia/Jakarta",
        "whatsapp": "12",
    }
    response = client.post(f"/units/{world.area.pk}/add/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "already used by another unit" in " ".join(errors.get("code", []))
    assert errors.get("whatsapp")
    assert Unit.objects.count() == before
