"""回天社会创新学院 (V5): courses, enrolment, attendance, exam passes, practice bases."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import Forbidden, require
from huitian.models import Area, User
from huitian.services import notify
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError
from volunteers.error_codes import ErrorCode
from volunteers.models import (
    Audience,
    Course,
    Enrolment,
    ExamResult,
    Placement,
    PracticeBase,
    TrainingRequirement,
)
from volunteers.models import training as limits


def publish_course(
    *,
    by: User,
    topic: str,
    teacher: str,
    audience: str,
    place: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    capacity: int,
    credit_hours,
    area: Area,
    kind: str = Course.Kind.REGULAR,
) -> Course:
    """The college (district staff) or a street publishes a course."""
    require(by, "volunteers.staff_of_area", area)
    topic, teacher, place = (topic or "").strip(), (teacher or "").strip(), (place or "").strip()
    check_lengths(
        topic=(topic, limits.COURSE_TITLE_MAX),
        teacher=(teacher, limits.TEACHER_MAX),
        place=(place, limits.PLACE_MAX),
    )
    errors = {}
    for field, value in (("topic", topic), ("teacher", teacher), ("place", place)):
        if not value:
            errors[field] = [_("This field is required.")]
    if audience not in Audience.values:
        errors["audience"] = [_("Choose who the course is for.")]
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = [_("The course must end after it starts.")]
    if capacity is None or capacity < 1:
        errors["capacity"] = [_("A course has at least one place.")]
    try:
        credit_hours = Decimal(str(credit_hours)).quantize(Decimal("0.1"))
    except ArithmeticError:
        credit_hours = None
    if credit_hours is None or credit_hours <= 0:
        errors["credit_hours"] = [_("A course earns more than zero credit hours.")]
    if area.level not in (Area.Level.DISTRICT, Area.Level.STREET):
        errors["area"] = [_("Courses are run by the district college or a street.")]
    if errors:
        raise ValidationError(errors)
    course = Course(
        topic=topic,
        kind=kind,
        teacher=teacher,
        audience=audience,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        credit_hours=credit_hours,
        area=area,
        created_by=by,
    )
    course.full_clean()
    course._history_user = by
    course.save()
    return course


def enrol(*, course_id: int, by: User, audience: str | None = None) -> Enrolment:
    """The signed-in person enrols; the course row is locked while places are counted."""
    if not getattr(by, "is_authenticated", False):
        raise Forbidden(_("Sign in to enrol."), code=ErrorCode.PERMISSION_DENIED)
    try:
        with transaction.atomic():
            course = Course.objects.select_for_update().get(pk=course_id)
            if course.state != Course.State.PUBLISHED or course.starts_at <= timezone.now():
                raise WorkflowError(
                    ErrorCode.COURSE_CLOSED, _("This course no longer takes enrolments.")
                )
            live = Enrolment.objects.filter(course=course, state=Enrolment.State.ENROLLED)
            if live.filter(person=by).exists():
                raise WorkflowError(
                    ErrorCode.ALREADY_ENROLLED, _("You are already enrolled in this course.")
                )
            if live.count() >= course.capacity:
                raise WorkflowError(ErrorCode.COURSE_FULL, _("This course is full."))
            enrolment = Enrolment(course=course, person=by, audience=audience or course.audience)
            enrolment._history_user = by
            enrolment.save()
            return enrolment
    except IntegrityError as exc:
        raise WorkflowError(
            ErrorCode.ALREADY_ENROLLED, _("You are already enrolled in this course.")
        ) from exc


@transaction.atomic
def cancel_enrolment(*, enrolment_id: int, by: User) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=enrolment_id)
    )
    if enrolment.person_id != by.pk:
        require(by, "volunteers.staff_of_area", enrolment.course.area)
    if enrolment.state != Enrolment.State.ENROLLED or enrolment.attended_at is not None:
        raise WorkflowError(ErrorCode.NOT_ENROLLED, _("This enrolment cannot be cancelled."))
    enrolment.state = Enrolment.State.CANCELLED
    enrolment._history_user = by
    enrolment.save(update_fields=["state"])
    return enrolment


@transaction.atomic
def record_attendance(*, enrolment_id: int, by: User) -> Enrolment:
    """Staff of the course's area mark a person present: they earn the course's hours."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course", "person")
        .get(pk=enrolment_id)
    )
    course = enrolment.course
    require(by, "volunteers.staff_of_area", course.area)
    if enrolment.state != Enrolment.State.ENROLLED:
        raise WorkflowError(ErrorCode.NOT_ENROLLED, _("This enrolment was cancelled."))
    if enrolment.attended_at is not None:
        raise WorkflowError(ErrorCode.ALREADY_ATTENDED, _("Attendance is already recorded."))
    if timezone.now() < course.starts_at:
        raise WorkflowError(
            ErrorCode.ATTENDANCE_TOO_EARLY, _("Attendance is recorded once the course has begun.")
        )
    enrolment.attended_at = timezone.now()
    enrolment.hours = course.credit_hours
    enrolment.marked_by = by
    enrolment._history_user = by
    enrolment.save(update_fields=["attended_at", "hours", "marked_by"])
    notify(
        recipients=[enrolment.person],
        kind="volunteers.training_hours",
        title=_("%(hours)s continuing-education hours recorded for %(topic)s")
        % {"hours": course.credit_hours, "topic": course.topic},
    )
    return enrolment


def set_requirement(*, by: User, year: int, audience: str, hours) -> TrainingRequirement:
    require(by, "volunteers.review_district")
    if audience not in Audience.values:
        raise ValidationError({"audience": _("Choose who the requirement is for.")})
    hours = Decimal(str(hours)).quantize(Decimal("0.1"))
    if hours <= 0:
        raise ValidationError({"hours": _("A requirement is more than zero hours.")})
    row, _created = TrainingRequirement.objects.update_or_create(
        year=year, audience=audience, defaults={"hours": hours}
    )
    return row


@transaction.atomic
def record_exam_result(
    *, enrolment_id: int, by: User, level: str, exam_year: int, passed: bool
) -> ExamResult:
    """The result of someone from an exam-preparation class (one per enrolment)."""
    enrolment = Enrolment.objects.select_related("course").get(pk=enrolment_id)
    require(by, "volunteers.staff_of_area", enrolment.course.area)
    if enrolment.course.kind != Course.Kind.EXAM_PREP:
        raise WorkflowError(
            ErrorCode.NOT_EXAM_PREP, _("Exam results belong to exam-preparation classes.")
        )
    if enrolment.state != Enrolment.State.ENROLLED:
        raise WorkflowError(ErrorCode.NOT_ENROLLED, _("This enrolment was cancelled."))
    if level not in ExamResult.Level.values:
        raise ValidationError({"level": _("Choose the qualification level.")})
    if ExamResult.objects.filter(enrolment=enrolment).exists():
        raise WorkflowError(ErrorCode.RESULT_RECORDED, _("This result is already recorded."))
    result = ExamResult(
        enrolment=enrolment, level=level, exam_year=exam_year, passed=passed, recorded_by=by
    )
    result._history_user = by
    result.save()
    return result


def open_practice_base(
    *, by: User, name: str, university: str, area: Area, capacity: int, organization=None
) -> PracticeBase:
    require(by, "volunteers.staff_of_area", area)
    name, university = (name or "").strip(), (university or "").strip()
    check_lengths(name=(name, limits.BASE_NAME_MAX), university=(university, limits.UNIVERSITY_MAX))
    if not name or not university or capacity is None or capacity < 1:
        raise ValidationError(
            {"name": [_("Name the base, its university and at least one student place.")]}
        )
    return PracticeBase.objects.create(
        name=name, university=university, area=area, capacity=capacity, organization=organization
    )


@transaction.atomic
def place_student(
    *,
    base_id: int,
    by: User,
    student_name: str,
    major: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Placement:
    """A student placed at a base; refused when the base's places are all taken then."""
    base = PracticeBase.objects.select_for_update().select_related("area").get(pk=base_id)
    require(by, "volunteers.staff_of_area", base.area)
    student_name, major = (student_name or "").strip(), (major or "").strip()
    check_lengths(
        student_name=(student_name, limits.STUDENT_NAME_MAX), major=(major, limits.MAJOR_MAX)
    )
    if not student_name:
        raise ValidationError({"student_name": [_("This field is required.")]})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The placement must end after it starts.")]})
    overlapping = base.placements.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).count()
    if overlapping >= base.capacity:
        raise WorkflowError(
            ErrorCode.BASE_FULL,
            _("All %(n)d student places of this base are taken in that period.")
            % {"n": base.capacity},
        )
    placement = Placement(
        base=base,
        student_name=student_name,
        major=major,
        starts_on=starts_on,
        ends_on=ends_on,
        placed_by=by,
    )
    placement._history_user = by
    placement.save()
    return placement
