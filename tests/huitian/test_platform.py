"""Demo seed, language and time, deploy settings, pages a person opens."""

import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from huitian.models import Area, RoleAssignment, User

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def test_seed_demo_is_idempotent_and_matches_the_reference_csv(areas):
    call_command("seed_demo", stdout=StringIO())
    counts = (User.objects.count(), RoleAssignment.objects.count(), Area.objects.count())
    history = Area.history.count()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert (User.objects.count(), RoleAssignment.objects.count(), Area.objects.count()) == counts
    assert Area.history.count() == history
    assert "areas: 0 created, 0 updated" in out.getvalue()
    for username in [
        "demo_district",
        "demo_street",
        "demo_federation",
        "demo_community",
        "demo_evaluator",
        "demo_auditor",
        "demo_org",
        "demo_resident",
    ]:
        assert User.objects.get(username=username).check_password("huitian-demo")
    assert Area.objects.get(code="110114011").name == "回龙观街道"
    assert Area.objects.filter(level="community", parent__code="110114011").exists()


def test_committed_area_csv_is_the_shared_reference(areas):
    shared = ROOT.parent / "shared" / "data" / "areas" / "huitian-areas.csv"
    if not shared.exists():
        pytest.skip(
            "../shared/data/areas is not beside this checkout (CI lays it there), "
            "so there is no reference to compare the committed copy with"
        )
    assert (ROOT / "huitian" / "fixtures" / "huitian-areas.csv").read_bytes() == shared.read_bytes()


def test_seed_demo_is_refused_in_production(settings):
    from django.core.management.base import CommandError

    settings.HUITIAN_ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())


def test_home_is_chinese_by_default_and_english_on_request(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="zh-hans">' in html and "回天社会组织服务平台" in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "cdn" not in html.lower()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Huitian Social Organization Platform" in client.get("/").content.decode()


def test_time_zone_is_shanghai():
    from django.utils import timezone

    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert str(timezone.get_current_timezone()) == "Asia/Shanghai"


def test_postgresql_connections_run_without_jit():
    """Short OLTP queries must not pay PostgreSQL's JIT compile (seconds on a report page)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL-only: JIT is a PostgreSQL setting; the embedded SQLite default has "
            "no JIT to turn off"
        )
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_every_catalogue_is_fully_translated():
    catalogues = [
        p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts
    ]
    assert catalogues
    for path in catalogues:
        po = polib.pofile(str(path))
        untranslated = [e.msgid for e in po.untranslated_entries()] + [
            e.msgid for e in po.fuzzy_entries()
        ]
        assert untranslated == [], f"{path.relative_to(ROOT)}: {untranslated[:5]}"


def test_area_directory_page_lists_streets_in_two_queries(
    client, areas, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):  # session-less: streets + communities (+ savepoints)
        page = client.get("/areas/")
    html = page.content.decode()
    assert html.count('class="accordion-item"') == 7 and "110114011001" in html


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-for-the-check-only-0123456789",
        "DJANGO_ALLOWED_HOSTS": "huitian.example.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    for test_only in ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(test_only, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_fresh_embedded_database_migrates_with_every_audit_table_protected(tmp_path):
    """`make run` starts from an empty SQLite file: every migration must apply there too,
    and SQLite's table rebuilds must not leave an audit table without its trigger."""
    db = tmp_path / "fresh.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    for server in ("REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(server, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(db) as conn:
        tables = {
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if "_historical" in name or name == "huitian_transition"
        }
        protected = {
            table
            for (table,) in conn.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'"
            )
        }
    assert tables and tables <= protected, sorted(tables - protected)


def test_production_refuses_a_missing_secret_key(tmp_path):
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
    }
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr
