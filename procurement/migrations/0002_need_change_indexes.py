# Indexes on the big needs table are built CONCURRENTLY on PostgreSQL (DESIGN.md);
# SQLite (the embedded default) builds them the ordinary way.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return migrations.AddIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )
        return super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return migrations.AddIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )
        return super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("procurement", "0001_initial")]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="need",
            index=models.Index(fields=["updated_at"], name="need_updated_at"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="need",
            index=models.Index(fields=["grouped_at"], name="need_grouped_at"),
        ),
    ]
