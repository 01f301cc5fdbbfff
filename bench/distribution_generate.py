"""Generate 500,000 disbursements (with their applications) for the benchmark institution, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m bench.distribution_generate [--count 500000]

Run after ``bench.generate`` (the journal, whose distribution entries these payments belong
to) and ``bench.registry_load`` (the people they help). Six programs per pillar are made through
``distribution.services.program_save``; the applications and disbursements are written set-wise
in SQL (``INSERT ... SELECT`` over the generated distribution entries of the zakat and infak
funds), each application disbursed in full to a person of the registry under a program of the
entry's fund. The payments are shared out evenly over the whole journal, every year of it: an
entry pays none, one or several people (as a batch pays) so that there are ``--count`` in all;
their amounts add up to the entry's distribution line exactly, and each disbursement names its
entry, date and unit. The ledger is
not touched: the report reads money from its rollups, and people and programs from these rows.

``--if-needed`` skips generation when the institution already has ``--count`` disbursements.
"""

import argparse
import os
import sys
import time
from datetime import date

from bench.generate import DEFAULT_URL, INSTITUTION_CODE, YEAR, log, setup_django

PILLARS = ["education", "health", "economy", "social_dawah", "humanitarian", "environment"]

# One row per payment. The distribution entries of the zakat and infak funds, in posting order, share
# the payments out evenly over the whole journal (entry rn pays floor(rn*count/E) - floor((rn-1)*count/E)
# people: none, one or several), and an entry's payments add up to its distribution line exactly.
PAYMENTS_SQL = """
CREATE TEMP TABLE bench_payments ON COMMIT DROP AS
WITH entries AS (
    SELECT row_number() OVER (ORDER BY e.id) AS rn, e.id AS entry_id, e.unit_id, e.entry_date, f.kind AS fund_kind,
           l.debit
    FROM ledger_journalentry e
    JOIN ledger_journalline l ON l.entry_id = e.id AND l.debit > 0
    JOIN ledger_account a ON a.id = l.account_id AND a.role = 'distribution'
    JOIN ledger_fund f ON f.id = l.fund_id AND f.kind IN ('zakat', 'infak')
    WHERE e.institution_id = %(institution)s AND e.source = 'disbursement'
), shares AS (
    SELECT *, (rn * %(count)s) / %(entries)s - ((rn - 1) * %(count)s) / %(entries)s AS parts FROM entries
)
SELECT row_number() OVER (ORDER BY entry_id, g) AS n, entry_id, unit_id, entry_date, fund_kind,
       debit / parts + CASE WHEN g = 1 THEN debit %% parts ELSE 0 END AS amount
FROM shares CROSS JOIN LATERAL generate_series(1, parts::int) g
WHERE parts > 0
"""
ENTRIES_SQL = """
SELECT count(*) FROM ledger_journalentry e
JOIN ledger_journalline l ON l.entry_id = e.id AND l.debit > 0
JOIN ledger_account a ON a.id = l.account_id AND a.role = 'distribution'
JOIN ledger_fund f ON f.id = l.fund_id AND f.kind IN ('zakat', 'infak')
WHERE e.institution_id = %(institution)s AND e.source = 'disbursement'
"""

# A program of the payment's fund; a person of the registry spread by a multiplicative step.
APPLICATIONS_SQL = """
INSERT INTO distribution_application (
    tracking_code, channel, need, requested_amount, status, recommended_amount, approved_amount,
    override_reason, paid_amount, due_on, created_at, beneficiary_id, institution_id, unit_id, program_id
)
SELECT 'BENCH' || lpad(n::text, 9, '0'), 'counter', 'Bantuan', amount, 'disbursed', amount, amount, '', amount,
       NULL, now(), %(first_person)s + (n * 7919) %% %(people)s, %(institution)s, unit_id,
       CASE WHEN fund_kind = 'zakat' THEN (%(zakat_programs)s::bigint[])[1 + n %% %(zakat_count)s]
            ELSE (%(infak_programs)s::bigint[])[1 + n %% %(infak_count)s] END
FROM bench_payments ORDER BY n
"""

DISBURSEMENTS_SQL = """
INSERT INTO distribution_disbursement (application_id, institution_id, unit_id, program_id, beneficiary_id,
                                       household_id, amount, paid_on, money_account_id, reference, entry_id, created_at)
SELECT a.id, a.institution_id, a.unit_id, a.program_id, a.beneficiary_id, b.household_id, a.approved_amount,
       p.entry_date, cash.id, '', p.entry_id, now()
FROM bench_payments p
JOIN distribution_application a ON a.tracking_code = 'BENCH' || lpad(p.n::text, 9, '0')
JOIN ledger_account cash ON cash.institution_id = %(institution)s AND cash.system_key = 'cash:' || a.unit_id
JOIN beneficiaries_beneficiary b ON b.id = a.beneficiary_id
ORDER BY p.n
"""


def existing(institution_id: int) -> int:
    from satuatap.distribution.models import Disbursement

    return Disbursement.objects.filter(unit__institution_id=institution_id).count()


def generate(count: int, *, vacuum: bool = True) -> dict:
    """``vacuum``: VACUUM ANALYZE afterwards (not inside a transaction: off in tests)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from satuatap.beneficiaries.models import Beneficiary
    from satuatap.distribution import services
    from satuatap.distribution.models import Program
    from satuatap.organizations.models import Membership, Role, Unit, UnitKind

    started = time.monotonic()
    root = Unit.objects.get(code=INSTITUTION_CODE, depth=1)
    admin = get_user_model().objects.get(username="bench-admin")
    Membership.objects.get_or_create(user=admin, unit=root, role=Role.HEAD, defaults={"is_active": True})
    admin = get_user_model().objects.get(pk=admin.pk)
    people = Beneficiary.objects.filter(institution=root)
    first_person = people.order_by("pk").values_list("pk", flat=True).first()
    if first_person is None:
        raise SystemExit("no benchmark registry: run `python -m bench.registry_load` first")
    with connection.cursor() as cursor:
        cursor.execute(ENTRIES_SQL, {"institution": root.pk})
        entries = cursor.fetchone()[0]
    if not entries:
        raise SystemExit("no distribution entries in the journal: run `python -m bench.generate` first")
    regions = list(Unit.objects.filter(institution=root, kind=UnitKind.REGION).order_by("path")[:6])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM distribution_disbursement WHERE application_id IN "
            "(SELECT id FROM distribution_application WHERE tracking_code LIKE 'BENCH%%')"
        )
        cursor.execute("DELETE FROM distribution_application WHERE tracking_code LIKE 'BENCH%%'")
        programs = []
        for n, pillar in enumerate(PILLARS):
            for m, region in enumerate(regions):
                code = f"bench-{pillar.replace('_', '-')}-{m}"
                program = Program.objects.filter(institution=root, code=code).first()
                programs.append(
                    program
                    or services.program_save(
                        actor=admin,
                        unit=region,
                        code=code,
                        name=f"Program {pillar} {region.code}",
                        pillar=pillar,
                        fund_kind="infak" if n % 2 else "zakat",
                        asnaf=[] if n % 2 else ["fakir", "miskin"],
                        budget=10_000_000_000,
                        start_date=date(YEAR, 1, 1),
                        end_date=date(YEAR, 12, 31),
                    )
                )
        zakat = [p.pk for p in programs if p.fund_kind == "zakat"]
        infak = [p.pk for p in programs if p.fund_kind != "zakat"]
        params = {
            "first_person": first_person,
            "people": people.count(),
            "institution": root.pk,
            "zakat_programs": zakat,
            "zakat_count": len(zakat),
            "infak_programs": infak,
            "infak_count": len(infak),
            "entries": entries,
            "count": count,
        }
        cursor.execute(PAYMENTS_SQL, params)
        cursor.execute(APPLICATIONS_SQL, params)
        log(f"applications: {cursor.rowcount:,}")
        cursor.execute(DISBURSEMENTS_SQL, params)
        log(f"disbursements: {cursor.rowcount:,}")
    if vacuum:
        with connection.cursor() as cursor:
            for table in ("distribution_application", "distribution_disbursement"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
    seconds = time.monotonic() - started
    log(f"generated {count:,} disbursements in {seconds:.1f}s")
    return {"disbursements": count, "seconds": round(seconds, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.distribution_generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500_000, help="disbursements (default 500,000)")
    parser.add_argument("--if-needed", action="store_true", help="skip if the institution has --count of them")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    setup_django(args.database_url)
    from django.core.management import call_command

    from satuatap.organizations.models import Unit

    call_command("migrate", verbosity=0, interactive=False)
    root = Unit.objects.filter(code=INSTITUTION_CODE, depth=1).first()
    if root is None:
        raise SystemExit("no benchmark institution: run `python -m bench.generate` first")
    have = existing(root.pk)
    if args.if_needed and have >= args.count:
        log(f"benchmark disbursements present ({have:,}): not generating")
        return 0
    generate(args.count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
