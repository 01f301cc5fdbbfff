"""Who may open the ledger's statements: a role that may not read the books is refused, not shown a form."""

import pytest

from tests.scoping import SLUGS


@pytest.mark.parametrize("slug", SLUGS["ledger:report"])
def test_front_office_is_refused_every_ledger_report(world, login, slug):
    client = login(world.frank)
    for query in ("", f"?unit={world.branch_a.pk}&start=2026-01&end=2026-03"):
        response = client.get(f"/ledger/reports/{slug}/{query}")
        assert response.status_code == 403, (slug, query)
        assert b'name="start"' not in response.content


@pytest.mark.parametrize("slug", ["trial-balance", "general-ledger"])
def test_an_auditor_still_opens_the_reports(world, login, slug):
    assert login(world.audrey).get(f"/ledger/reports/{slug}/").status_code == 200
