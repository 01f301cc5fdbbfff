"""Deduplicate an institution's whole registry in batch (Splink on DuckDB) and print the clusters.

    manage.py registry_dedup --institution LAZ [--show 20]

The run starts through the same service as one started from the duplicates page (audited,
refused while another run of the institution is queued or running) and is stored the same way,
for people to review its clusters; nothing is merged. Splink's messages go to the run's notes,
not to the terminal.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from satuatap.beneficiaries.models import Beneficiary, DedupRun
from satuatap.beneficiaries.services.dedup import dedup_start, reason_text
from satuatap.organizations.models import Unit


class Command(BaseCommand):
    help = "Find probable duplicates across an institution's whole beneficiary registry (nothing is merged)."

    def add_arguments(self, parser):
        parser.add_argument("--institution", required=True, help="code of the institution (root unit)")
        parser.add_argument("--show", type=int, default=20, help="clusters to print (default 20)")

    def handle(self, *args, institution, show, **options):
        root = Unit.objects.filter(code=institution, depth=1).first()
        if root is None:
            raise CommandError(f"No institution with code {institution!r}.")
        try:
            run = dedup_start(actor=None, unit=root, now=True)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if run.status != DedupRun.RunStatus.DONE:
            raise CommandError(f"The run failed: {run.error}")
        self.stdout.write(
            f"{run.records:,} records, {len(run.clusters):,} clusters of probable duplicates, {run.seconds:.1f} s "
            f"(run {run.pk}; review them on the duplicates page)"
        )
        names = dict(
            Beneficiary.objects.filter(pk__in={i for c in run.clusters[:show] for i in c["ids"]}).values_list(
                "pk", "number"
            )
        )
        for cluster in run.clusters[:show]:
            best = cluster["pairs"][0] if cluster["pairs"] else {"probability": 0, "reasons": []}
            members = ", ".join(names.get(i, str(i)) for i in cluster["ids"])
            why = "; ".join(reason_text(reason) for reason in best["reasons"])
            self.stdout.write(f"  {members}: {best['probability']:.2f} ({why})")
