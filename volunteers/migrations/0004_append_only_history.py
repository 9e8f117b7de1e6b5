"""The new history tables (projects, grants, training) are append-only too (huitian 0006)."""

from importlib import import_module

from django.db import migrations

audit = import_module("huitian.migrations.0006_append_only_audit_tables")


class Migration(migrations.Migration):
    dependencies = [
        ("huitian", "0006_append_only_audit_tables"),
        ("volunteers", "0003_projects_fund_training"),
    ]

    # Reversing leaves the triggers: 0002 protects the older tables and owns their removal.
    operations = [migrations.RunPython(audit.protect, migrations.RunPython.noop)]
