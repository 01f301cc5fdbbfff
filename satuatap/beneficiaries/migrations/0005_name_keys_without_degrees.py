# Beneficiaries' name keys already dropped titles; degrees written in one piece ("M.Kom.", "M.Ak.",
# "S.Pd.I") are now dropped too, instead of leaving an "M." read as Muhammad.

from django.db import migrations

from satuatap.core.names import rebuild_name_keys


def rebuild(apps, schema_editor):
    rebuild_name_keys(apps.get_model("beneficiaries", "Beneficiary"))


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0004_history")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True)]
