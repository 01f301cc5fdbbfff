import django.db.models.deletion
from django.db import migrations, models


def link_regions(apps, schema_editor):
    """Existing addresses get the official area their typed names match; the rest stay for
    ``manage.py regions_unmatched``."""
    from satuatap.regions.services import addresses_link

    for name in ("Beneficiary", "Household"):
        addresses_link(apps.get_model("beneficiaries", name), schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0007_dedup_pairs"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="beneficiary",
            name="region",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.area",
                verbose_name="region",
            ),
        ),
        migrations.AddField(
            model_name="historicalbeneficiary",
            name="region",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="regions.area",
                verbose_name="region",
            ),
        ),
        migrations.AddField(
            model_name="historicalhousehold",
            name="region",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="regions.area",
                verbose_name="region",
            ),
        ),
        migrations.AddField(
            model_name="household",
            name="region",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.area",
                verbose_name="region",
            ),
        ),
        migrations.RunPython(link_regions, migrations.RunPython.noop),
    ]
