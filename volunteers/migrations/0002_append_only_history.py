"""The volunteers app's history tables are append-only (huitian 0006 explains the trigger)."""

from importlib import import_module

from django.db import migrations

audit = import_module("huitian.migrations.0006_append_only_audit_tables")


class Migration(migrations.Migration):
    dependencies = [
        ("huitian", "0006_append_only_audit_tables"),
        ("volunteers", "0001_initial"),
    ]

    operations = [migrations.RunPython(audit.protect, audit.unprotect)]
