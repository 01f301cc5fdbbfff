"""The zakat calculator: pure computations that explain themselves step by step.

Each function takes whole rupiah (``int``) and returns a ``ZakatResult`` whose
``steps`` show every figure with the formula that produced it, so the public
page, the staff page and the API all show the same reckoning. Arithmetic is on
integers and ``Fraction`` only (never ``float``); zakat is rounded *up* to whole
rupiah so a donor never pays short.

Rules followed:

- Zakat maal: nisab is 85 grams of gold at the institution's gold price; zakat
  of 2.5% is due on net wealth (wealth less short-term debts) at or above the
  nisab once it has been held for one lunar year (haul).
- Zakat penghasilan (income) per PMA 31/2019 (amending PMA 52/2014): nisab is
  85 grams of gold a year, so 85 grams / 12 a month; 2.5% of the income, paid
  when the income is received. By default the income is reckoned gross, as the
  BAZNAS calculator does; the donor may choose to deduct basic needs and debt
  instalments first, and the result says which basis was used.
- Zakat fitrah: persons × the unit's rate for the Ramadan of the current Hijri
  year, set either in rupiah or as rice (kg) × price per kg.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import ceil

from django.utils import formats
from django.utils.translation import gettext as _

from satuatap.core.formatting import format_percent, rupiah
from satuatap.core.money import MAX_RUPIAH

GOLD_NISAB_GRAMS = 85
RATE = Fraction(1, 40)  # 2.5%
MAX_PERSONS = 1000

MAAL = "zakat_maal"
INCOME = "zakat_income"
FITRAH = "zakat_fitrah"

MONTH = "month"
YEAR = "year"
GROSS = "gross"
NET = "net"


@dataclass(frozen=True)
class Step:
    """One line of the reckoning: what it is, how it was computed, and its value as shown."""

    label: str
    formula: str
    value: str
    amount: int | None = None  # the figure in rupiah when the step is money (for the API and links)
    total: bool = False  # a result line (shown in bold)

    def as_dict(self) -> dict:
        return {"label": self.label, "formula": self.formula, "value": self.value, "amount": self.amount}


@dataclass(frozen=True)
class ZakatResult:
    kind: str
    steps: tuple[Step, ...]
    base: int  # what the zakat is reckoned on (net wealth, income, or persons × rate)
    nisab: int | None  # None for zakat fitrah
    reaches_nisab: bool
    is_due: bool
    zakat: int  # 0 when not due
    basis: str = ""  # a sentence saying which rule or basis was applied
    notes: tuple[str, ...] = field(default_factory=tuple)
    persons: int | None = None
    rate_missing: bool = False

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "base": self.base,
            "nisab": self.nisab,
            "reaches_nisab": self.reaches_nisab,
            "is_due": self.is_due,
            "zakat": self.zakat,
            "basis": self.basis,
            "notes": list(self.notes),
            "persons": self.persons,
            "rate_missing": self.rate_missing,
            "steps": [step.as_dict() for step in self.steps],
        }


def _whole(name: str, value, *, minimum: int = 0, maximum: int = MAX_RUPIAH) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be whole rupiah (int), not {type(value).__name__}")
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be between {minimum} and {maximum}")
    return value


def two_and_a_half_percent(amount: int) -> int:
    """2.5% of ``amount``, rounded up to whole rupiah (exact integer arithmetic)."""
    return ceil(Fraction(amount) * RATE) if amount > 0 else 0


def nisab_gold(gold_price_per_gram: int, *, months: int = 12) -> int:
    """The value of 85 g of gold over ``months`` of a year, rounded up to whole rupiah.

    For whole-rupiah amounts ``x >= ceil(q)`` exactly when ``x >= q``, so comparing with the
    rounded-up figure is the same as comparing with the exact one.
    """
    return ceil(Fraction(GOLD_NISAB_GRAMS * gold_price_per_gram * months, 12))


def _percent_text() -> str:
    return format_percent(Decimal("2.5"))


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _money(label: str, formula: str, amount: int, *, total: bool = False) -> Step:
    return Step(label=label, formula=formula, value=rupiah(amount), amount=amount, total=total)


def _zakat_step(base: int, zakat: int, is_due: bool) -> Step:
    if is_due:
        formula = _("%(rate)s × %(base)s, rounded up to whole rupiah") % {"rate": _percent_text(), "base": rupiah(base)}
    else:
        formula = _("not due")
    return _money(_("Zakat to pay"), formula, zakat, total=True)


def zakat_maal(
    *,
    cash: int = 0,
    gold_silver: int = 0,
    trade_goods: int = 0,
    receivables: int = 0,
    debts: int = 0,
    held_haul: bool = False,
    gold_price_per_gram: int,
) -> ZakatResult:
    """Zakat on wealth: 2.5% of net wealth at or above 85 g of gold, once held for a lunar year."""
    values = {
        "cash": _whole("cash", cash),
        "gold_silver": _whole("gold_silver", gold_silver),
        "trade_goods": _whole("trade_goods", trade_goods),
        "receivables": _whole("receivables", receivables),
        "debts": _whole("debts", debts),
    }
    price = _whole("gold_price_per_gram", gold_price_per_gram, minimum=1)
    total = values["cash"] + values["gold_silver"] + values["trade_goods"] + values["receivables"]
    net = total - values["debts"]
    nisab = nisab_gold(price)
    reaches = net >= nisab
    due = reaches and bool(held_haul)
    zakat = two_and_a_half_percent(net) if due else 0
    steps = [
        _money(_("Cash, savings and deposits"), _("as entered"), values["cash"]),
        _money(_("Gold and silver (value)"), _("as entered"), values["gold_silver"]),
        _money(_("Trade goods (value)"), _("as entered"), values["trade_goods"]),
        _money(_("Receivables likely to be repaid"), _("as entered"), values["receivables"]),
        _money(
            _("Total wealth"),
            " + ".join(rupiah(values[k]) for k in ("cash", "gold_silver", "trade_goods", "receivables")),
            total,
        ),
        _money(_("Short-term debts due now"), _("as entered"), values["debts"]),
        _money(_("Net wealth"), f"{rupiah(total)} − {rupiah(values['debts'])}", net, total=True),
        _money(_("Gold price per gram"), _("set by the institution"), price),
        _money(_("Nisab (85 g of gold)"), f"{GOLD_NISAB_GRAMS} g × {rupiah(price)}", nisab),
        Step(_("Net wealth reaches the nisab?"), f"{rupiah(net)} ≥ {rupiah(nisab)}", _yes_no(reaches)),
        Step(_("Held for one lunar year (haul)?"), _("as entered"), _yes_no(bool(held_haul))),
        _zakat_step(net, zakat, due),
    ]
    notes = []
    if reaches and not held_haul:
        notes.append(
            _("Zakat maal becomes due once the wealth has been held for one lunar year; it will then be %(amount)s.")
            % {"amount": rupiah(two_and_a_half_percent(net))}
        )
    if not reaches:
        notes.append(_("Net wealth is below the nisab, so no zakat maal is due. Infak and sedekah are always welcome."))
    return ZakatResult(
        kind=MAAL,
        steps=tuple(steps),
        base=net,
        nisab=nisab,
        reaches_nisab=reaches,
        is_due=due,
        zakat=zakat,
        basis=_("Nisab of 85 g of gold and a rate of %(rate)s on net wealth held for one lunar year.")
        % {"rate": _percent_text()},
        notes=tuple(notes),
    )


def zakat_income(
    *,
    period: str = MONTH,
    income: int,
    other_income: int = 0,
    deductions: int = 0,
    basis: str = GROSS,
    gold_price_per_gram: int,
) -> ZakatResult:
    """Zakat penghasilan per PMA 31/2019: 2.5% of income at or above 85 g of gold a year (or /12 a month)."""
    if period not in (MONTH, YEAR):
        raise ValueError("period must be 'month' or 'year'")
    if basis not in (GROSS, NET):
        raise ValueError("basis must be 'gross' or 'net'")
    income = _whole("income", income)
    other_income = _whole("other_income", other_income)
    deductions = _whole("deductions", deductions)
    price = _whole("gold_price_per_gram", gold_price_per_gram, minimum=1)
    monthly = period == MONTH
    total = income + other_income
    steps = [
        _money(_("Income per month (salary, wages)") if monthly else _("Income per year"), _("as entered"), income),
        _money(_("Other income (bonus, THR, honoraria)"), _("as entered"), other_income),
        _money(_("Total income"), f"{rupiah(income)} + {rupiah(other_income)}", total),
    ]
    if basis == NET:
        base = max(0, total - deductions)
        steps.append(_money(_("Basic needs and debt instalments"), _("as entered"), deductions))
        steps.append(
            _money(
                _("Income reckoned (net)"),
                _("%(a)s − %(b)s, at least 0") % {"a": rupiah(total), "b": rupiah(deductions)},
                base,
                total=True,
            )
        )
        basis_text = _("Reckoned on net income: basic needs and debt instalments were deducted first, as you chose.")
    else:
        base = total
        steps.append(_money(_("Income reckoned (gross)"), _("total income, nothing deducted"), base, total=True))
        basis_text = _("Reckoned on gross income, as the BAZNAS calculator does; nothing was deducted.")
    yearly_nisab = nisab_gold(price)
    steps.append(_money(_("Gold price per gram"), _("set by the institution"), price))
    steps.append(_money(_("Nisab per year (85 g of gold)"), f"{GOLD_NISAB_GRAMS} g × {rupiah(price)}", yearly_nisab))
    if monthly:
        nisab = nisab_gold(price, months=1)
        steps.append(
            _money(
                _("Nisab per month"),
                _("%(grams)s g × %(price)s ÷ 12, rounded up") % {"grams": GOLD_NISAB_GRAMS, "price": rupiah(price)},
                nisab,
            )
        )
    else:
        nisab = yearly_nisab
    reaches = base >= nisab
    zakat = two_and_a_half_percent(base) if reaches else 0
    steps.append(
        Step(
            _("Income reaches the nisab?") if not monthly else _("Monthly income reaches the monthly nisab?"),
            f"{rupiah(base)} ≥ {rupiah(nisab)}",
            _yes_no(reaches),
        )
    )
    steps.append(_zakat_step(base, zakat, reaches))
    notes = []
    if not reaches:
        notes.append(_("The income is below the nisab, so no zakat penghasilan is due. Infak is always welcome."))
    elif monthly:
        notes.append(
            _("Paid every month when the income is received: about %(amount)s a year.") % {"amount": rupiah(zakat * 12)}
        )
    return ZakatResult(
        kind=INCOME,
        steps=tuple(steps),
        base=base,
        nisab=nisab,
        reaches_nisab=reaches,
        is_due=reaches,
        zakat=zakat,
        basis=basis_text,
        notes=tuple(notes),
    )


def zakat_fitrah(*, persons: int, rate, hijri_year: int) -> ZakatResult:
    """Zakat fitrah: persons × the rate per person set for this Ramadan (``rate`` is a FitrahRate or None)."""
    persons = _whole("persons", persons, minimum=1, maximum=MAX_PERSONS)
    steps = [Step(_("Ramadan of the Hijri year"), _("today's Hijri date"), f"{hijri_year} H")]
    if rate is None:
        steps.append(Step(_("Rate per person"), _("not set"), "—"))
        return ZakatResult(
            kind=FITRAH,
            steps=tuple(steps),
            base=0,
            nisab=None,
            reaches_nisab=False,
            is_due=False,
            zakat=0,
            basis="",
            notes=(
                _("No zakat fitrah rate has been set for %(year)s H yet; please ask the office.")
                % {"year": hijri_year},
            ),
            persons=persons,
            rate_missing=True,
        )
    per_person = int(rate.per_person)
    if rate.mode == "rice":
        kg = formats.number_format(Decimal(rate.rice_kg).normalize())
        steps.append(_money(_("Rice price per kg"), _("set by the office"), int(rate.rice_price_per_kg)))
        steps.append(
            _money(
                _("Rate per person"),
                _("%(kg)s kg of rice × %(price)s, rounded up") % {"kg": kg, "price": rupiah(rate.rice_price_per_kg)},
                per_person,
            )
        )
        basis = _("The rate is set as %(kg)s kg of rice per person at the price of rice.") % {"kg": kg}
    else:
        steps.append(_money(_("Rate per person"), _("set by the office in rupiah"), per_person))
        basis = _("The rate is set by the office in rupiah per person.")
    steps.append(Step(_("Persons"), _("as entered"), str(persons)))
    zakat = persons * per_person
    steps.append(_money(_("Zakat to pay"), f"{persons} × {rupiah(per_person)}", zakat, total=True))
    return ZakatResult(
        kind=FITRAH,
        steps=tuple(steps),
        base=zakat,
        nisab=None,
        reaches_nisab=True,
        is_due=True,
        zakat=zakat,
        basis=basis,
        notes=(
            _(
                "Zakat fitrah is due from every Muslim who has food beyond the needs of the night and day of Eid, "
                "and is paid before the Eid prayer."
            ),
        ),
        persons=persons,
    )
