"""Audit tables are append-only in the database (issue 7 item 8, first half).

Transition rows (every workflow step) and django-simple-history's rows refuse UPDATE
and DELETE by a trigger, whichever door tries: `QuerySet.update()`, `.delete()`, raw SQL.
Normal work still writes them: `move()` appends, and deleting a user only forgets who
made a historical change.
"""

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from huitian.models import Transition
from procurement.services import needs as svc
from tests.conftest import make_user
from tests.procurement.factories import NeedFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason=(
            "UPDATE and DELETE are refused by PostgreSQL triggers, the database of every "
            "deployment and of CI; the SQLite demo refuses UPDATE only (checked by "
            "test_platform's fresh-SQLite migration test)"
        ),
    ),
]


@pytest.fixture
def rows(cast):
    need = NeedFactory()
    svc.accept_need(need_id=need.pk, by=cast.community_a1, note="")
    return Transition.objects.filter(object_id=need.pk)


def refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except IntegrityError as exc:
        return "append-only" in str(exc)
    return False


def test_transitions_refuse_bulk_update_and_delete(rows):
    assert rows.exists()
    assert refused(lambda: rows.update(note="改写"))
    assert refused(lambda: rows.update(by=None))
    assert refused(lambda: rows.delete())
    with connection.cursor() as cur:
        assert refused(lambda: cur.execute("DELETE FROM huitian_transition"))
    assert rows.exclude(note="改写").count() == rows.count()


def test_workflow_steps_still_append(cast, rows):
    need_id = rows.first().object_id
    before = rows.count()
    from procurement.models import Need

    need = Need.objects.get(pk=need_id)
    svc.assign_need(
        need_id=need.pk, by=cast.community_a1, area=need.community, organization=None, note=""
    )
    assert rows.count() == before + 1


def test_history_rows_refuse_rewrites(cast):
    need = NeedFactory()
    history = need.history.all()
    assert history.exists()
    assert refused(lambda: history.update(title="改写的历史"))
    assert refused(lambda: history.delete())


def test_deleting_a_user_only_forgets_who_changed_history(cast, client_as):
    temp = make_user("temp_editor")
    area = cast.area("110114011002")
    area._history_user = temp
    area.name = "临时改名"
    area.save()
    row = area.history.order_by("-history_id").first()
    assert row.history_user == temp
    temp.delete()
    row.refresh_from_db()
    assert row.history_user is None and row.name == "临时改名"
    # but a changed name together with the nulled user is still refused
    assert refused(lambda: type(row).objects.filter(pk=row.pk).update(history_user=None, name="x"))


def test_a_user_who_took_workflow_steps_cannot_be_deleted(rows, cast):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        cast.community_a1.delete()


def test_every_audit_table_is_append_only():
    """A new historical table needs the trigger: call `protect_table` in its migration."""
    tables = {Transition._meta.db_table} | {
        m._meta.db_table
        for m in apps.get_models()
        if m.__name__.startswith("Historical")
        and m._meta.app_label in {"huitian", "registry", "procurement", "volunteers", "credit"}
    }
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'huitian_append_only'"
        )
        protected = {row[0] for row in cur.fetchall()}
    assert tables - protected == set()
