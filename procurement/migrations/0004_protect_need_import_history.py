"""Audit tables stay append-only after 0003 (huitian 0006 explains the trigger).

0003 adds the import job's history table, and on SQLite it also rebuilds the
topic's history table to add columns, which drops that table's trigger. Protecting
every audit table again is idempotent (CREATE OR REPLACE on PostgreSQL, DROP IF
EXISTS + CREATE on SQLite).
"""

from importlib import import_module

from django.db import migrations

audit = import_module("huitian.migrations.0006_append_only_audit_tables")


class Migration(migrations.Migration):
    dependencies = [
        ("huitian", "0006_append_only_audit_tables"),
        ("procurement", "0003_workflows_review_flag_imports"),
    ]

    operations = [migrations.RunPython(audit.protect, audit.unprotect)]
