"""Audit rows are append-only in the database itself (issue 7, item 8).

Workflow transitions and django-simple-history's historical rows refuse UPDATE and
DELETE with a trigger, so neither `QuerySet.update()` / `.delete()` nor raw SQL can
rewrite the record of who did what. One update stays allowed on historical rows:
setting `history_user_id` to NULL and nothing else, which is what deleting a user
does (simple-history's `SET_NULL`). Transitions keep their actor: `by` is PROTECT.

On SQLite (the embedded default) only UPDATE is refused: the test runner empties
tables between transactional tests with DELETE there (PostgreSQL uses TRUNCATE,
which row triggers do not see).

A new historical table added by a later migration gets the trigger with
`huitian.migrations.0006_append_only_audit_tables.protect_table` (see the test
`tests/huitian/test_admin_audit.py::test_every_audit_table_is_append_only`).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION huitian_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_NARGS > 0
       AND (to_jsonb(NEW) -> TG_ARGV[0]) = 'null'::jsonb
       AND (to_jsonb(NEW) - TG_ARGV[0]) = (to_jsonb(OLD) - TG_ARGV[0]) THEN
        RETURN NEW;  -- the actor's account was deleted: forget who, keep what
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
"""
TRIGGER = "huitian_append_only"
TRANSITION_TABLE = "huitian_transition"


def protect_table(schema_editor, table: str, nullable_actor: str | None = None) -> None:
    """Refuse UPDATE and DELETE on `table` (UPDATE only on SQLite)."""
    qn = schema_editor.quote_name
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
        arg = f"'{nullable_actor}'" if nullable_actor else ""
        schema_editor.execute(
            f"CREATE OR REPLACE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {qn(table)} "
            f"FOR EACH ROW EXECUTE FUNCTION huitian_append_only({arg})"
        )
    elif schema_editor.connection.vendor == "sqlite":
        allowed = (
            f"WHEN NOT (NEW.{nullable_actor} IS NULL AND OLD.{nullable_actor} IS NOT NULL)"
            if nullable_actor
            else ""
        )
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_{table}")
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER}_{table} BEFORE UPDATE ON {qn(table)} {allowed} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END"
        )


def unprotect_table(schema_editor, table: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {TRIGGER} ON {schema_editor.quote_name(table)}"
        )
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_{table}")


def history_tables(apps) -> list[tuple[str, str | None]]:
    """(table, actor column) of every historical table; the many-to-many history
    tables (`HistoricalOffer_areas`) have no actor of their own."""
    tables = []
    for model in apps.get_models():
        if not model.__name__.startswith("Historical") or model._meta.app_label not in {
            "huitian",
            "registry",
            "procurement",
            "volunteers",
            "credit",
        }:
            continue
        columns = {f.column for f in model._meta.concrete_fields}
        tables.append(
            (model._meta.db_table, "history_user_id" if "history_user_id" in columns else None)
        )
    return sorted(tables)


def protect(apps, schema_editor):
    protect_table(schema_editor, TRANSITION_TABLE)
    for table, actor in history_tables(apps):
        protect_table(schema_editor, table, nullable_actor=actor)


def unprotect(apps, schema_editor):
    unprotect_table(schema_editor, TRANSITION_TABLE)
    for table, _actor in history_tables(apps):
        unprotect_table(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [
        ("huitian", "0005_seed_categories"),
        # Their historical tables exist from these on.
        ("registry", "0003_agency_certification_exit"),
        ("procurement", "0002_need_change_indexes"),
    ]

    operations = [migrations.RunPython(protect, unprotect)]
