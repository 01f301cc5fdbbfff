import django.db.models.deletion
from django.db import migrations, models


def load_areas(apps, schema_editor):
    from satuatap.regions import dataset

    dataset.load(schema_editor.connection.alias)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='Area',
            fields=[
                ('code', models.CharField(max_length=13, primary_key=True, serialize=False, verbose_name='code')),
                ('level', models.PositiveSmallIntegerField(choices=[(1, 'Province'), (2, 'Regency/city'), (3, 'District (kecamatan)'), (4, 'Village (kelurahan/desa)')], verbose_name='level')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('name_key', models.CharField(editable=False, max_length=100)),
                ('parent', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='children', to='regions.area', verbose_name='part of')),
            ],
            options={
                'verbose_name': 'administrative area',
                'verbose_name_plural': 'administrative areas',
                'ordering': ['code'],
            },
        ),
        # The dataset goes in before the indexes are built: one sort per index, not 90,000 inserts.
        migrations.RunPython(load_areas, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name='area',
            index=models.Index(fields=['parent', 'name'], name='regions_area_parent_name'),
        ),
        migrations.AddIndex(
            model_name='area',
            index=models.Index(fields=['level', 'name_key'], name='regions_area_level_key'),
        ),
    ]
