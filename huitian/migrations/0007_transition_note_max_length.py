"""A transition's note is a reason, not a document: at most 1,000 characters, checked by
the database too (the model's validator runs only where a form or full_clean does).

SQLite adds a CHECK constraint by rebuilding the table, which drops the append-only
trigger of 0006; it is put back afterwards (PostgreSQL keeps it: ALTER TABLE … ADD
CONSTRAINT leaves triggers alone, and re-protecting is harmless there).
"""

import importlib

import django.core.validators
import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models

append_only = importlib.import_module("huitian.migrations.0006_append_only_audit_tables")


def reprotect(apps, schema_editor):
    append_only.protect_table(schema_editor, append_only.TRANSITION_TABLE)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("huitian", "0006_append_only_audit_tables"),
    ]

    operations = [
        migrations.AlterField(
            model_name="transition",
            name="note",
            field=models.TextField(
                blank=True,
                validators=[django.core.validators.MaxLengthValidator(1000)],
                verbose_name="note",
            ),
        ),
        migrations.AddConstraint(
            model_name="transition",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("note"), 1000
                ),
                name="huitian_transition_note_max_length",
            ),
        ),
        migrations.RunPython(reprotect, migrations.RunPython.noop),
    ]
