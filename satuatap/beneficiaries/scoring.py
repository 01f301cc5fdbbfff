"""The need score of an assessment, computed in the open against the had kifayah standard.

The standard (``NeedsStandard``) gives, per need category, a monthly amount for the first
person of a household and one for each further member; their sum for the household's size
is its minimum needs (had kifayah). What the household has per month is its income plus a
twelfth of its assets (what could be sold over a year). The score, 0 to 100:

- up to 70 points for the shortfall: 70 × (needs − what it has) ÷ needs;
- up to 10 for housing: unfit 10, poor 7, fair 3, and 3 more for no fixed home;
- up to 12 for vulnerability: 4 for each of disability, elderly, orphan, chronic illness,
  single-parent household;
- up to 8 for debt: 8 × debts ÷ a year of needs.

Each step is kept in ``breakdown`` with its figures, so the page shows how the score came
about. The recommended asnaf follows the classic reading: fakir when the household has less
than half its needs, miskin when less than all of them, gharimin when its debts exceed half a
year of its needs; otherwise none (the household meets its needs).
"""

import calendar
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from satuatap.beneficiaries.models import Asnaf, Housing, HousingCondition, NeedCategory

SHORTFALL_POINTS = 70
HOUSING_POINTS = {HousingCondition.UNFIT: 10, HousingCondition.POOR: 7, HousingCondition.FAIR: 3}
NO_HOME_POINTS = 3
HOUSING_MAX = 10
VULNERABILITY_POINTS = 4
VULNERABILITY_MAX = 12
DEBT_POINTS = 8
# Months until the next visit: sooner for those in the deepest need.
REASSESS_MONTHS = {Asnaf.FAKIR: 6, Asnaf.MISKIN: 6, Asnaf.GHARIMIN: 6}
REASSESS_DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class Household:
    size: int
    monthly_income: int
    assets_value: int
    debts: int
    housing: str
    housing_condition: str
    vulnerabilities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    need_amount: int
    score: int
    recommended_asnaf: str
    breakdown: list[dict]
    reassess_on: date


def need_amount(amounts: dict, size: int) -> tuple[int, list[dict]]:
    """The household's monthly minimum needs and the line of each category."""
    lines, total = [], 0
    for category in NeedCategory:
        parts = amounts.get(category.value) or {}
        base, per_member = int(parts.get("base", 0)), int(parts.get("per_member", 0))
        amount = base + per_member * max(size - 1, 0)
        total += amount
        lines.append({"category": category.value, "base": base, "per_member": per_member, "amount": amount})
    return total, lines


def assess(amounts: dict, household: Household, on: date) -> Result:
    need, need_lines = need_amount(amounts, household.size)
    has = household.monthly_income + household.assets_value // 12
    shortfall = max(need - has, 0)
    shortfall_points = round(SHORTFALL_POINTS * shortfall / need) if need else 0
    housing_points = HOUSING_POINTS.get(household.housing_condition, 0)
    if household.housing == Housing.INFORMAL:
        housing_points += NO_HOME_POINTS
    housing_points = min(housing_points, HOUSING_MAX)
    vulnerability_points = min(VULNERABILITY_POINTS * len(household.vulnerabilities), VULNERABILITY_MAX)
    yearly_need = need * 12
    debt_points = round(DEBT_POINTS * min(household.debts / yearly_need, 1)) if yearly_need else 0
    score = min(shortfall_points + housing_points + vulnerability_points + debt_points, 100)

    if need and has < need / 2:
        asnaf = Asnaf.FAKIR
    elif need and has < need:
        asnaf = Asnaf.MISKIN
    elif household.debts > need * 6:
        asnaf = Asnaf.GHARIMIN
    else:
        asnaf = ""
    months = REASSESS_MONTHS.get(asnaf, REASSESS_DEFAULT_MONTHS)
    breakdown = [
        {
            "step": "needs",
            "label": _("Minimum needs for %(size)s people per month") % {"size": household.size},
            "lines": need_lines,
            "amount": need,
        },
        {
            "step": "has",
            "label": _("Income per month plus a twelfth of assets"),
            "income": household.monthly_income,
            "assets": household.assets_value,
            "amount": has,
        },
        {
            "step": "shortfall",
            "label": _("Shortfall: %(max)s × shortfall ÷ needs") % {"max": SHORTFALL_POINTS},
            "amount": shortfall,
            "points": shortfall_points,
        },
        {
            "step": "housing",
            "label": _("Housing (at most %(max)s)") % {"max": HOUSING_MAX},
            "points": housing_points,
        },
        {
            "step": "vulnerability",
            "label": _("Vulnerability: %(each)s for each marker (at most %(max)s)")
            % {"each": VULNERABILITY_POINTS, "max": VULNERABILITY_MAX},
            "markers": list(household.vulnerabilities),
            "points": vulnerability_points,
        },
        {
            "step": "debt",
            "label": _("Debt: %(max)s × debts ÷ a year of needs (at most %(max)s)") % {"max": DEBT_POINTS},
            "amount": household.debts,
            "points": debt_points,
        },
    ]
    return Result(
        need_amount=need,
        score=score,
        recommended_asnaf=asnaf,
        breakdown=breakdown,
        reassess_on=_add_months(on, months),
    )


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
