"""The staff page of a unit's hours and holidays: the week editor of both schedules, closures, the
year's holidays, and every refusal shown at once on the form."""

from datetime import date, time

import pytest
from django.test import Client

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.organizations.models import Closure, OpeningPeriod
from satuatap.organizations.selectors import week_for


@pytest.fixture
def as_user():
    def _as(user):
        client = Client()
        client.force_login(user)
        return client

    return _as


def url(unit, query=""):
    return f"/units/{unit.pk}/calendar/{query}"


def week_post(schedule, rows):
    """The grid's POST: ``rows`` maps a weekday to its (opens, closes) periods."""
    data = {"action": "week", "schedule": schedule}
    for day in range(7):
        for i in range(3):
            opens, closes = (rows.get(day) or [])[i] if i < len(rows.get(day) or []) else ("", "")
            data[f"{schedule}-d{day}_{i}_opens"] = opens
            data[f"{schedule}-d{day}_{i}_closes"] = closes
    return data


def test_the_page_shows_both_schedules_the_holidays_and_the_open_now_line(world, as_user):
    page = as_user(world.alice).get(url(world.branch_a, "?year=2026"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Senin–Kamis 08.00–16.00; Jumat 08.00–11.30, 13.30–16.00" in text
    assert 'data-testid="week-whatsapp"' in text
    assert "Hari Kemerdekaan Republik Indonesia" in text
    assert "Cuti Bersama Hari Raya Idul Fitri" in text
    assert 'data-testid="open-now"' in text
    assert "belum ada unit di atas yang mengatur jam" in text


def test_the_unit_detail_page_links_to_the_calendar_and_shows_the_week(world, as_user):
    text = as_user(world.frank).get(f"/units/{world.branch_a.pk}/").content.decode()
    assert url(world.branch_a) in text
    assert "Senin–Kamis 08.00–16.00" in text


def test_setting_a_week_through_the_grid(world, as_user):
    data = week_post("office", {0: [("08:00", "12:00"), ("13:00", "16:00")], 4: [("08:00", "11:30")]})
    response = as_user(world.alice).post(url(world.branch_a), data)
    assert response.status_code == 302
    week, source = week_for(world.branch_a)
    assert source == world.branch_a
    assert week[0] == ((time(8), time(12)), (time(13), time(16)))
    assert week[4] == ((time(8), time(11, 30)),)
    assert week[1] == ()
    assert AuditEvent.objects.filter(action=AuditAction.OFFICE_HOURS_SET).count() == 1


def test_a_bad_week_shows_every_bad_day_at_once_and_keeps_the_input(world, as_user):
    data = week_post(
        "whatsapp",
        {0: [("08:00", "12:00"), ("11:00", "13:00")], 2: [("25:00", "16:00")], 3: [("16:00", "08:00")]},
    )
    response = as_user(world.alice).post(url(world.branch_a), data)
    assert response.status_code == 200
    text = response.content.decode()
    for day in (0, 2, 3):
        assert f'data-testid="day-errors-{day}"' in text
    assert 'value="25:00"' in text and 'value="11:00"' in text
    assert not OpeningPeriod.objects.exists()


def test_going_back_to_inheriting(world, as_user):
    client = as_user(world.alice)
    client.post(url(world.branch_a), week_post("office", {5: [("08:00", "12:00")]}))
    assert OpeningPeriod.objects.filter(unit=world.branch_a).exists()
    response = client.post(url(world.branch_a), {"action": "inherit", "schedule": "office"})
    assert response.status_code == 302
    assert not OpeningPeriod.objects.filter(unit=world.branch_a).exists()


def test_adding_and_removing_a_closure(world, as_user):
    client = as_user(world.alice)
    response = client.post(
        url(world.branch_a),
        {"action": "closure_add", "first_day": "2026-10-05", "last_day": "2026-10-06", "kind": "local", "name": "Haul"},
    )
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert (closure.first_day, closure.last_day, closure.name) == (date(2026, 10, 5), date(2026, 10, 6), "Haul")
    assert "Haul" in client.get(url(world.branch_a, "?year=2026")).content.decode()
    response = client.post(url(world.branch_a), {"action": "closure_remove", "closure": closure.pk})
    assert response.status_code == 302
    assert not Closure.objects.exists()


def test_a_bad_closure_names_every_field_at_once(world, as_user):
    response = as_user(world.alice).post(
        url(world.branch_a), {"action": "closure_add", "first_day": "2026-10-06", "last_day": "2026-10-01", "kind": "x"}
    )
    assert response.status_code == 200
    form = response.context["closure_form"]
    assert set(form.errors) == {"last_day", "kind", "name"}
    assert not Closure.objects.exists()


def test_a_closure_of_the_unit_above_is_shown_but_not_removable(world, as_user):
    Closure.objects.create(unit=world.area, first_day=date(2026, 4, 1), last_day=date(2026, 4, 1), name="Rapat kerja")
    text = as_user(world.alice).get(url(world.branch_a, "?year=2026")).content.decode()
    assert "Rapat kerja" in text
    assert 'data-testid="closure-remove"' not in text


def test_an_administrator_opts_out_of_collective_leave(world, as_user):
    response = as_user(world.alice).post(url(world.branch_a), {"action": "collective_leave"})
    assert response.status_code == 302
    world.branch_a.refresh_from_db()
    assert world.branch_a.observes_collective_leave is False


def test_a_front_office_clerk_reads_but_does_not_change(world, as_user):
    client = as_user(world.frank)
    page = client.get(url(world.branch_a))
    assert page.status_code == 200
    assert 'data-testid="closure-form"' not in page.content.decode()
    response = client.post(url(world.branch_a), week_post("office", {0: [("08:00", "12:00")]}))
    assert response.status_code == 403
    assert not OpeningPeriod.objects.exists()


def test_an_outsider_gets_404_for_another_units_calendar(world, as_user):
    client = as_user(world.alice)
    assert client.get(url(world.branch_b)).status_code == 404
    assert client.post(url(world.branch_b), week_post("office", {0: [("08:00", "12:00")]})).status_code == 404


def test_junk_never_gives_a_500(world, as_user):
    client = as_user(world.alice)
    assert client.get(url(world.branch_a, "?year=abc")).status_code == 200
    assert client.get(url(world.branch_a, "?year=99999")).status_code == 200
    assert client.post(url(world.branch_a), {"action": "week", "schedule": "nope"}).status_code == 400
    assert client.post(url(world.branch_a), {"action": "what"}).status_code == 400
    assert client.post(url(world.branch_a), {"action": "closure_remove", "closure": "x"}).status_code == 404


def test_the_public_ways_to_give_page_shows_the_structured_week_and_the_note(world, client):
    from satuatap.organizations.services import opening_week_set, unit_update

    opening_week_set(
        actor=world.alice,
        unit=world.branch_a,
        schedule="office",
        periods={**{day: [("08:00", "16:00")] for day in range(4)}, 4: [("08:00", "11:30"), ("13:30", "16:00")]},
    )
    unit_update(actor=world.alice, unit=world.branch_a, office_hours="Sabtu dengan janji temu")
    page = client.get(f"/cara-bayar/{world.alpha.code}/?kantor={world.branch_a.code}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Senin–Kamis 08.00–16.00; Jumat 08.00–11.30, 13.30–16.00" in text
    assert "Sabtu dengan janji temu" in text
