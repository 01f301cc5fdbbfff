"""The main menu: grouped so that it fits, showing only what the role on the active unit allows."""

import re

import pytest
from django.utils.translation import gettext_lazy as _

from satuatap.core import context_processors

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

GROUP = re.compile(r"dropdown-toggle[^>]*>([^<]+)</a>")


@pytest.fixture
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _menu(client) -> str:
    page = client.get("/").content.decode()
    return page.split('<ul class="navbar-nav me-auto">', 1)[1].split('<form class="d-flex', 1)[0]


def test_an_admin_sees_collection_service_desk_and_organisation_as_groups(world, login):
    menu = _menu(login(world.alice))
    assert GROUP.findall(menu) == ["Collection", "Service desk", "Organisation"]
    for url in ("/donors/", "/beneficiaries/", "/audit/", "/memberships/", "/units/"):
        assert f'href="{url}"' in menu


def test_entries_the_role_may_not_use_are_left_out(world, login):
    menu = _menu(login(world.frank))  # front office: no staff list, no audit trail, no ledger
    assert 'href="/audit/"' not in menu and 'href="/memberships/"' not in menu and 'href="/ledger/"' not in menu
    assert 'href="/collection/counter/"' in menu and 'href="/donors/"' in menu


def test_a_group_with_one_entry_for_the_role_shows_as_that_entry(world, login, monkeypatch):
    monkeypatch.setattr(
        context_processors,
        "NAVIGATION",
        [
            (
                _("Organisation"),
                [("audit:event_list", _("Audit trail"), "audit.view"), ("api:tokens", _("API tokens"), "unit.view")],
            )
        ],
    )
    frank = _menu(login(world.frank))
    assert GROUP.findall(frank) == []
    assert re.search(r'<a class="nav-link"\s+href="/api-tokens/">API tokens</a>', frank)
