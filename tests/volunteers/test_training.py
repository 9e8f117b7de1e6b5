"""回天社会创新学院 (V5): courses, enrolment, attendance, yearly hours and who is short;
exam-preparation classes with pass records; university practice bases and placements."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from huitian.access import Forbidden
from huitian.models import Area
from huitian.workflow import WorkflowError
from tests.conftest import COMMUNITY_A1, DISTRICT, STREET_A, STREET_B, api_as
from tests.queries import assert_pinned
from volunteers import selectors, services
from volunteers.models import Course

pytestmark = pytest.mark.django_db


def course(by, area, *, capacity=2, hours="3", kind="regular", audience="community_worker", days=3):
    starts = timezone.now() + datetime.timedelta(days=days)
    return services.publish_course(
        by=by,
        topic="社区治理实务",
        teacher="王老师",
        audience=audience,
        place="回天社会创新学院",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        capacity=capacity,
        credit_hours=hours,
        area=area,
        kind=kind,
    )


def test_enrol_capacity_attendance_and_hours(cast):
    c = course(cast.district, cast.area(DISTRICT), capacity=2, hours="3")
    a = services.enrol(course_id=c.pk, by=cast.community_a1)
    services.enrol(course_id=c.pk, by=cast.community_a2)
    with pytest.raises(WorkflowError) as exc:
        services.enrol(course_id=c.pk, by=cast.resident)
    assert exc.value.code == "course_full"
    with pytest.raises(WorkflowError) as exc:
        services.enrol(course_id=c.pk, by=cast.community_a1)
    assert exc.value.code == "already_enrolled"
    with pytest.raises(WorkflowError) as exc:  # not yet begun
        services.record_attendance(enrolment_id=a.pk, by=cast.district)
    assert exc.value.code == "attendance_too_early"
    with time_machine.travel(c.starts_at + datetime.timedelta(minutes=10)):
        with pytest.raises(Forbidden):  # another street's staff do not mark the college's course
            services.record_attendance(enrolment_id=a.pk, by=cast.street_b)
        a = services.record_attendance(enrolment_id=a.pk, by=cast.district)
        with pytest.raises(WorkflowError) as exc:
            services.record_attendance(enrolment_id=a.pk, by=cast.district)
        assert exc.value.code == "already_attended"
    assert a.hours == Decimal("3.0")
    year = timezone.localtime(c.starts_at).year
    assert selectors.training_hours(cast.community_a1, year) == Decimal("3.0")
    assert selectors.training_hours(cast.community_a2, year) == Decimal("0.0")


def test_report_of_who_is_short(cast, client_as):
    c = course(cast.district, cast.area(DISTRICT), capacity=5, hours="4")
    year = timezone.localtime(c.starts_at).year
    services.set_requirement(by=cast.district, year=year, audience="community_worker", hours="6")
    done = services.enrol(course_id=c.pk, by=cast.community_a1)
    services.enrol(course_id=c.pk, by=cast.community_a2)
    c2 = course(cast.district, cast.area(DISTRICT), capacity=5, hours="2", days=4)
    done2 = services.enrol(course_id=c2.pk, by=cast.community_a1)
    with time_machine.travel(c2.starts_at + datetime.timedelta(minutes=5)):
        services.record_attendance(enrolment_id=done.pk, by=cast.district)
        services.record_attendance(enrolment_id=done2.pk, by=cast.district)
    everyone = selectors.training_report(cast.district, year, short_only=False).all()
    report = {r["person"]: r for r in everyone}
    assert report[cast.community_a1.pk]["earned"] == Decimal("6.0")
    assert not report[cast.community_a1.pk]["short"]
    assert report[cast.community_a2.pk]["short"] and report[cast.community_a2.pk]["missing"] == 6
    # community B1's clerk never enrolled: owed all the same, with 0 hours
    assert report[cast.community_b1.pk]["earned"] == 0 and report[cast.community_b1.pk]["short"]
    short = selectors.training_report(cast.district, year).all()
    assert {r["person"] for r in short} == {cast.community_a2.pk, cast.community_b1.pk}
    page = client_as(cast.district).get(f"/volunteers/training/report/?year={year}")
    assert page.status_code == 200 and "community_a2" in page.content.decode()
    assert "community_a1" not in page.content.decode()
    # street B's staff see only street B's people, wherever the course ran
    assert [r["person"] for r in selectors.training_report(cast.street_b, year).all()] == [
        cast.community_b1.pk
    ]
    assert client_as(cast.resident).get("/volunteers/training/report/").status_code == 403
    with pytest.raises(Forbidden):
        services.set_requirement(by=cast.street_a, year=year, audience="volunteer", hours="1")


def test_exam_preparation_pass_records(cast):
    prep = course(cast.district, cast.area(DISTRICT), kind="exam_prep", audience="social_worker")
    plain = course(cast.district, cast.area(DISTRICT))
    e = services.enrol(course_id=prep.pk, by=cast.resident)
    other = services.enrol(course_id=plain.pk, by=cast.resident)
    with pytest.raises(WorkflowError) as exc:
        services.record_exam_result(
            enrolment_id=other.pk, by=cast.district, level="assistant", exam_year=2026, passed=True
        )
    assert exc.value.code == "not_exam_prep"
    result = services.record_exam_result(
        enrolment_id=e.pk, by=cast.district, level="assistant", exam_year=2026, passed=True
    )
    assert result.passed and result.enrolment.person == cast.resident
    with pytest.raises(WorkflowError) as exc:
        services.record_exam_result(
            enrolment_id=e.pk, by=cast.district, level="assistant", exam_year=2026, passed=False
        )
    assert exc.value.code == "result_recorded"


def test_practice_bases_and_placements(cast):
    base = services.open_practice_base(
        by=cast.street_a,
        name="社会工作实践基地",
        university="北京工业大学",
        area=cast.area(COMMUNITY_A1),
        capacity=1,
    )
    with pytest.raises(Forbidden):
        services.open_practice_base(
            by=cast.street_b, name="x", university="y", area=cast.area(COMMUNITY_A1), capacity=1
        )
    day = datetime.date(2026, 7, 1)
    services.place_student(
        base_id=base.pk,
        by=cast.community_a1,
        student_name="张同学",
        major="社会工作",
        starts_on=day,
        ends_on=day + datetime.timedelta(days=60),
    )
    with pytest.raises(WorkflowError) as exc:  # one place, taken in that period
        services.place_student(
            base_id=base.pk,
            by=cast.community_a1,
            student_name="李同学",
            major="社会学",
            starts_on=day + datetime.timedelta(days=30),
            ends_on=day + datetime.timedelta(days=90),
        )
    assert exc.value.code == "base_full"
    services.place_student(  # after the first placement ends
        base_id=base.pk,
        by=cast.community_a1,
        student_name="李同学",
        major="社会学",
        starts_on=day + datetime.timedelta(days=61),
        ends_on=day + datetime.timedelta(days=90),
    )
    with pytest.raises(ValidationError):
        services.place_student(
            base_id=base.pk,
            by=cast.community_a1,
            student_name="王同学",
            major="社会学",
            starts_on=day,
            ends_on=day - datetime.timedelta(days=1),
        )


def test_course_refusals_and_api(cast, client_as):
    with pytest.raises(ValidationError) as exc:
        course(cast.community_a1, cast.area(COMMUNITY_A1))  # communities do not run courses
    assert "area" in exc.value.message_dict
    with pytest.raises(Forbidden):
        course(cast.street_b, cast.area(STREET_A))
    c = course(cast.street_a, cast.area(STREET_A), capacity=1)
    anon = api_as(None)
    r = anon.get("/api/v1/courses/")
    assert r.status_code == 200 and r.json()["results"][0]["topic"] == "社区治理实务"
    assert anon.post(f"/api/v1/courses/{c.pk}/enrolments/").status_code in (401, 403)
    client = api_as(cast.resident)
    url = f"/api/v1/courses/{c.pk}/enrolments/"
    first = client.post(url, HTTP_IDEMPOTENCY_KEY="e1")
    assert first.status_code == 201
    assert client.post(url, HTTP_IDEMPOTENCY_KEY="e1").json()["id"] == first.json()["id"]
    refused = api_as(cast.resident_other).post(url)
    assert refused.status_code == 409 and refused.json()["code"] == "course_full"
    page = client_as(cast.resident).get("/volunteers/courses/")
    assert page.status_code == 200 and "社区治理实务" in page.content.decode()
    Course.objects.filter(pk=c.pk).update(state="cancelled")
    assert anon.get(f"/api/v1/courses/{c.pk}/").status_code == 404

    def grow():
        for _ in range(3):
            course(cast.district, cast.area(DISTRICT))

    course(cast.district, cast.area(DISTRICT))
    assert_pinned(lambda: anon.get("/api/v1/courses/"), grow, expected=2)
    assert Area.objects.filter(code=STREET_B).exists()
