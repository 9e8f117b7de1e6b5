"""Credit events and star ratings are append-only in the database (C1, C3), like every
audit table; the list entries' history table too (protect re-protects them all).
The first star model version (equal weights) so ratings work from day one."""

from importlib import import_module

from django.db import migrations

audit = import_module("huitian.migrations.0006_append_only_audit_tables")
TABLES = ("credit_creditevent", "credit_starrating", "credit_starmodel")


def protect(apps, schema_editor):
    audit.protect(apps, schema_editor)
    for table in TABLES:
        audit.protect_table(schema_editor, table)


def unprotect(apps, schema_editor):
    for table in TABLES:
        audit.unprotect_table(schema_editor, table)


def first_model(apps, schema_editor):
    StarModel = apps.get_model("credit", "StarModel")
    if not StarModel.objects.exists():
        StarModel.objects.create(
            version=1,
            weight_governance=25,
            weight_activity=20,
            weight_service=20,
            weight_finance=15,
            weight_credit=20,
            min_two=40,
            min_three=55,
            min_four=70,
            min_five=85,
            note="初始版本",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("huitian", "0006_append_only_audit_tables"),
        ("credit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(first_model, migrations.RunPython.noop),
        migrations.RunPython(protect, unprotect),
    ]
