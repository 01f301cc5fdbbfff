"""The desk's section of the home page (registered with ``core.dashboard`` in the app's ``ready``):
today's tickets, waiting and service times of the active unit's subtree, this week beside the last,
and the links to the figures and the Friday evaluation. Only for a unit whose subtree has a desk."""

from datetime import timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from satuatap.core.charts import chart
from satuatap.core.dashboard import Section
from satuatap.organizations.permissions import can
from satuatap.servicedesk.figures.selectors import desk_figures, week_start
from satuatap.servicedesk.models import Service


def home_sections(request, unit) -> list[Section]:
    user = request.user
    if unit is None or not can(user, "servicedesk.view", unit):
        return []
    if not Service.objects.filter(unit__path__startswith=unit.path, needs_queue=True).exists():
        return []
    today = timezone.localtime(timezone.now(), unit.tzinfo).date()
    monday = week_start(today)
    last_monday = monday - timedelta(days=7)
    days = desk_figures(user, unit, last_monday, today, "day")
    by_day = {row.key: row for row in days.rows}
    labels = [(last_monday + timedelta(days=n)) for n in range(7)]
    this_week = [by_day.get(monday + timedelta(days=n)) for n in range(7)]
    last_week = [by_day.get(day) for day in labels]
    week_chart = chart(
        "bar",
        _("Tickets this week and last"),
        [formats.date_format(day, "D") for day in labels],
        [
            (_("Last week"), [row.taken if row else 0 for row in last_week]),
            (_("This week"), [row.taken if row else None for row in this_week]),
        ],
        money=False,
        label_heading=_("Day"),
    )
    context = {"today": by_day.get(today), "chart": week_chart, "unit": unit}
    return [Section("servicedesk", _("Service desk today"), "servicedesk/figures/home.html", context)]
