"""Length limits of free text as CHECK constraints (issue 7, item 10).

On SQLite, adding a constraint or altering a field rebuilds the table, and the
rebuild re-reads every trigger in the schema. Two things follow:
- The append-only trigger of a many-to-many history table (e.g. the offer's areas)
  may have been created with a clause naming `history_user_id`, a column such tables
  lack; SQLite accepted it then but refuses any later rebuild. Every history table's
  trigger is re-created first (`protect_table` now leaves out a missing column).
- A rebuilt historical table loses its trigger: it is protected again at the end.
PostgreSQL needs neither (its triggers survive; the calls are idempotent there).
"""

from importlib import import_module

import django.db.models.functions.text
import django.db.models.lookups
import huitian.validators
from django.conf import settings
from django.db import migrations, models


audit = import_module("huitian.migrations.0006_append_only_audit_tables")
REBUILT_HISTORY = "procurement_historicalpurchaseitem"


def repair_actorless_triggers(apps, schema_editor):
    """A database migrated before huitian 0006 skipped the missing column: re-protect."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for table, actor in audit.history_tables(apps):
        audit.protect_table(schema_editor, table, nullable_actor=actor)


def protect_rebuilt(apps, schema_editor):
    audit.protect_table(schema_editor, REBUILT_HISTORY, nullable_actor="history_user_id")


class Migration(migrations.Migration):

    dependencies = [
        ('huitian', '0006_append_only_audit_tables'),
        ('procurement', '0004_protect_need_import_history'),
        ('registry', '0003_agency_certification_exit'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(repair_actorless_triggers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='historicalpurchaseitem',
            name='service_standard',
            field=models.TextField(max_length=4000, validators=[huitian.validators.CleanTextValidator()], verbose_name='service standard'),
        ),
        migrations.AlterField(
            model_name='purchaseitem',
            name='service_standard',
            field=models.TextField(max_length=4000, validators=[huitian.validators.CleanTextValidator()], verbose_name='service standard'),
        ),
        migrations.AddConstraint(
            model_name='need',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('text'), 2000), name='need_text_length'),
        ),
        migrations.AddConstraint(
            model_name='need',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('satisfaction_comment'), 1000), name='need_comment_length'),
        ),
        migrations.AddConstraint(
            model_name='offer',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('description'), 2000), name='offer_description_length'),
        ),
        migrations.AddConstraint(
            model_name='purchaseitem',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('service_standard'), 4000), name='purchase_item_standard_length'),
        ),
        migrations.AddConstraint(
            model_name='whistlecall',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('problem'), 2000), name='whistle_problem_length'),
        ),
        migrations.AddConstraint(
            model_name='whistleresponse',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('brings'), 1000), name='whistle_brings_length'),
        ),
        migrations.RunPython(protect_rebuilt, migrations.RunPython.noop),
    ]
