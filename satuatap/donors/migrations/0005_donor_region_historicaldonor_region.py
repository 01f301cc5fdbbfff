import django.db.models.deletion
from django.db import migrations, models


def link_regions(apps, schema_editor):
    """Existing addresses get the official area their typed names match; the rest stay for
    ``manage.py regions_unmatched``."""
    from satuatap.regions.services import addresses_link

    for name in ("Donor",):
        addresses_link(apps.get_model("donors", name), schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("donors", "0004_name_keys_without_titles"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="donor",
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
            model_name="historicaldonor",
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
        migrations.RunPython(link_regions, migrations.RunPython.noop),
    ]
