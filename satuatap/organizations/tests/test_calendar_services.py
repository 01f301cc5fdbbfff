"""The calendar's services: a unit's week of hours, going back to inheriting, closures; every refusal
at once, in Indonesian by default and in English; only the unit's administrator or head."""

from datetime import date, time

import pytest
from django.utils import translation

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.core.errors import NotAllowed
from satuatap.organizations.errors import CalendarRefused
from satuatap.organizations.models import Closure, OpeningPeriod, Role, Schedule
from satuatap.organizations.selectors import week_for
from satuatap.organizations.services import (
    closure_remove,
    closure_save,
    opening_week_inherit,
    opening_week_set,
    unit_update,
)
from tests.factories import UserFactory, grant

LOCAL = {"kind": "local", "name": "Haul"}
OCT_6 = date(2026, 10, 6)
BAD = {"kind": "holiday", "name": "  "}
BAD_WEEK = {
    0: [("08:00", "12:00"), ("11:00", "13:00")],  # overlap
    2: [("25:00", "16:00")],  # not a time
    3: [("16:00", "08:00")],  # ends before it starts
    4: [("08:00", "")],  # no end
    5: [("07:00", "08:00"), ("09:00", "10:00"), ("11:00", "12:00"), ("13:00", "14:00")],  # four periods
}


def test_a_week_with_breaks_replaces_the_whole_week_and_is_audited(world):
    opening_week_set(
        actor=world.alice, unit=world.branch_a, schedule=Schedule.OFFICE, periods={0: [("08:00", "16:00")]}
    )
    week = opening_week_set(
        actor=world.alice,
        unit=world.branch_a,
        schedule=Schedule.OFFICE,
        periods={4: [("13:30", "16:00"), ("08:00", "11:30")], 5: [("08.00", "24:00")]},
    )
    assert week[4] == ((time(8), time(11, 30)), (time(13, 30), time(16)))
    assert week[0] == ()
    assert OpeningPeriod.objects.filter(unit=world.branch_a).count() == 3
    assert week_for(world.branch_a)[0][5] == ((time(8), time.max),)
    event = AuditEvent.objects.filter(action=AuditAction.OFFICE_HOURS_SET).latest("pk")
    old, new = event.changes["week"]
    assert "08" in old and "16" in old and "24" in new


def test_a_bad_week_is_refused_naming_every_bad_day_at_once(world):
    with translation.override("en"), pytest.raises(CalendarRefused) as refused:
        opening_week_set(actor=world.alice, unit=world.branch_a, schedule=Schedule.OFFICE, periods=BAD_WEEK)
    errors = refused.value.message_dict
    assert set(errors) == {"day_0", "day_2", "day_3", "day_4", "day_5"}
    assert errors["day_0"] == ["Monday: the periods overlap."]
    assert "between 00:00 and 24:00" in errors["day_2"][0]
    assert "start before it ends" in errors["day_3"][0]
    assert "at most 3 periods" in errors["day_5"][0]
    assert not OpeningPeriod.objects.exists()


def test_refusals_are_in_indonesian_by_default(world):
    with translation.override("id"), pytest.raises(CalendarRefused) as refused:
        opening_week_set(actor=world.alice, unit=world.branch_a, schedule=Schedule.OFFICE, periods=BAD_WEEK)
    assert refused.value.message_dict["day_0"][0].startswith("Senin")
    assert refused.value.message_dict["day_2"][0].startswith("Rabu")


def test_an_empty_week_and_an_unknown_schedule_are_refused(world):
    with pytest.raises(CalendarRefused):
        opening_week_set(actor=world.alice, unit=world.branch_a, schedule=Schedule.OFFICE, periods={})
    with pytest.raises(CalendarRefused) as refused:
        opening_week_set(actor=world.alice, unit=world.branch_a, schedule="radio", periods={0: [("08:00", "12:00")]})
    assert "schedule" in refused.value.message_dict
    with pytest.raises(CalendarRefused) as refused:
        opening_week_set(actor=world.alice, unit=world.branch_a, schedule="office", periods={9: [("08:00", "12:00")]})
    assert "periods" in refused.value.message_dict


@pytest.mark.parametrize("role", [Role.ADMIN, Role.HEAD])
def test_the_administrator_and_the_head_set_hours(world, role):
    user = UserFactory(username=f"cal-{role}")
    grant(user, world.branch_a, role)
    opening_week_set(actor=user, unit=world.branch_a, schedule=Schedule.WHATSAPP, periods={0: [("08:00", "16:00")]})
    assert week_for(world.branch_a, Schedule.WHATSAPP)[1] == world.branch_a


def test_other_roles_and_outsiders_change_nothing(world):
    with pytest.raises(NotAllowed):
        opening_week_set(actor=world.frank, unit=world.branch_a, schedule="office", periods={0: [("08:00", "12:00")]})
    with pytest.raises(NotAllowed):
        opening_week_set(actor=world.audrey, unit=world.branch_a, schedule="office", periods={0: [("08:00", "12:00")]})
    with pytest.raises(NotAllowed):
        opening_week_set(actor=world.alice, unit=world.branch_b, schedule="office", periods={0: [("08:00", "12:00")]})
    with pytest.raises(NotAllowed):
        closure_save(actor=world.alice, unit=world.area, first_day=date(2026, 1, 5), last_day=date(2026, 1, 5), **LOCAL)
    assert not OpeningPeriod.objects.exists() and not Closure.objects.exists()


def test_going_back_to_inheriting_drops_the_own_week(world):
    opening_week_set(actor=world.carol, unit=world.area, schedule="office", periods={0: [("07:00", "14:00")]})
    opening_week_set(actor=world.alice, unit=world.branch_a, schedule="office", periods={0: [("08:00", "12:00")]})
    week = opening_week_inherit(actor=world.alice, unit=world.branch_a, schedule="office")
    assert week[0] == ((time(7), time(14)),)
    assert week_for(world.branch_a)[1] == world.area
    events = AuditEvent.objects.filter(action=AuditAction.OFFICE_HOURS_SET, unit=world.branch_a)
    assert events.count() == 2
    opening_week_inherit(actor=world.alice, unit=world.branch_a, schedule="office")  # already: nothing
    assert events.count() == 2


def test_a_closure_is_saved_changed_and_removed_with_an_audit_trail(world):
    closure = closure_save(
        actor=world.alice,
        unit=world.branch_a,
        first_day=date(2026, 10, 5),
        last_day=date(2026, 10, 5),
        kind="local",
        name="  Haul  ",
    )
    assert closure.name == "Haul" and closure.created_by == world.alice
    closure_save(
        actor=world.alice,
        unit=world.branch_a,
        first_day=date(2026, 10, 5),
        last_day=date(2026, 10, 6),
        kind="local",
        name="Haul",
        closure=closure,
    )
    saved = AuditEvent.objects.filter(action=AuditAction.CLOSURE_SAVED).order_by("pk")
    assert saved.count() == 2
    assert saved.last().changes == {"last_day": ["2026-10-05", "2026-10-06"]}
    closure_remove(actor=world.alice, closure=closure)
    assert not Closure.objects.exists()
    assert AuditEvent.objects.get(action=AuditAction.CLOSURE_REMOVED).changes["name"] == ["Haul", None]


def test_a_bad_closure_names_every_field_at_once(world):
    with translation.override("en"), pytest.raises(CalendarRefused) as refused:
        closure_save(actor=world.alice, unit=world.branch_a, first_day=OCT_6, last_day=date(2026, 10, 1), **BAD)
    assert set(refused.value.message_dict) == {"last_day", "kind", "name"}
    with pytest.raises(CalendarRefused) as refused:
        closure_save(
            actor=world.alice, unit=world.branch_a, first_day=None, last_day=date(2028, 10, 1), kind="local", name="x"
        )
    assert set(refused.value.message_dict) == {"first_day"}
    with pytest.raises(CalendarRefused) as refused:
        closure_save(
            actor=world.alice, unit=world.branch_a, first_day=date(2026, 1, 1), last_day=date(2028, 1, 1), **LOCAL
        )
    assert set(refused.value.message_dict) == {"last_day"}


def test_a_closure_of_another_unit_cannot_be_changed_through_this_one(world):
    above = Closure.objects.create(unit=world.area, first_day=date(2026, 4, 1), last_day=date(2026, 4, 1), name="Raker")
    with pytest.raises(CalendarRefused):
        closure_save(
            actor=world.alice,
            unit=world.branch_a,
            first_day=date(2026, 4, 1),
            last_day=date(2026, 4, 2),
            kind="local",
            name="Raker",
            closure=above,
        )
    with pytest.raises(NotAllowed):
        closure_remove(actor=world.alice, closure=above)
    assert Closure.objects.filter(pk=above.pk, last_day=date(2026, 4, 1)).exists()


def test_observing_collective_leave_is_set_through_the_unit_update(world):
    unit_update(actor=world.alice, unit=world.branch_a, observes_collective_leave=False)
    world.branch_a.refresh_from_db()
    assert world.branch_a.observes_collective_leave is False
    event = AuditEvent.objects.get(action=AuditAction.UNIT_UPDATED, unit=world.branch_a)
    assert event.changes == {"observes_collective_leave": [True, False]}
