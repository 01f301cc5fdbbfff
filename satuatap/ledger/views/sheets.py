"""The PSAK 109 statements as workbooks an accountant can hand over.

Each statement keeps its own shape in XLSX: sections, lines, subtotals as ``SUM``
formulas and, where the statement is by fund, a column per fund and a total across
funds. The figures are those of ``ledger.selectors``; only the layout is made here.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.exports import DATE, MONEY, Column, Row, Sheet
from satuatap.core.formatting import tanggal
from satuatap.ledger import selectors
from satuatap.ledger.models import Asnaf, FundKind, Source


def _label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value or "—"


def financial_position(result) -> Sheet:
    fp, cmp = result.current, result.comparison
    columns = [Column(_("Item")), Column(tanggal(fp.as_of), MONEY)]
    if cmp is not None:
        columns.append(Column(tanggal(cmp.as_of), MONEY))

    def figures(current, previous):
        return [current, previous] if cmp is not None else [current]

    def lines(current, previous):
        earlier = {r.account.code: r.amount for r in previous} if cmp is not None else {}
        codes = {r.account.code for r in current}
        rows = [Row([r.account.name, *figures(r.amount, earlier.get(r.account.code))], indent=1) for r in current]
        if cmp is not None:  # an account that had a balance only in the comparison period still shows
            rows += [Row([r.account.name, None, r.amount], indent=1) for r in previous if r.account.code not in codes]
        return rows

    rows = [Row([_("Assets")], "section")]
    rows += lines(fp.assets, cmp.assets if cmp else [])
    rows += [Row([_("Total assets")], "subtotal"), Row([_("Liabilities")], "section")]
    rows += lines(fp.liabilities, cmp.liabilities if cmp else [])
    rows += [Row([_("Total liabilities")], "subtotal", key="liabilities"), Row([_("Fund balances")], "section")]
    rows += [
        Row([_label(FundKind, k), *figures(v, cmp.fund_balances.get(k) if cmp else None)], indent=1)
        for k, v in fp.fund_balances.items()
    ]
    rows += [
        Row([_("Total fund balances")], "subtotal", key="funds"),
        Row([_("Total liabilities and fund balances")], "total", formula="{liabilities}+{funds}"),
    ]
    return Sheet(_("Financial position"), columns, rows)


def _active_funds(funds: dict) -> list[str]:
    active = [
        kind
        for kind, fc in funds.items()
        if fc.opening or fc.closing or fc.receipts or fc.total_distributions or fc.transfers_in or fc.transfers_out
    ]
    return active or list(funds)


def changes_in_funds(result, pillars: dict) -> Sheet:
    """A column per fund and their total; the asnaf lines only hold the zakat fund's figures.

    Every row carries its figures (the page and the PDF show them); in the workbook the
    subtotals, the closing balance and the total column are formulas over the same cells.
    """
    funds = result.current
    kinds = _active_funds(funds)
    columns = [Column(_("Item"))] + [Column(str(_label(FundKind, k)), MONEY) for k in kinds]
    columns.append(Column(_("Total"), MONEY, across=tuple(range(1, len(kinds) + 1))))

    def figures(by_fund: dict) -> list:
        return [by_fund.get(k) or None for k in kinds] + [sum(v or 0 for v in by_fund.values())]

    def each(attribute: str) -> list:
        return figures({k: getattr(funds[k], attribute) for k in kinds})

    def by_account(attribute: str) -> list[Row]:
        names: dict[str, str] = {}
        amounts: dict[str, dict[str, int]] = {}
        for k in kinds:
            for r in getattr(funds[k], attribute):
                names.setdefault(r.account.code, r.account.name)
                amounts.setdefault(r.account.code, {})[k] = r.amount
        return [Row([names[code], *figures(amounts[code])], indent=1) for code in sorted(names)]

    def by_key(attribute: str, label) -> list[Row]:
        amounts: dict[str, dict[str, int]] = {}
        for k in kinds:
            for key, amount in getattr(funds[k], attribute).items():
                amounts.setdefault(key, {})[k] = amount
        return [Row([label(key), *figures(by_fund)], indent=1) for key, by_fund in amounts.items()]

    distributions = []
    if any(funds[k].amil_share_paid for k in kinds):
        distributions.append(Row([_("Amil share"), *each("amil_share_paid")], indent=1))
    distributions += by_key("distributions_by_asnaf", lambda a: _("Asnaf %(asnaf)s") % {"asnaf": _label(Asnaf, a)})
    distributions += by_key("distributions_by_pillar", lambda p: _("Pillar %(pillar)s") % {"pillar": pillars.get(p, p)})
    distributions += by_account("other_distributions") + by_account("operating_expenses")
    rows = [
        Row([_("Opening balance"), *each("opening")], "total", key="opening"),
        Row([_("Receipts")], "section"),
        *by_account("receipts"),
        *by_account("amil_share_received"),
        Row([_("Total receipts"), *figures({k: funds[k].total_receipts for k in kinds})], "subtotal", key="receipts"),
        Row([_("Distributions")], "section"),
        *distributions,
        Row(
            [_("Total distributions"), *figures({k: funds[k].total_distributions for k in kinds})],
            "subtotal",
            key="distributions",
        ),
        Row([_("Transfers from other offices"), *each("transfers_in")], key="in"),
        Row([_("Transfers to other offices"), *each("transfers_out")], key="out"),
        Row([_("Other changes"), *each("other_changes")], key="other"),
        Row(
            [_("Closing balance"), *each("closing")],
            "total",
            key="closing",
            formula="{opening}+{receipts}-{distributions}+{in}-{out}+{other}",
        ),
    ]
    if result.comparison is not None:
        closing = figures({k: result.comparison[k].closing for k in kinds})
        rows.append(Row([_("Closing balance, comparison period"), *closing], indent=1))
    return Sheet(_("Changes in funds"), columns, rows)


@dataclass
class StatementRow:
    style: str  # "section", "line", "subtotal", "total" or "grand"
    label: str
    current: int | None = None
    comparison: int | None = None

    def __post_init__(self):
        self.label = str(self.label)  # lazy labels would not go into a spreadsheet cell


SECTION_NET = {
    selectors.CashSection.OPERATING: gettext_lazy("Net cash from operating activities"),
    selectors.CashSection.INVESTING: gettext_lazy("Net cash from investing activities"),
    selectors.CashSection.FINANCING: gettext_lazy("Net cash from financing activities"),
    selectors.CashSection.OFFICES: gettext_lazy("Net cash between offices"),
    selectors.CashSection.FUNDS: gettext_lazy("Net cash between funds"),
    selectors.CashSection.OTHER: gettext_lazy("Net other cash flows"),
}


def cash_flow_tables(result) -> list[tuple[str | None, list[StatementRow]]]:
    """The statement of cash flows as rows per fund (all funds first), the comparison period's
    figures beside the current ones; a fund that neither held nor moved money is left out."""
    tables = []
    for kind in [None, *FundKind.values]:
        current = result.current[kind]
        other = result.comparison[kind] if result.comparison is not None else None
        flows = [f for f in (current, other) if f is not None]
        if not any(f.opening or f.sections for f in flows):
            continue
        rows = []
        for section in selectors.CashSection:
            found = [{li.activity: li.net for s in f.sections if s.section == section for li in s.lines} for f in flows]
            if not any(found):
                continue
            rows.append(StatementRow("section", section.label))
            for activity in selectors.CashActivity:
                if any(activity.value in f for f in found):
                    rows.append(StatementRow("line", activity.label, *(f.get(activity.value, 0) for f in found)))
            rows.append(StatementRow("subtotal", SECTION_NET[section], *(sum(f.values()) for f in found)))
        rows.append(StatementRow("total", _("Net increase (decrease) in cash and bank"), *(f.net for f in flows)))
        opening = _("Cash and bank at the beginning of the period")
        rows.append(StatementRow("total", opening, *(f.opening for f in flows)))
        rows.append(StatementRow("grand", _("Cash and bank at the end of the period"), *(f.closing for f in flows)))
        tables.append((kind, rows))
    return tables


def cash_flows(result, period: str, comparison: str = "") -> Sheet:
    """The statement of cash flows in its own shape, one block per fund (all funds first): the
    activities by section, each section's net a ``SUM`` of its lines, the net increase the sum of
    the sections' nets, the closing cash the opening plus the net; the comparison period beside."""
    columns = [Column(_("Item")), Column(period, MONEY)]
    if comparison:
        columns.append(Column(comparison, MONEY))

    def figures(line: StatementRow) -> list:
        return [line.current, line.comparison] if comparison else [line.current]

    rows: list = []
    for number, (kind, table) in enumerate(cash_flow_tables(result)):
        *body, net, opening, closing = table  # see ``cash_flow_tables``
        if number:
            rows.append([])
        rows.append(Row([_label(FundKind, kind) if kind else _("All funds")], "section"))
        nets = []
        for index, line in enumerate(body):
            if line.style == "section":
                rows.append(Row([line.label], "section"))
            elif line.style == "subtotal":
                nets.append(f"f{number}s{index}")
                rows.append(Row([line.label, *figures(line)], "subtotal", key=nets[-1]))
            else:
                rows.append(Row([line.label, *figures(line)], indent=1))
        net_key, opening_key = f"f{number}net", f"f{number}opening"
        rows += [
            Row([net.label, *figures(net)], "total", key=net_key, formula="+".join(f"{{{k}}}" for k in nets)),
            Row([opening.label, *figures(opening)], "total", key=opening_key),
            Row([closing.label, *figures(closing)], "total", formula=f"{{{opening_key}}}+{{{net_key}}}"),
        ]
    return Sheet(_("Cash flows"), columns, rows)


def trial_balance(result) -> Sheet:
    columns = [
        Column(_("Code")),
        Column(_("Account")),
        Column(_("Opening (debit +)"), MONEY, summed=True),
        Column(_("Debit"), MONEY, summed=True),
        Column(_("Credit"), MONEY, summed=True),
        Column(_("Closing (debit +)"), MONEY, summed=True),
    ]
    rows = [[r.account.code, r.account.name, r.opening, r.debit, r.credit, r.closing] for r in result.current.rows]
    return Sheet(_("Trial balance"), columns, rows, totals=[_("Total")])


def managed_assets(result) -> Sheet:
    columns = [
        Column(_("Code")),
        Column(_("Account")),
        *(Column(label, MONEY, summed=True) for label in (_("Opening"), _("Additions"), _("Reductions"), _("Closing"))),
    ]
    rows = [[r.account.code, r.account.name, r.opening, r.additions, r.reductions, r.closing] for r in result.current]
    return Sheet(_("Managed assets"), columns, rows, totals=[_("Total")])


def general_ledger(gl) -> Sheet:
    columns = [
        Column(_("Date"), DATE),
        Column(_("Entry")),
        Column(_("Source")),
        Column(_("Memo")),
        Column(_("Fund")),
        Column(_("Debit"), MONEY, summed=True),
        Column(_("Credit"), MONEY, summed=True),
        Column(_("Balance"), MONEY),
    ]
    rows = [[_("Opening balance"), None, None, None, None, None, None, gl.opening]]
    rows += [
        [
            li.entry_date,
            f"#{li.entry_id}",
            _label(Source, li.source),
            li.memo,
            _label(FundKind, li.fund_kind),
            li.debit or None,
            li.credit or None,
            li.balance,
        ]
        for li in gl.lines
    ]
    totals = [_("Total and closing balance"), None, None, None, None, None, None, gl.closing]
    return Sheet(_("General ledger"), columns, rows, totals=totals, notes=[f"{gl.account.code} — {gl.account.name}"])


def fund_positions(rows) -> list[Sheet]:
    """Fund positions (``selectors.fund_positions``) as an accountant's tables: the balance and what
    may still be distributed, each a row per unit and a column per fund, a total across funds and
    a totals row of ``SUM`` formulas; restricted infak's availability by program on a sheet of its own."""
    kinds = [k for k in FundKind.values if any(r.fund_kind == k for r in rows)]
    units: dict[int, tuple[str, str]] = {}
    for r in rows:
        units.setdefault(r.unit_id, (r.unit_code, r.unit_name))
    columns = [Column(_("Unit code")), Column(_("Unit"))]
    columns += [Column(str(_label(FundKind, k)), MONEY, summed=True) for k in kinds]
    columns.append(Column(_("Total"), MONEY, across=tuple(range(2, len(kinds) + 2))))

    def pivot(attribute: str) -> list[list]:
        cells = {(r.unit_id, r.fund_kind): getattr(r, attribute) for r in rows}
        return [[code, name, *(cells.get((pk, k)) for k in kinds), None] for pk, (code, name) in units.items()]

    sheets = [
        Sheet(_("Balance"), columns, pivot("balance"), totals=[_("Total")]),
        Sheet(_("Available to distribute"), columns, pivot("available"), totals=[_("Total")]),
    ]
    programs = [
        [r.unit_code, r.unit_name, r.restriction_names.get(key, key), amount]
        for r in rows
        for key, amount in r.available_by_restriction.items()
    ]
    if programs:
        by_program = [Column(_("Unit code")), Column(_("Unit")), Column(_("Program"))]
        by_program.append(Column(_("Available to distribute"), MONEY, summed=True))
        sheets.append(Sheet(_("Restricted infak by program"), by_program, programs, totals=[_("Total")]))
    return sheets
