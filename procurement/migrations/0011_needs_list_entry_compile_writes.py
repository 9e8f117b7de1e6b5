"""Needs-list entries cheaper to write and to renumber (issue 14).

- No database foreign-key checks on the entries (the compile writes them from the
  needs' topic ids and the list it holds locked): PostgreSQL ran two checks per new
  entry at COMMIT, a fifth of the first compile of a year's list.
- No index of its own on `needs_list` (the unique (needs_list, topic) index serves
  its lookups): one index less to fill per entry.
- Room on each page (fillfactor 50): a compile renumbers the ranks of most entries
  when a few topics move up; `rank` is in no index, so with free space on the page
  PostgreSQL rewrites the row in place (a HOT update) instead of adding an entry to
  each index. Other databases: nothing.
"""

import django.db.models.deletion
from django.db import migrations, models


def _fillfactor(value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(
            apps.get_model("procurement", "NeedsListEntry")._meta.db_table
        )
        option = f"SET (fillfactor = {value})" if value else "RESET (fillfactor)"
        schema_editor.execute(f"ALTER TABLE {table} {option}")

    return run


class Migration(migrations.Migration):
    dependencies = [("procurement", "0010_whistle_no_show")]

    operations = [
        migrations.AlterField(
            model_name="needslistentry",
            name="needs_list",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="entries",
                to="procurement.needslist",
                verbose_name="needs list",
            ),
        ),
        migrations.AlterField(
            model_name="needslistentry",
            name="topic",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="list_entries",
                to="procurement.topic",
                verbose_name="topic",
            ),
        ),
        migrations.RunPython(_fillfactor(50), _fillfactor(None)),
    ]
