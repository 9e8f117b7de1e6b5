"""12345 hotline import: good rows kept, bad rows reported by number, re-import creates nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from procurement.models import Need
from procurement.services.imports import import_hotline_file

pytestmark = pytest.mark.django_db

CSV = (
    "工单编号,来电时间,社区,类别,标题,诉求内容,地址,联系电话\n"
    "GD2026001,2026-11-20 09:15,110114011001,elderly_meals,老年餐桌,午饭不够,3号楼,13812345678\n"
    "GD2026002,2026-11-20 10:00,110114011002,停车管理,乱停车,小区门口乱停车,,13912345678\n"
    "GD2026003,2026-11-20 10:30,999,elderly_meals,未知社区,内容,,13812345678\n"
    "GD2026004,2026-11-20 11:00,110114011001,elderly_meals,坏电话,内容,,123\n"
    ",2026-11-20 11:00,110114011001,elderly_meals,无编号,内容,,13812345678\n"
    "GD2026006,昨天,110114011001,elderly_meals,坏日期,内容,,13812345678\n"
)


def upload(text=CSV, name="12345.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def test_import_keeps_good_rows_and_reports_bad_ones(cast):
    result = import_hotline_file(upload=upload(), by=cast.district)
    assert result.created == 2
    assert [row for row, _reason in result.errors] == [4, 5, 6, 7]
    assert "999" in result.errors[0][1]
    assert "contact_phone" in result.errors[1][1]
    need = Need.objects.get(external_ref="GD2026002")
    assert need.channel == "hotline_12345" and need.category.code == "parking"
    assert need.created_at.day == 20


def test_reimport_creates_nothing_new(cast):
    import_hotline_file(upload=upload(), by=cast.district)
    again = import_hotline_file(upload=upload(), by=cast.district)
    assert again.created == 0 and again.skipped == 2
    assert Need.objects.count() == 2


def test_xlsx_import(cast):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for line in CSV.splitlines()[:3]:
        ws.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    result = import_hotline_file(
        upload=SimpleUploadedFile("a.xlsx", buf.getvalue()), by=cast.district
    )
    assert result.created == 2 and not result.errors


def test_missing_columns_and_unreadable_file(cast):
    r = import_hotline_file(upload=upload("a,b\n1,2\n"), by=cast.district)
    assert r.errors and r.errors[0][0] == 1
    r = import_hotline_file(
        upload=SimpleUploadedFile("x.xlsx", b"not a workbook"), by=cast.district
    )
    assert r.errors and r.errors[0][0] == 0


def test_admin_import_page(cast, client_as):
    c = client_as(cast.community_a1)
    r = c.post("/admin/procurement/need/import/", {"file": upload()})
    assert r.status_code == 200 and Need.objects.count() == 2
    assert "<td>4</td>" in r.content.decode()
    assert client_as(cast.auditor).get("/admin/procurement/need/import/").status_code == 302
