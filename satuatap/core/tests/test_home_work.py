"""The home page lists the work waiting for the user's role (``core.work.waiting_for``, once it exists)."""

from datetime import date
from types import SimpleNamespace

import pytest

from satuatap.core.views import pages as views

pytestmark = pytest.mark.django_db


def test_the_home_lists_what_waits_for_the_user(client, world, monkeypatch):
    asked = []

    def waiting_for(user, unit, limit=None):
        asked.append((user, unit, limit))
        item = SimpleNamespace(
            title="APP-7Q2K",
            url="/distribution/applications/1/",
            action="Assess",
            unit=unit,
            due_on=date(2026, 3, 2),
            overdue=True,
        )
        return [item]

    monkeypatch.setattr(views, "waiting_for", waiting_for)
    client.force_login(world.frank)
    html = client.get("/").content.decode()
    assert asked == [(world.frank, world.branch_a, 10)]
    assert '<a href="/distribution/applications/1/">APP-7Q2K</a> · Assess' in html
    assert "text-danger" in html


def test_without_the_work_module_the_home_says_nothing_waits(client, world, monkeypatch):
    monkeypatch.setattr(views, "waiting_for", None)
    client.force_login(world.frank)
    html = client.get("/").content.decode()
    assert "data-work-item" not in html and 'id="sa-work-title"' in html
