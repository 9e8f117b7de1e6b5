"""Needs-list ranks are numbered when a list is published, not by every compile (issue 14).

- A draft's entries are ordered by score (the order the ranks are numbered in); a
  published list's pages read the new partial index on (needs_list, rank), which a
  draft's rank-0 rows do not fill.
- No index on the entries' topic: every look-up of entries goes through a list.
- The table's fillfactor goes back to PostgreSQL's default: 0011 left room on each page
  for the rank rewrites a compile no longer does, and the half-empty pages doubled what
  the first compile of a list writes. Other databases: nothing.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

# 0011's ALTER TABLE … SET/RESET (fillfactor), PostgreSQL only.
_fillfactor = importlib.import_module(
    "procurement.migrations.0011_needs_list_entry_compile_writes"
)._fillfactor


class Migration(migrations.Migration):
    dependencies = [("procurement", "0011_needs_list_entry_compile_writes")]

    operations = [
        migrations.AlterModelOptions(
            name="needslistentry",
            options={
                "ordering": ["-score", "-last_need_at", "topic_id"],
                "verbose_name": "needs list entry",
                "verbose_name_plural": "needs list entries",
            },
        ),
        migrations.AlterField(
            model_name="needslistentry",
            name="topic",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="list_entries",
                to="procurement.topic",
                verbose_name="topic",
            ),
        ),
        migrations.AddIndex(
            model_name="needslistentry",
            index=models.Index(
                condition=models.Q(("rank__gt", 0)),
                fields=["needs_list", "rank"],
                name="needs_list_entry_rank",
            ),
        ),
        migrations.RunPython(_fillfactor(None), _fillfactor(50)),
    ]
