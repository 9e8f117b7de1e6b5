"""An erased account leaves no phone or name in the history (issue 13, item 1).

The history tables stay append-only (0006). One narrow exception is added for the
historical tables that hold a person's contact columns (`PERSONAL_COLUMNS`): while
the account erasure runs (`huitian.privacy.blank_personal_history`), an UPDATE may
blank those columns — set them to '' (the username to the erased one, `erased-…`) —
and change nothing else: not the dates, not the states, not who acted. Anything
else is refused as before, and so is every UPDATE outside an erasure.

"While the erasure runs" is:
- PostgreSQL: the transaction-local setting `huitian.erasure` (`set_config(…, true)`,
  i.e. SET LOCAL) holds the erased user's id; it ends with the transaction;
- SQLite (the embedded default), which has no such settings: a row in
  `huitian_erasure_in_progress`, inserted and deleted inside the erasure's own
  transaction, so no other connection ever sees it.

The erasure itself is recorded as a workflow transition on the user (step `erase`).

A historical table added later that holds one of these columns is protected with
`protect_erasable_table` (the test `test_personal_history_tables_allow_only_erasure`
names any that is not).
"""

from importlib import import_module

from django.db import migrations

audit = import_module("huitian.migrations.0006_append_only_audit_tables")

# A person's contact columns; the erasure blanks exactly these in history rows.
PERSONAL_COLUMNS = (
    "contact_name",
    "contact_phone",
    "email",
    "first_name",
    "last_name",
    "phone",
    "real_name",
    "username",
)
ERASED_USERNAME_PREFIX = "erased-"
SQLITE_FLAG_TABLE = "huitian_erasure_in_progress"

FUNCTION = """
CREATE OR REPLACE FUNCTION huitian_append_only_but_erasure() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    new_row jsonb;
    old_row jsonb;
    col text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        new_row := to_jsonb(NEW);
        old_row := to_jsonb(OLD);
        IF TG_NARGS > 0 AND (new_row -> TG_ARGV[0]) = 'null'::jsonb
           AND (new_row - TG_ARGV[0]) = (old_row - TG_ARGV[0]) THEN
            RETURN NEW;  -- the actor's account was deleted: forget who, keep what
        END IF;
        IF coalesce(current_setting('huitian.erasure', true), '') <> '' THEN
            FOR col IN
                SELECT n.key FROM jsonb_each(new_row) AS n
                WHERE n.value IS DISTINCT FROM old_row -> n.key
            LOOP
                IF NOT (
                    col = ANY(__COLUMNS__)
                    AND (new_row ->> col = ''
                         OR (col = 'username' AND new_row ->> col LIKE '__PREFIX__%'))
                ) THEN
                    RAISE EXCEPTION '% is append-only: an erasure blanks personal columns, not %',
                        TG_TABLE_NAME, col USING ERRCODE = 'restrict_violation';
                END IF;
            END LOOP;
            RETURN NEW;  -- an account erasure blanks the person's columns, nothing else
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
""".replace("__COLUMNS__", "ARRAY[" + ", ".join(f"'{c}'" for c in PERSONAL_COLUMNS) + "]").replace(
    "__PREFIX__", ERASED_USERNAME_PREFIX
)


def _sqlite_blanked(column: str) -> str:
    new, old = f'NEW."{column}"', f'OLD."{column}"'
    ok = f"{new} IS {old} OR {new} = ''"
    if column == "username":
        ok += f" OR {new} LIKE '{ERASED_USERNAME_PREFIX}%'"
    return f"({ok})"


def protect_erasable_table(schema_editor, table: str, columns: list[str], actor: str | None):
    """Append-only `table` whose personal columns an account erasure may blank.

    `columns` are all the table's columns (SQLite's trigger names the ones that must
    stay; PostgreSQL's function reads the row as it is)."""
    qn = schema_editor.quote_name
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
        arg = f"'{actor}'" if actor else ""
        schema_editor.execute(
            f"CREATE OR REPLACE TRIGGER {audit.TRIGGER} BEFORE UPDATE OR DELETE ON {qn(table)} "
            f"FOR EACH ROW EXECUTE FUNCTION huitian_append_only_but_erasure({arg})"
        )
    elif vendor == "sqlite":
        kept = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in columns if c not in PERSONAL_COLUMNS)
        blanked = " AND ".join(_sqlite_blanked(c) for c in columns if c in PERSONAL_COLUMNS)
        erasure = f"(EXISTS (SELECT 1 FROM {SQLITE_FLAG_TABLE}) AND {kept} AND {blanked})"
        allowed = [erasure]
        if actor:
            allowed.append(f"(NEW.{actor} IS NULL AND OLD.{actor} IS NOT NULL)")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {audit.TRIGGER}_{table}")
        schema_editor.execute(
            f"CREATE TRIGGER {audit.TRIGGER}_{table} BEFORE UPDATE ON {qn(table)} "
            f"WHEN NOT ({' OR '.join(allowed)}) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END"
        )


def personal_history_tables(apps) -> list[tuple[str, list[str], str | None]]:
    """(table, columns, actor column) of each historical table with a personal column."""
    found = []
    for model in apps.get_models():
        if not model.__name__.startswith("Historical") or model._meta.app_label not in {
            "huitian",
            "registry",
            "procurement",
            "volunteers",
            "credit",
        }:
            continue
        columns = [f.column for f in model._meta.concrete_fields]
        if not set(columns) & set(PERSONAL_COLUMNS):
            continue
        actor = "history_user_id" if "history_user_id" in columns else None
        found.append((model._meta.db_table, columns, actor))
    return sorted(found)


def allow_erasure(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TABLE IF NOT EXISTS {SQLITE_FLAG_TABLE} (user_id integer NOT NULL)"
        )
    for table, columns, actor in personal_history_tables(apps):
        protect_erasable_table(schema_editor, table, columns, actor)


def refuse_erasure(apps, schema_editor):
    for table, _columns, actor in personal_history_tables(apps):
        audit.protect_table(schema_editor, table, nullable_actor=actor)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS huitian_append_only_but_erasure()")
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {SQLITE_FLAG_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("huitian", "0009_phone_codes"),
        # Every historical table that holds a personal column exists from these on.
        ("registry", "0003_agency_certification_exit"),
        ("procurement", "0009_supervision_and_evaluation"),
        ("volunteers", "0004_append_only_history"),
        ("credit", "0004_grades_voice_honours_settings"),
    ]

    operations = [migrations.RunPython(allow_erasure, refuse_erasure)]
