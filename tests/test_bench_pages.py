"""bench.pages reads the main menu of a page (not the user's own menu) to know which pages to time."""

import pytest

from bench.pages import menu_links

pytestmark = pytest.mark.django_db


def test_the_crawler_finds_the_menu_pages_of_the_role_and_not_the_user_menu(client, world):
    client.force_login(world.frank)
    links = menu_links(client.get("/").content.decode())
    assert "/" in links and "/collection/counter/" in links and "/collection/reports/" in links
    assert "/ledger/" not in links  # front office does not read the books
    assert not any(link.startswith("/accounts/") for link in links)
