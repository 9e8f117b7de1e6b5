"""An erased account leaves no phone or name in the append-only history (issue 13, item 1).

The history keeps its rows, dates and states; the person's columns are blanked by the
one exception the history trigger makes while the erasure runs, and only then.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIClient

from huitian import sms
from huitian.models import Transition, User
from procurement.models import Need
from procurement.services import needs as svc
from tests.conftest import COMMUNITY_A1

pytestmark = pytest.mark.django_db
PHONE = "13912345678"
NAME = "王芳芳"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.SMS_BACKEND = "huitian.sms.LocMemBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def signed_up_resident() -> tuple[APIClient, User]:
    client = APIClient(REMOTE_ADDR="10.9.9.9")
    r = client.post("/api/v1/auth/sms-code/", {"phone": PHONE, "purpose": "sign_up"})
    assert r.status_code == 202, r.content
    code = [m for m in sms.outbox if m.phone == PHONE][-1].code
    r = client.post(
        "/api/v1/auth/signup/",
        {"phone": PHONE, "code": code, "community": COMMUNITY_A1, "real_name": NAME},
    )
    assert r.status_code == 201, r.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {r.json()['access']}")
    return client, User.objects.get(pk=r.json()["user"])


def rows_holding(*values) -> list[str]:
    """Every history row (any historical table) that still holds one of `values`."""
    found = []
    for model in apps.get_models():
        if not model.__name__.startswith("Historical"):
            continue
        for f in model._meta.concrete_fields:
            if f.get_internal_type() not in ("CharField", "TextField"):
                continue
            for value in values:
                if model._default_manager.filter(**{f"{f.name}__contains": value}).exists():
                    found.append(f"{model._meta.db_table}.{f.name}")
    return found


def refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except IntegrityError as exc:
        return "append-only" in str(exc)
    return False


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "PostgreSQL-only: this checks the PostgreSQL trigger of huitian 0010 that deployments "
        "run; the SQLite trigger is checked by test_erasure_works_on_the_embedded_sqlite_default"
    ),
)
def test_erasure_blanks_the_person_in_history_and_keeps_the_rows(areas, cast):
    client, user = signed_up_resident()
    r = client.post(
        "/api/v1/needs/",
        {
            "community": COMMUNITY_A1,
            "category": "elderly_meals",
            "title": "楼道灯坏了",
            "text": "三单元楼道灯不亮",
            "contact_name": NAME,
            "contact_phone": PHONE,
        },
    )
    assert r.status_code == 201, r.content
    need = Need.objects.get(pk=r.json()["id"])
    svc.accept_need(need_id=need.pk, by=cast.community_a1, note="")  # a second version
    history = Need.history.model.objects.filter(id=need.pk).order_by("history_id")
    before = list(history.values_list("history_id", "history_date", "state", "history_user_id"))
    assert len(before) >= 2
    assert rows_holding(PHONE, NAME)  # the history held them before

    assert client.delete("/api/v1/me/account/").status_code == 204

    assert rows_holding(PHONE, NAME) == []
    # The rows, their dates, states and actors are all still there.
    after = list(history.values_list("history_id", "history_date", "state", "history_user_id"))
    assert after == before
    assert set(history.values_list("contact_phone", "contact_name")) == {("", "")}
    # The account's own versions keep their dates but not the number it was named by.
    user.refresh_from_db()
    versions = User.history.model.objects.filter(id=user.pk)
    assert versions.count() >= 2
    assert set(versions.values_list("username", flat=True)) == {user.username}
    assert user.username.startswith("erased-")
    # The erasure is on record, as a step on the account.
    step = Transition.objects.get(
        content_type=ContentType.objects.get_for_model(User), object_id=user.pk, step="erase"
    )
    assert step.by_id == user.pk and step.to_state == "erased"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "PostgreSQL-only: this checks the PostgreSQL trigger of huitian 0010 that deployments "
        "run; the SQLite trigger is checked by test_erasure_works_on_the_embedded_sqlite_default"
    ),
)
def test_history_stays_append_only_outside_and_inside_an_erasure(areas, cast):
    client, user = signed_up_resident()
    client.post(
        "/api/v1/needs/",
        {
            "community": COMMUNITY_A1,
            "category": "elderly_meals",
            "title": "楼道灯坏了",
            "text": "三单元楼道灯不亮",
            "contact_name": NAME,
            "contact_phone": PHONE,
        },
    )
    rows = Need.history.model.objects.filter(contact_phone=PHONE)
    assert rows.exists()
    # No erasure running: even blanking the phone is refused.
    assert refused(lambda: rows.update(contact_phone=""))

    def during_erasure(**values):
        with connection.cursor() as cur:
            cur.execute("SELECT set_config('huitian.erasure', %s, true)", [str(user.pk)])
        rows.update(**values)

    # An erasure may blank personal columns, and nothing else.
    assert refused(lambda: during_erasure(title="改写的历史"))
    assert refused(lambda: during_erasure(contact_phone="13800000000"))
    assert refused(lambda: during_erasure(contact_phone="", state="closed"))
    assert refused(lambda: rows.delete())
    assert rows.exists()


def test_personal_history_tables_allow_only_erasure():
    """Each historical table holding a personal column carries the erasure-aware trigger
    (`protect_erasable_table` of huitian migration 0010 in a new table's migration)."""
    from huitian.privacy import PERSONAL_HISTORY_COLUMNS

    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL-only: reads pg_trigger for the triggers deployments run; the SQLite "
            "trigger is checked by test_erasure_works_on_the_embedded_sqlite_default"
        )
    wanted = {
        m._meta.db_table
        for m in apps.get_models()
        if m.__name__.startswith("Historical")
        and {f.name for f in m._meta.concrete_fields} & set(PERSONAL_HISTORY_COLUMNS)
    }
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgname = 'huitian_append_only' "
            "AND p.proname = 'huitian_append_only_but_erasure'"
        )
        erasable = {row[0] for row in cur.fetchall()}
    assert "procurement_historicalneed" in wanted and "huitian_historicaluser" in wanted
    assert wanted - erasable == set()


ERASE_ON_SQLITE = """
from huitian.models import User
from huitian.services import load_areas
from huitian.signup import erase_account
from procurement.models import Need
from tests.procurement.factories import NeedFactory
import django.db

load_areas()
resident = User.objects.create_user(username="{phone}", phone="{phone}", first_name="{name}")
need = NeedFactory(submitter=resident, contact_name="{name}", contact_phone="{phone}")
need.title = "改了标题"
need.save()
H = Need.history.model.objects
try:
    H.filter(id=need.pk).update(contact_phone="")
    print("UPDATE-ALLOWED")
except django.db.IntegrityError:
    print("UPDATE-REFUSED")
erase_account(user=resident)
print("LEFT", H.filter(contact_phone="{phone}").count() + H.filter(contact_name="{name}").count())
print("ROWS", H.filter(id=need.pk).count())
"""


def test_erasure_works_on_the_embedded_sqlite_default(tmp_path):
    """`make run`'s SQLite: the same erasure, the same refusal (its trigger and flag row)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'erase.sqlite3'}"}
    for server in ("REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(server, None)
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 600}
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    assert migrated.returncode == 0, migrated.stderr
    script = ERASE_ON_SQLITE.format(name=NAME, phone=PHONE)
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], **run)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "UPDATE-REFUSED" in result.stdout
    assert "LEFT 0" in result.stdout
    assert "ROWS 2" in result.stdout
    with sqlite3.connect(tmp_path / "erase.sqlite3") as conn:
        assert conn.execute("SELECT COUNT(*) FROM huitian_erasure_in_progress").fetchone() == (0,)
