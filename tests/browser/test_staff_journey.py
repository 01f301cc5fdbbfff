import re

import pytest
from playwright.sync_api import expect

from satuatap.organizations.models import Unit
from tests.factories import grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))  # the home page: the login page ends in "/" too


def test_log_in_switch_unit_create_a_branch_see_it_in_the_tree_and_switch_language(page, shot, world):
    grant(world.carol, world.region, "head")  # a second role, to switch to
    log_in(page, "carol", world.password)
    expect(page.locator("html")).to_have_attribute("lang", "id")
    shot("home-id")

    # Switch the active unit to the region: the select submits itself.
    switcher = page.get_by_test_id("unit-switch")
    region_option = switcher.locator("option", has_text="Wilayah Satu")
    with page.expect_navigation():
        switcher.select_option(region_option.get_attribute("value"))
    expect(page.locator("#main")).to_contain_text("Wilayah Satu")
    # ...and back to the institution, where carol is administrator.
    switcher = page.get_by_test_id("unit-switch")
    with page.expect_navigation():
        switcher.select_option(switcher.locator("option", has_text="LAZ Alpha").get_attribute("value"))
    expect(page.locator("#main")).to_contain_text("LAZ Alpha")

    # Create a branch under the area.
    page.goto(f"/units/{world.area.pk}/add/")
    page.select_option("#id_kind", "branch")
    page.fill("#id_name", "Cabang Cempaka")
    page.fill("#id_code", "brc")
    page.select_option("#id_time_zone", "Asia/Makassar")
    shot("unit-form")
    page.get_by_test_id("save").click()
    expect(page.locator("h1")).to_contain_text("Cabang Cempaka")
    assert Unit.objects.get(code="BRC").institution_id == world.alpha.pk

    # A bad code is refused next to the field, in Indonesian.
    page.goto(f"/units/{world.area.pk}/add/")
    page.select_option("#id_kind", "branch")
    page.fill("#id_name", "Cabang Dahlia")
    page.fill("#id_code", "BRC")
    page.get_by_test_id("save").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Kode BRC sudah dipakai")
    shot("unit-form-error")

    # See it in the tree: expand the region, then the area (htmx loads children).
    page.goto("/units/")
    tree = page.get_by_test_id("unit-tree")
    tree.locator(f"#unit-{world.region.pk} > button").click()
    tree.locator(f"#unit-{world.area.pk} > button").click()
    expect(tree).to_contain_text("Cabang Cempaka")
    shot("unit-tree")

    # Switch language to English and back.
    expect(page.locator("h1")).to_have_text("Unit Kerja")
    page.get_by_test_id("lang-toggle").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Units")
    shot("unit-tree-en")
    page.get_by_test_id("lang-toggle").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("h1")).to_have_text("Unit Kerja")
