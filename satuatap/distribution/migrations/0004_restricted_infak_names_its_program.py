"""Restricted infak names its program by reference: rewrite the free-text tags.

Before, restricted infak carried free text: a program's code (``Yatim``, ``yatim``), a campaign's
``campaign:<code>``, or whatever the API or an import was given, each its own pot. Now the key is
the program's identity (``program:<id>``, ``ledger.hooks.program_key``), or ``campaign:<id>`` for a
campaign that raises for no program. This migration:

1. links a campaign to the restricted-infak program whose code it shares (in any case);
2. maps every tag to a program whose code matches it in any case (``campaign:<code>`` through its
   campaign, so to the program that campaign now raises for, else to the campaign by id);
3. rewrites the key on the journal lines, the donation lines and both rollups (``LedgerBalance``,
   ``FundPosition``), merging rollup rows that now share a key, so every balance stays equal.

Rewriting the key of posted lines is legitimate although lines are append-only: it renames the
identity a line already names (the same program under its stable name) and changes no amount,
account, fund, unit or date, so every balance, statement and receipt tells the same money as before.
Tags that match nothing are kept as they are and printed; ``manage.py restrictions_unmatched``
lists them later.
"""

import sys

from django.db import migrations

RESTRICTED = "infak_restricted"


class _Mapping:
    def __init__(self, apps):
        Program = apps.get_model("distribution", "Program")
        Campaign = apps.get_model("collection", "Campaign")
        self.programs: dict[tuple[int, str], int] = {}
        for pk, institution_id, code in (
            Program.objects.filter(fund_kind=RESTRICTED).order_by("-pk").values_list("pk", "institution_id", "code")
        ):
            self.programs[(institution_id, code.lower())] = pk  # the oldest wins a clash of case
        self.campaigns: dict[tuple[int, str], str] = {}
        for campaign in Campaign.objects.order_by("-pk"):
            if not campaign.purpose:
                program = self.programs.get((campaign.institution_id, campaign.code.lower()))
                if program is not None:
                    campaign.purpose = f"program:{program}"
                    Campaign.objects.filter(pk=campaign.pk).update(purpose=campaign.purpose)
            self.campaigns[(campaign.institution_id, campaign.code.lower())] = (
                campaign.purpose or f"campaign:{campaign.pk}"
            )
        self.unmatched: set[tuple[int, str]] = set()

    def key(self, institution_id: int, tag: str) -> str:
        """The new key of ``tag`` in the institution; the tag itself when nothing matches."""
        rest = tag.removeprefix("program:")
        if rest != tag and rest.isdigit():
            return tag
        text = tag.strip().lower()
        if text.startswith("campaign:"):
            code = text.removeprefix("campaign:")
            found = self.campaigns.get((institution_id, code))
            if found is None and (institution_id, code) in self.programs:
                found = f"program:{self.programs[(institution_id, code)]}"
        elif (institution_id, text) in self.programs:
            found = f"program:{self.programs[(institution_id, text)]}"
        else:
            found = self.campaigns.get((institution_id, text))
        if found is None:
            if not (tag.startswith("campaign:") and tag.removeprefix("campaign:").isdigit()):
                self.unmatched.add((institution_id, tag))
            return tag
        return found


def _merge_rollup(Model, mapping: _Mapping, key_fields: tuple, amount_fields: tuple) -> None:
    for row in Model.objects.exclude(restriction="").order_by("pk"):
        new = mapping.key(row.institution_id, row.restriction)
        if new == row.restriction:
            continue
        same = {field: getattr(row, field) for field in key_fields}
        target = Model.objects.filter(restriction=new, **same).first()
        if target is None:
            Model.objects.filter(pk=row.pk).update(restriction=new)
            continue
        Model.objects.filter(pk=target.pk).update(
            **{field: getattr(target, field) + getattr(row, field) for field in amount_fields}
        )
        Model.objects.filter(pk=row.pk).delete()


def forwards(apps, schema_editor):
    JournalLine = apps.get_model("ledger", "JournalLine")
    LedgerBalance = apps.get_model("ledger", "LedgerBalance")
    FundPosition = apps.get_model("ledger", "FundPosition")
    DonationLine = apps.get_model("collection", "DonationLine")
    mapping = _Mapping(apps)

    tags = JournalLine.objects.exclude(restriction="").values_list("entry__institution_id", "restriction").distinct()
    for institution_id, tag in sorted(set(tags)):
        new = mapping.key(institution_id, tag)
        if new != tag:
            JournalLine.objects.filter(entry__institution_id=institution_id, restriction=tag).update(restriction=new)
    tags = DonationLine.objects.exclude(program="").values_list("donation__institution_id", "program").distinct()
    for institution_id, tag in sorted(set(tags)):
        new = mapping.key(institution_id, tag)
        if new != tag:
            DonationLine.objects.filter(donation__institution_id=institution_id, program=tag).update(program=new)
    _merge_rollup(
        LedgerBalance,
        mapping,
        ("institution_id", "unit_id", "account_id", "fund_id", "counterparty_id", "source", "year", "month"),
        ("debit", "credit"),
    )
    _merge_rollup(FundPosition, mapping, ("institution_id", "unit_id", "fund_id"), ("available",))
    if mapping.unmatched:
        sys.stdout.write(
            "\n  Restricted infak tags that name no program, kept as they are (see manage.py restrictions_unmatched):\n"
        )
        for institution_id, tag in sorted(mapping.unmatched):
            sys.stdout.write(f"    institution {institution_id}: {tag!r}\n")


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0005_campaign_raises_for_program"),
        ("distribution", "0003_stockmove_voided"),
        ("ledger", "0006_fewer_indexes"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
