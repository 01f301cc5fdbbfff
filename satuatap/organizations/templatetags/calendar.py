"""``{% office_hours unit %}``: a unit's structured office hours in one short line, with its note."""

from django import template

from satuatap.organizations.models import Schedule
from satuatap.organizations.selectors import week_for, week_summary

register = template.Library()


@register.inclusion_tag("organizations/_office_hours.html")
def office_hours(unit, schedule: str = Schedule.OFFICE, testid: str = "office-hours"):
    """The week of ``schedule`` ("Senin–Kamis 08.00–16.00; Jumat 08.00–11.30, 13.30–16.00") and the
    unit's note beside the hours (only with the office hours)."""
    week, _source = week_for(unit, schedule)
    return {
        "summary": week_summary(week),
        "note": unit.office_hours if schedule == Schedule.OFFICE else "",
        "testid": testid,
    }
