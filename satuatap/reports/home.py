"""The home page of each role, scoped to the active unit's subtree (``core.dashboard`` draws it).

front office: today's donations and receipts; finance: the PSAK 109 funds, what each may still
distribute and the drafts waiting for approval; program: applications by stage and the overdue
ones; head: this year's collection beside last year's by month, the distribution ratio, zakat held
over a year and the approvals waiting; auditor: the latest voids, reversals and fair-share
overrides. A user with several roles on the unit sees the sections of each, once. Every figure is
read through the owning app's selectors (or its report functions), never its tables directly.
"""

from datetime import date

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from satuatap.collection import selectors as collection
from satuatap.core.charts import chart
from satuatap.core.dashboard import Section
from satuatap.distribution import selectors as distribution
from satuatap.distribution.models import OPEN_STATUSES, AppStatus
from satuatap.distribution.selectors import report as distribution_reports
from satuatap.ledger import selectors as ledger
from satuatap.ledger import selectors as ledger_reports
from satuatap.ledger.models import FundKind
from satuatap.ledger.selectors import MonthRange
from satuatap.organizations.models import Role
from satuatap.organizations.permissions import can, roles_on

LATEST = 8


def _month_names() -> list[str]:
    return [formats.date_format(date(2000, month, 1), "M") for month in range(1, 13)]


def front_office(request, unit, today) -> Section | None:
    user = request.user
    if not can(user, "collection.view", unit):
        return None
    figures = collection.day_figures(user, unit, today)
    by_fund = chart(
        "doughnut",
        _("Today by fund"),
        [label for _kind, label, _amount in figures["by_fund"]],
        [(_("Collected"), [amount for _kind, _label, amount in figures["by_fund"]])],
        label_heading=_("Fund"),
    )
    context = {
        "today": today,
        "figures": figures,
        "chart": by_fund,
        "receipts": collection.latest_receipts(user, unit, limit=LATEST),
        "donations_url": f"{reverse('collection:donations')}?date_from={today.isoformat()}&date_to={today.isoformat()}",
    }
    return Section("front_office", _("Today's donations and receipts"), "reports/home/front_office.html", context)


def finance(request, unit, today) -> Section | None:
    user = request.user
    if not can(user, "ledger.view", unit):
        return None
    funds = [f for f in ledger_reports.fund_totals(user, unit) if f.balance or f.available]
    drafts = ledger.drafts_for(user, unit=unit)
    context = {
        "funds": funds,
        "chart": chart(
            "bar",
            _("Balance and available to distribute by fund"),
            [f.label for f in funds],
            [
                (_("Balance"), [f.balance for f in funds]),
                (_("Available to distribute"), [f.available for f in funds]),
            ],
            label_heading=_("Fund"),
        ),
        "draft_count": drafts.count(),
        "drafts": list(drafts[:5]),
    }
    return Section("finance", _("Funds and drafts to approve"), "reports/home/finance.html", context)


def program(request, unit, today) -> Section | None:
    user = request.user
    if not can(user, "distribution.view", unit):
        return None
    counts = distribution.status_counts(distribution.applications_for(user, within=unit))
    stages = [status for status in AppStatus if status in OPEN_STATUSES or counts[status]]
    overdue_count, overdue = distribution.overdue_applications(user, within=unit, today=today, limit=LATEST)
    context = {
        "open": sum(counts[s] for s in OPEN_STATUSES),
        "overdue_count": overdue_count,
        "overdue": overdue,
        "chart": chart(
            "bar",
            _("Applications by stage"),
            [status.label for status in stages],
            [(_("Applications"), [counts[status] for status in stages])],
            money=False,
            horizontal=True,
            label_heading=_("Stage"),
            title_hidden=True,
        ),
        "list_url": reverse("distribution:applications"),
        "today": today,
    }
    return Section("program", _("Applications by stage"), "reports/home/program.html", context)


def head(request, unit, today) -> Section | None:
    user = request.user
    context: dict = {"today": today}
    if can(user, "collection.view", unit):
        months = collection.monthly_totals(user, unit, [today.year - 1, today.year])
        this_year, last_year = months[today.year], months[today.year - 1]
        context["collection"] = {
            "this_year": sum(this_year[: today.month]),
            "last_year": sum(last_year[: today.month]),
            "chart": chart(
                "bar",
                _("Collection by month, this year and last year"),
                _month_names(),
                [(str(today.year - 1), last_year), (str(today.year), this_year)],
                label_heading=_("Month"),
            ),
        }
        last = context["collection"]["last_year"]
        context["collection"]["change"] = (
            None if not last else round((context["collection"]["this_year"] - last) * 100 / last, 1)
        )
    if can(user, "distribution.view", unit):
        flows = {
            row.fund_kind: row
            for row in distribution_reports.fund_flows(unit, MonthRange(today.year, 1, today.year, today.month))
        }
        zakat = flows[FundKind.ZAKAT]
        held, over_a_year = distribution_reports.zakat_held(unit, today)
        context["zakat"] = {"row": zakat, "held": held, "over_a_year": over_a_year}
        context["awaiting_decision"] = distribution.awaiting_decision(user, within=unit).count()
    if can(user, "ledger.view", unit):
        context["drafts"] = ledger.drafts_for(user, unit=unit).count()
    if len(context) == 1:
        return None
    return Section("head", _("Collection, distribution and approvals"), "reports/home/head.html", context)


def auditor(request, unit, today) -> Section | None:
    user = request.user
    context = {
        "voids": collection.recent_voids(user, unit, limit=LATEST) if can(user, "collection.view", unit) else [],
        "reversals": ledger.reversals_for(user, unit=unit, limit=LATEST) if can(user, "ledger.view", unit) else [],
        "overrides": distribution.overrides_for(user, within=unit, limit=LATEST)
        if can(user, "distribution.view", unit)
        else [],
    }
    return Section("auditor", _("Voids, reversals and overrides"), "reports/home/auditor.html", context)


# Role -> the sections it sees, in the order the home page shows them.
ROLE_SECTIONS = {
    Role.FRONT_OFFICE: (front_office,),
    Role.FINANCE: (finance,),
    Role.PROGRAM: (program,),
    Role.HEAD: (head,),
    Role.AUDITOR: (auditor,),
}


def home_sections(request, unit) -> list[Section]:
    """The sections of the roles the user holds on ``unit`` (directly or from above), each once."""
    roles = roles_on(request.user, unit)
    today = timezone.localdate(timezone=unit.tzinfo)
    builders = []
    for role, sections in ROLE_SECTIONS.items():
        if role in roles:
            builders.extend(b for b in sections if b not in builders)
    return [section for build in builders if (section := build(request, unit, today)) is not None]
