"""Who is short of the year's continuing-education hours (V5): everyone who owes hours
under the year's requirements, enrolled or not, as the clerk of each area sees them."""

import csv
import datetime
import io
import itertools
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from huitian.models import Role
from tests.conftest import COMMUNITY_A1, COMMUNITY_A2, COMMUNITY_B1, DISTRICT, make_user
from tests.queries import assert_pinned
from tests.registry.factories import OrganizationFactory
from tests.volunteers.factories import id_number, volunteer
from volunteers import selectors, services

pytestmark = pytest.mark.django_db

URL = "/volunteers/training/report/"


def year_with_requirements(cast):
    year = timezone.localdate().year
    for audience, hours in (("volunteer", "2"), ("community_worker", "6"), ("org_staff", "4")):
        services.set_requirement(by=cast.district, year=year, audience=audience, hours=hours)
    return year


def attended(cast, person, *, hours="3", audience="volunteer", days=2):
    """`person` enrols in a district course `days` ahead and is marked present."""
    starts = timezone.now() + datetime.timedelta(days=days)
    c = services.publish_course(
        by=cast.district,
        topic="志愿服务项目设计",
        teacher="王老师",
        audience=audience,
        place="回天社会创新学院",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        capacity=10,
        credit_hours=hours,
        area=cast.area(DISTRICT),
    )
    e = services.enrol(course_id=c.pk, by=person)
    with time_machine.travel(starts + datetime.timedelta(minutes=5)):
        services.record_attendance(enrolment_id=e.pk, by=cast.district)
    return e


def people(report) -> set[str]:
    return {r["name"] for r in report.all()}


def test_people_who_never_enrolled_are_listed_with_zero_hours(cast):
    year = year_with_requirements(cast)
    idle = volunteer(name="周未报", community=cast.area(COMMUNITY_A1))
    busy = volunteer(name="吴已修", community=cast.area(COMMUNITY_A1))
    attended(cast, busy.user, hours="3")
    report = {r["name"]: r for r in selectors.training_report(cast.district, year).all()}
    assert report["周未报"]["earned"] == Decimal("0.0")
    assert report["周未报"]["required"] == Decimal("2.0") and report["周未报"]["missing"] == 2
    assert "吴已修" not in report  # 3 hours of 2: not short
    # the community clerks never enrolled either: they owe the community workers' 6 hours
    assert report["community_a1"]["required"] == Decimal("6.0")
    assert report["community_a1"]["audiences"] == "社区工作者"
    everyone = selectors.training_report(cast.district, year).all()
    assert idle.user.pk in {r["person"] for r in everyone}


def test_each_clerk_sees_only_the_people_of_its_area(cast):
    year = year_with_requirements(cast)
    volunteer(name="社区甲一", community=cast.area(COMMUNITY_A1))
    volunteer(name="社区甲二", community=cast.area(COMMUNITY_A2))
    volunteer(name="北街乙一", community=cast.area(COMMUNITY_B1))
    org = OrganizationFactory(home_area=cast.area(COMMUNITY_A1))
    make_user("org_staff_a1", Role.ORG_MEMBER, organization=org)
    gone = OrganizationFactory(home_area=cast.area(COMMUNITY_A1), status="deregistered")
    make_user("org_staff_gone", Role.ORG_MEMBER, organization=gone)

    district = people(selectors.training_report(cast.district, year))
    assert {"社区甲一", "社区甲二", "北街乙一", "org_staff_a1", "community_b1"} <= district
    assert "org_staff_gone" not in district  # nobody works for a deregistered organization
    assert "district" not in district and "resident" not in district  # they owe nothing

    street_a = people(selectors.training_report(cast.street_a, year))
    assert {"社区甲一", "社区甲二", "org_staff_a1", "community_a1", "community_a2"} <= street_a
    assert not street_a & {"北街乙一", "community_b1"}

    community_a1 = people(selectors.training_report(cast.community_a1, year))
    assert {"社区甲一", "org_staff_a1", "community_a1"} <= community_a1
    assert not community_a1 & {"社区甲二", "北街乙一", "community_a2", "community_b1"}

    street_b = people(selectors.training_report(cast.street_b, year))
    assert street_b == {"北街乙一", "community_b1"}
    # an evaluator is outside the area: it reads nobody's training record
    assert people(selectors.training_report(cast.evaluator, year)) == set()


def test_someone_in_two_audiences_owes_the_larger_requirement_and_hours_count_once(cast):
    year = year_with_requirements(cast)
    volunteer(cast.community_a1, name="郑两职", community=cast.area(COMMUNITY_A1))
    attended(cast, cast.community_a1, hours="4", audience="community_worker")
    row = next(
        r for r in selectors.training_report(cast.district, year).all() if r["name"] == "郑两职"
    )
    assert row["required"] == Decimal("6.0") and row["earned"] == Decimal("4.0")
    assert row["missing"] == Decimal("2.0")
    assert "志愿者" in row["audiences"] and "社区工作者" in row["audiences"]


def test_hours_of_another_year_or_a_cancelled_enrolment_do_not_count(cast):
    year = year_with_requirements(cast)
    services.set_requirement(by=cast.district, year=year + 1, audience="volunteer", hours="2")
    v = volunteer(name="冯跨年", community=cast.area(COMMUNITY_A1))
    days_to_next_year = (datetime.date(year + 1, 1, 10) - timezone.localdate()).days
    attended(cast, v.user, hours="5", days=days_to_next_year)
    this_year = {r["name"]: r for r in selectors.training_report(cast.district, year).all()}
    assert this_year["冯跨年"]["earned"] == 0
    assert "冯跨年" not in people(selectors.training_report(cast.district, year + 1))


def test_a_year_without_requirements_lists_nobody(cast):
    volunteer(name="陈无要求")
    assert selectors.training_report(cast.district, 2001).all() == []


def test_social_workers_come_from_the_college_records(cast):
    year = year_with_requirements(cast)
    services.set_requirement(by=cast.district, year=year, audience="social_worker", hours="8")
    attended(cast, cast.resident, hours="3", audience="social_worker")
    row = next(
        r
        for r in selectors.training_report(cast.district, year).all()
        if r["person"] == cast.resident.pk
    )
    assert row["required"] == Decimal("8.0") and row["missing"] == Decimal("5.0")
    # the course ran at district level: a community clerk does not see the person
    assert cast.resident.pk not in {
        r["person"] for r in selectors.training_report(cast.community_a1, year).all()
    }


def test_the_clerks_page_masks_id_numbers_pages_and_downloads(cast, client_as):
    year = year_with_requirements(cast)
    number = id_number("19850505", 321)
    services.register_volunteer(
        by=cast.resident,
        real_name="林居民",
        id_number=number,
        phone="13912345678",
        community=cast.area(COMMUNITY_A1),
    )
    clerk = client_as(cast.community_a1)
    r = clerk.get(URL, {"year": year})
    body = r.content.decode()
    assert r.status_code == 200 and "林居民" in body and "community_a1" in body
    assert f"**************{number[-4:]}" in body
    assert number not in body and number[:-4] not in body
    assert "community_b1" not in body and "community_a2" not in body
    r = clerk.get(URL, {"year": year, "format": "csv"})
    assert r["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert lines[0][:2] == ["姓名", "身份证号（后四位）"]
    mine = next(line for line in lines if line[0] == "林居民")
    assert mine[1] == f"**************{number[-4:]}" and mine[4:] == ["0.0", "2.0", "2.0"]
    assert number not in r.content.decode("utf-8-sig")
    assert {line[0] for line in lines[1:]} == {"林居民", "community_a1"}
    xlsx = clerk.get(URL, {"year": year, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # someone out of the clerk's area does not leak through the download either
    street_b = client_as(cast.street_b).get(URL, {"year": year, "format": "csv"})
    assert "林居民" not in street_b.content.decode("utf-8-sig")


def test_the_page_runs_the_same_queries_however_many_people_owe_hours(cast, client_as):
    year = year_with_requirements(cast)
    volunteer(community=cast.area(COMMUNITY_A1))
    district = client_as(cast.district)
    seq = itertools.count()

    def grow():
        for i in range(4):
            volunteer(community=cast.area(COMMUNITY_A2 if i % 2 else COMMUNITY_B1))
            make_user(f"clerk_more_{next(seq)}", Role.COMMUNITY_STAFF, cast.area(COMMUNITY_A2))

    assert_pinned(lambda: district.get(URL, {"year": year, "all": "1"}), grow)
    assert_pinned(lambda: district.get(URL, {"year": year, "format": "csv"}), grow)


def test_clerks_find_the_report_from_the_admin_and_the_college_page(cast, client_as):
    clerk = client_as(cast.community_a1)
    for url in ("/admin/volunteers/enrolment/", "/admin/volunteers/trainingrequirement/"):
        page = client_as(cast.district).get(url)
        assert page.status_code == 200 and URL in page.content.decode()
    assert URL in clerk.get("/volunteers/courses/").content.decode()
    assert URL not in client_as(cast.resident).get("/volunteers/courses/").content.decode()
