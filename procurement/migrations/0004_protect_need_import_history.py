"""The import job's history is append-only like every audit table (huitian 0006)."""

from importlib import import_module

from django.db import migrations

audit = import_module("huitian.migrations.0006_append_only_audit_tables")
TABLE = "procurement_historicalneedimport"


def protect(apps, schema_editor):
    audit.protect_table(schema_editor, TABLE, nullable_actor="history_user_id")


def unprotect(apps, schema_editor):
    audit.unprotect_table(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [
        ("huitian", "0006_append_only_audit_tables"),
        ("procurement", "0003_workflows_review_flag_imports"),
    ]

    operations = [migrations.RunPython(protect, unprotect)]
