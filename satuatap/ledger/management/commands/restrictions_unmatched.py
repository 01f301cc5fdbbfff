"""List restricted infak held under a tag that names no program or campaign.

    manage.py restrictions_unmatched

Restricted infak is held under a program's key (``ledger.hooks``); tags from before that matched no
program when they were rewritten are kept as they were, so their money is not lost, but no program
can spend it. This lists each such tag with what it holds per office, for finance to move it by a
journal entry to the program it was meant for. Exits with status 1 when there are any.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Sum

from satuatap.ledger.hooks import purpose_names
from satuatap.ledger.models import FundPosition, LedgerBalance


def unmatched_tags() -> list[tuple[str, str, str, int]]:
    """(institution code, tag, office code, available) of every key no purpose directory names."""
    keys = set(LedgerBalance.objects.exclude(restriction="").values_list("restriction", flat=True).distinct())
    names = purpose_names(keys)
    unknown = sorted(key for key in keys if names[key] == key)
    rows = (
        FundPosition.objects.filter(restriction__in=unknown)
        .values_list("institution__code", "restriction", "unit__code")
        .annotate(available=Sum("available"))
        .order_by("institution__code", "restriction", "unit__code")
    )
    listed = {(institution, tag) for institution, tag, _unit, _available in rows}
    rest = (
        LedgerBalance.objects.filter(restriction__in=unknown).values_list("institution__code", "restriction").distinct()
    )
    return list(rows) + [(i, tag, "", 0) for i, tag in sorted(set(rest)) if (i, tag) not in listed]


class Command(BaseCommand):
    help = "List restricted-infak tags in the ledger that name no program (what each still holds per office)."

    def handle(self, *args, **options):
        rows = unmatched_tags()
        if not rows:
            self.stdout.write("Every restricted-infak tag names a program or a campaign.")
            return
        for institution, tag, unit, available in rows:
            self.stdout.write(f"{institution}\t{tag!r}\t{unit or '-'}\t{available}")
        raise CommandError(f"{len({(i, t) for i, t, _u, _a in rows})} restricted-infak tag(s) name no program.")
