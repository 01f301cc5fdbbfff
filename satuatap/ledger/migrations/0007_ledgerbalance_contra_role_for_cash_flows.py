"""The rollup learns, on cash and bank rows, where the money came from or went to (``contra_role``),
so the statement of cash flows groups by activity without reading the lines. Existing cash and bank
rows are rebuilt from the posted lines by the rule of ``ledger.services.posting.contra_roles``."""

from collections import defaultdict

from django.db import migrations, models

MONEY = ("cash", "bank")
CHUNK = 2000


def _contras(lines, roles):
    """lines: (account_id, fund_id, unit_id, restriction, debit, credit) of one entry, in line order."""
    best = {}
    for line in lines:
        if roles[line[0]] in MONEY:
            continue
        key = (line[2], line[1], line[3], line[4] > 0)
        if key not in best or line[4] + line[5] > best[key][4] + best[key][5]:
            best[key] = line
    out = []
    for line in lines:
        if roles[line[0]] not in MONEY:
            out.append("")
            continue
        match = best.get((line[2], line[1], line[3], line[5] > 0))
        out.append(roles[match[0]] if match is not None else "cash")
    return out


def rebuild_money_rows(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    JournalLine = apps.get_model("ledger", "JournalLine")
    LedgerBalance = apps.get_model("ledger", "LedgerBalance")
    roles = dict(Account.objects.values_list("pk", "role"))
    money = [pk for pk, role in roles.items() if role in MONEY]
    if not LedgerBalance.objects.filter(account_id__in=money).exists():
        return
    entry_ids = list(
        JournalLine.objects.filter(account_id__in=money, entry__status="posted")
        .values_list("entry_id", flat=True)
        .distinct()
        .order_by("entry_id")
    )
    totals = defaultdict(lambda: [0, 0])
    for start in range(0, len(entry_ids), CHUNK):
        chunk = entry_ids[start : start + CHUNK]
        by_entry = defaultdict(list)
        heads = {}
        for row in (
            JournalLine.objects.filter(entry_id__in=chunk)
            .order_by("entry_id", "pk")
            .values_list(
                "entry_id",
                "account_id",
                "fund_id",
                "unit_id",
                "restriction",
                "debit",
                "credit",
                "entry__institution_id",
                "entry__flow_source",
                "entry__entry_date",
            )
        ):
            by_entry[row[0]].append(row[1:7])
            heads[row[0]] = row[7:]
        for entry_id, lines in by_entry.items():
            institution_id, source, day = heads[entry_id]
            for line, contra in zip(lines, _contras(lines, roles), strict=True):
                if not contra:
                    continue
                key = (institution_id, line[2], line[0], line[1], line[3], source, contra, day.year, day.month)
                totals[key][0] += line[4]
                totals[key][1] += line[5]
    LedgerBalance.objects.filter(account_id__in=money).delete()
    LedgerBalance.objects.bulk_create(
        [
            LedgerBalance(
                institution_id=k[0],
                unit_id=k[1],
                account_id=k[2],
                fund_id=k[3],
                restriction=k[4],
                counterparty_id=0,
                source=k[5],
                contra_role=k[6],
                year=k[7],
                month=k[8],
                debit=d,
                credit=c,
            )
            for k, (d, c) in totals.items()
        ],
        batch_size=CHUNK,
    )


def merge_money_rows(apps, schema_editor):
    """Backwards: one row per key without ``contra_role`` again, as the old unique key requires."""
    LedgerBalance = apps.get_model("ledger", "LedgerBalance")
    rows = LedgerBalance.objects.exclude(contra_role="")
    totals = defaultdict(lambda: [0, 0])
    fields = ["institution_id", "unit_id", "account_id", "fund_id", "restriction", "counterparty_id", "source"]
    for row in rows.values(*fields, "year", "month", "debit", "credit"):
        key = tuple(row[f] for f in [*fields, "year", "month"])
        totals[key][0] += row["debit"]
        totals[key][1] += row["credit"]
    rows.delete()
    LedgerBalance.objects.bulk_create(
        [
            LedgerBalance(**dict(zip([*fields, "year", "month"], key, strict=True)), debit=d, credit=c)
            for key, (d, c) in totals.items()
        ],
        batch_size=CHUNK,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0006_fewer_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="ledgerbalance",
            name="contra_role",
            field=models.CharField(blank=True, default="", max_length=24),
        ),
        migrations.RemoveConstraint(model_name="ledgerbalance", name="ledger_balance_key"),
        migrations.AddConstraint(
            model_name="ledgerbalance",
            constraint=models.UniqueConstraint(
                fields=(
                    "unit",
                    "account",
                    "fund",
                    "restriction",
                    "counterparty_id",
                    "source",
                    "contra_role",
                    "year",
                    "month",
                ),
                name="ledger_balance_key",
            ),
        ),
        migrations.RunPython(rebuild_money_rows, merge_money_rows),
    ]
