"""12345 hotline import as a job: scoped by the importer's areas, resumable, reported by row."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from huitian.models import Transition
from procurement.models import Need, NeedImport
from procurement.services import imports
from procurement.services.imports import run_need_import, start_need_import

pytestmark = pytest.mark.django_db

HEADER = "工单编号,来电时间,社区,类别,标题,诉求内容,地址,联系电话\n"
CSV = HEADER + (
    "GD2026001,2026-11-20 09:15,110114011001,elderly_meals,老年餐桌,午饭不够,3号楼,13812345678\n"
    "GD2026002,2026-11-20 10:00,110114011002,停车管理,乱停车,小区门口乱停车,,13912345678\n"
    "GD2026003,2026-11-20 10:30,999,elderly_meals,未知社区,内容,,13812345678\n"
    "GD2026004,2026-11-20 11:00,110114011001,elderly_meals,坏电话,内容,,123\n"
    ",2026-11-20 11:00,110114011001,elderly_meals,无编号,内容,,13812345678\n"
    "GD2026006,昨天,110114011001,elderly_meals,坏日期,内容,,13812345678\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(text=CSV, name="12345.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def imported(text=CSV, *, by, name="12345.csv") -> NeedImport:
    job = start_need_import(upload=upload(text, name), by=by)
    return run_need_import(import_id=job.pk)


def errors(job) -> list[tuple[int, str]]:
    return list(job.errors.order_by("row").values_list("row", "reason"))


def row(ref, community="110114011001", when="2026-11-20 09:15", text="午饭不够", title="老年餐桌"):
    return f"{ref},{when},{community},elderly_meals,{title},{text},,13812345678\n"


def test_import_keeps_good_rows_and_reports_bad_ones(cast):
    job = imported(by=cast.district)
    assert job.state == "done" and job.rows_total == 6 and job.rows_done == 6
    assert job.created_count == 2 and job.error_count == 4
    refused = errors(job)
    assert [r for r, _reason in refused] == [4, 5, 6, 7]
    assert "999" in refused[0][1]
    # the column in words, never the field key (issue 13, item 12)
    assert refused[1][1].startswith("联系电话：") and "contact_phone" not in refused[1][1]
    need = Need.objects.get(external_ref="GD2026002")
    assert need.channel == "hotline_12345" and need.category.code == "parking"
    assert need.created_at.day == 20
    # The job's steps are recorded: upload, start, finish.
    steps = Transition.objects.filter(object_id=job.pk, content_type__model="needimport")
    assert list(steps.values_list("step", flat=True)) == ["upload", "start", "finish"]


def test_reimport_creates_nothing_new(cast):
    imported(by=cast.district)
    again = imported(by=cast.district)
    assert again.created_count == 0 and again.skipped_count == 2
    assert Need.objects.count() == 2


def test_xlsx_import(cast):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for line in CSV.splitlines()[:3]:
        ws.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    job = start_need_import(upload=SimpleUploadedFile("a.xlsx", buf.getvalue()), by=cast.district)
    job = run_need_import(import_id=job.pk)
    assert job.state == "done" and job.created_count == 2 and not errors(job)


def test_missing_columns_and_unreadable_file(cast):
    job = imported("a,b\n1,2\n", by=cast.district)
    assert job.state == "failed" and errors(job)[0][0] == 1 and "工单编号" in job.failure
    job = imported("not a workbook", by=cast.district, name="x.xlsx")
    assert job.state == "failed" and errors(job)[0][0] == 0


def test_the_upload_itself_is_checked(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        start_need_import(upload=upload(name="12345.pdf"), by=cast.district)
    assert "file" in exc.value.message_dict
    with pytest.raises(ValidationError):
        start_need_import(upload=upload(""), by=cast.district)


@pytest.mark.parametrize("who", ["auditor", "resident", "federation_a"])
def test_only_need_handlers_import(cast, who):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        start_need_import(upload=upload(), by=getattr(cast, who))
    assert not NeedImport.objects.exists()


SCOPED = HEADER + row("GD-A1") + row("GD-A2", "110114011002") + row("GD-B1", "110114008001")


def test_community_clerk_imports_only_their_community_and_claims_no_other_ticket(cast):
    job = imported(SCOPED, by=cast.community_a1)
    assert job.created_count == 1 and job.error_count == 2
    refused = errors(job)
    assert [r for r, _reason in refused] == [3, 4]
    assert "outside your areas" in refused[1][1] or "范围" in refused[1][1]
    assert set(Need.objects.values_list("external_ref", flat=True)) == {"GD-A1"}
    # The refused tickets were not claimed: the district's later import creates them.
    again = imported(SCOPED, by=cast.district)
    assert again.created_count == 2 and again.skipped_count == 1 and not errors(again)
    assert Need.objects.get(external_ref="GD-B1").community.code == "110114008001"


def test_street_clerk_imports_their_street_only(cast):
    job = imported(SCOPED, by=cast.street_a)
    assert job.created_count == 2 and [r for r, _reason in errors(job)] == [4]


def test_import_is_scoped_like_its_rows(cast, client_as):
    job = imported(SCOPED, by=cast.community_a1)
    url = f"/admin/procurement/needimport/{job.pk}/change/"
    assert client_as(cast.community_a1).get(url).status_code == 200
    assert client_as(cast.street_a).get(url).status_code == 200
    assert client_as(cast.community_b1).get(url).status_code == 302  # not found, back to list
    assert client_as(cast.community_b1).get(url.replace("change/", "errors.csv")).status_code == 404


def test_dates_out_of_range_are_refused_by_row_without_a_crash(cast):
    text = (
        HEADER
        + row("GD-1")
        + row("GD-2", when="9999-12-31")
        + row("GD-3", when="0001-01-01")
        + row("GD-4", when="2099-01-01 08:00")
        + row("GD-5")
    )
    job = imported(text, by=cast.district)
    assert job.state == "done" and job.created_count == 2
    assert [r for r, _reason in errors(job)] == [3, 4, 5]
    assert all("9999" in e or "0001" in e or "2099" in e for _r, e in errors(job))
    assert set(Need.objects.values_list("external_ref", flat=True)) == {"GD-1", "GD-5"}


def test_texts_over_the_limits_are_refused_not_stored(cast):
    text = (
        HEADER
        + row("GD-1", text="长" * 2000)
        + row("GD-2", text="长" * 2001)
        + row("GD-3", text="长" * 100_000)
        + row("GD-4", title="题" * 121)
    )
    job = imported(text, by=cast.district)
    assert job.created_count == 1
    refused = errors(job)
    assert [r for r, _reason in refused] == [3, 4, 5]
    assert "诉求内容" in refused[0][1] and "2000" in refused[0][1]
    assert "标题" in refused[2][1]
    assert Need.objects.get().external_ref == "GD-1"


def big_file(n: int, start: int = 0) -> str:
    return HEADER + "".join(row(f"BIG{i:06d}") for i in range(start, start + n))


def test_a_large_file_runs_in_batches_with_progress_and_resumes(cast, monkeypatch):
    job = start_need_import(upload=upload(big_file(5000)), by=cast.district)
    job = run_need_import(import_id=job.pk, max_rows=1200)
    # Progress is visible while it runs: whole batches of 500 committed, then 200.
    assert job.state == "running" and job.rows_total == 5000 and job.rows_done == 1200
    assert Need.objects.count() == 1200

    # The worker dies in the middle of a batch: that batch is rolled back, nothing else.
    real = imports.submit_need
    calls = {"n": 0}

    def dies_on_the_300th(**kwargs):
        calls["n"] += 1
        if calls["n"] == 300:
            raise RuntimeError("worker lost")
        return real(**kwargs)

    monkeypatch.setattr(imports, "submit_need", dies_on_the_300th)
    with pytest.raises(RuntimeError):
        run_need_import(import_id=job.pk)
    job.refresh_from_db()
    assert job.rows_done == 1200 and Need.objects.count() == 1200

    # Resumed, it finishes from the last committed row and creates each ticket once.
    monkeypatch.setattr(imports, "submit_need", real)
    job = run_need_import(import_id=job.pk)
    assert job.state == "done" and job.rows_done == 5000
    assert job.created_count == 5000 and job.error_count == 0
    assert Need.objects.count() == 5000
    assert run_need_import(import_id=job.pk).created_count == 5000  # finished: a no-op


def test_the_sweeper_resumes_an_import_whose_message_was_lost(cast):
    from huitian.sweep import sweepers

    job = start_need_import(upload=upload(big_file(30)), by=cast.district)  # on_commit never ran
    assert sweepers()["procurement.need_imports"](500) == 0  # not stalled yet
    NeedImport.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert sweepers()["procurement.need_imports"](10) >= 10
    job.refresh_from_db()
    assert job.rows_done >= 10 and Need.objects.count() == job.created_count


def test_admin_upload_returns_at_once_and_shows_progress_and_error_report(
    cast, client_as, django_capture_on_commit_callbacks
):
    c = client_as(cast.community_a1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        r = c.post("/admin/procurement/needimport/add/", {"file": upload()})
    job = NeedImport.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/needimport/{job.pk}/change/")
    assert job.state == "pending" and not Need.objects.exists()  # the request did not import
    assert len(callbacks) == 1
    callbacks[0]()  # the broker delivers the job (eager in tests)
    job.refresh_from_db()
    assert job.state == "done"
    html = c.get(r["Location"]).content.decode()
    assert "6 / 6" in html and "GD2026003" not in html and "999" in html
    report = c.get(f"/admin/procurement/needimport/{job.pk}/errors.csv")
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    lines = report.content.decode("utf-8-sig").splitlines()
    # Row 3 is another community's (refused for this clerk), row 4 an unknown one.
    assert len(lines) == 6 and lines[1].startswith("3,") and lines[2].startswith("4,")
    assert "999" in lines[2]
    # The needs changelist links to the import page; read-only roles cannot upload.
    assert (
        "/admin/procurement/needimport/add/" in c.get("/admin/procurement/need/").content.decode()
    )
    assert client_as(cast.auditor).get("/admin/procurement/needimport/add/").status_code == 403


def test_import_list_costs_the_same_for_more_imports(cast, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_as(cast.district)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/admin/procurement/needimport/").status_code == 200
        return len(ctx.captured_queries)

    for _i in range(2):
        start_need_import(upload=upload(), by=cast.community_a1)
    queries()  # warm the per-process caches (area tree, content types)
    few = queries()
    for _i in range(4):
        start_need_import(upload=upload(), by=cast.street_a)
    assert queries() == few
