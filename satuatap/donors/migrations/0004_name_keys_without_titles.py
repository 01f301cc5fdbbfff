# Donors' name keys no longer hold honorifics and degrees (H., Dr., S.Pd., M.Kom., ...): "M." of
# "M.Kom." was read as Muhammad, so a search for "muhamad" listed masters of computing.

from django.db import migrations

from satuatap.core.names import rebuild_name_keys


def rebuild(apps, schema_editor):
    rebuild_name_keys(apps.get_model("donors", "Donor"))


class Migration(migrations.Migration):
    dependencies = [("donors", "0003_one_active_donor_per_identifier")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True)]
