"""The priority categories of the 2019 plan (§8) plus the other common service fields."""

from django.db import migrations


def seed(apps, schema_editor):
    from huitian.taxonomy import seed_categories

    seed_categories(apps.get_model("huitian", "Category"))


class Migration(migrations.Migration):
    dependencies = [("huitian", "0004_category")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
