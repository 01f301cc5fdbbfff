# One active donor per NIK and per NPWP in an institution, in the database: the backstop of the
# services' duplicate check when two registrations race (donors.services._save_unique).

from django.db import migrations, models


def refuse_existing_duplicates(apps, schema_editor):
    """Name the donors that already share an identifier: they must be merged before this runs."""
    Donor = apps.get_model("donors", "Donor")
    active = Donor.objects.filter(merged_into__isnull=True)
    clashes = []
    for field in ("nik_hash", "npwp_hash"):
        shared = (
            active.exclude(**{field: ""})
            .values("institution_id", field)
            .annotate(n=models.Count("pk"))
            .filter(n__gt=1)
            .order_by()
        )
        for row in shared[:20]:
            numbers = active.filter(institution_id=row["institution_id"], **{field: row[field]}).values_list(
                "number", flat=True
            )
            clashes.append(f"{field.split('_')[0].upper()}: {', '.join(sorted(numbers))}")
    if clashes:
        raise RuntimeError(
            "These active donors share a NIK or NPWP; merge each group (donor page, Merge) and migrate again: "
            + "; ".join(clashes)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("donors", "0002_search_indexes"),
    ]

    operations = [
        migrations.RunPython(refuse_existing_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="donor",
            constraint=models.UniqueConstraint(
                condition=models.Q(("merged_into__isnull", True), models.Q(("nik_hash", ""), _negated=True)),
                fields=("institution", "nik_hash"),
                name="donors_donor_nik_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="donor",
            constraint=models.UniqueConstraint(
                condition=models.Q(("merged_into__isnull", True), models.Q(("npwp_hash", ""), _negated=True)),
                fields=("institution", "npwp_hash"),
                name="donors_donor_npwp_unique",
            ),
        ),
    ]
