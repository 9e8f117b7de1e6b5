"""Portal pages: volunteers on a phone, organizers at the venue. Thin: services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from huitian.access import get_visible_or_404, is_staff_user
from huitian.forms import SERVICE_ERRORS, apply_service_errors
from volunteers import selectors, services
from volunteers.forms import CodeForm, CopyForm, HoursForm, RegisterForm
from volunteers.models import Activity, Signup
from volunteers.services.activities import why_not_copy, why_not_sign_up


def activity_list(request):
    """Upcoming activities, those of my community's street first."""
    volunteer = selectors.volunteer_of(request.user)
    qs = selectors.activities_for(request.user, upcoming_only=True)
    near = None
    if volunteer is not None:
        near = volunteer.community
        qs = qs.filter(community__parent_id=volunteer.community.parent_id)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/activities.html",
        {"page": page, "volunteer": volunteer, "near": near},
    )


@sensitive_post_parameters("id_number")  # never in error reports or logs
@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    if selectors.volunteer_of(request.user) is not None:
        return redirect("volunteers:my-hours")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_volunteer(by=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("You are registered as a volunteer."))
            return redirect("volunteers:activities")
    return render(request, "volunteers/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def activity_detail(request, pk):
    activity = get_visible_or_404(request.user, Activity.objects.select_related("community"), pk)
    volunteer = selectors.volunteer_of(request.user)
    mine = None
    if volunteer is not None:
        mine = (
            Signup.objects.filter(activity=activity, volunteer=volunteer)
            .exclude(state=Signup.State.CANCELLED)
            .first()
        )
    code_form = CodeForm(request.POST if request.POST.get("action") in ("in", "out") else None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{_login()}?next={request.path}")
        action = request.POST.get("action")
        try:
            if action == "signup":
                signup = services.sign_up(activity_id=activity.pk, by=request.user)
                messages.success(
                    request,
                    _("Your place is confirmed.")
                    if signup.state == Signup.State.CONFIRMED
                    else _("The activity is full: you are on the waitlist."),
                )
                return redirect("volunteers:activity", pk=activity.pk)
            if action == "cancel" and mine is not None:
                services.cancel_signup(signup_id=mine.pk, by=request.user)
                messages.success(request, _("Your sign-up is cancelled."))
                return redirect("volunteers:activity", pk=activity.pk)
            if action in ("in", "out") and mine is not None and code_form.is_valid():
                step = services.check_in if action == "in" else services.check_out
                step(signup_id=mine.pk, by=request.user, code=code_form.cleaned_data["code"])
                messages.success(request, _("Checked in.") if action == "in" else _("Checked out."))
                return redirect("volunteers:activity", pk=activity.pk)
        except SERVICE_ERRORS as exc:
            if action in ("in", "out"):
                apply_service_errors(code_form, exc)
            else:
                messages.error(request, getattr(exc, "detail", None) or " ".join(exc.messages))
    reasons = why_not_sign_up(activity=activity, volunteer=volunteer) if volunteer else []
    return render(
        request,
        "volunteers/activity.html",
        {
            "activity": activity,
            "volunteer": volunteer,
            "mine": mine,
            "reasons": reasons,
            "code_form": code_form,
            "organizer": request.user.has_perm("volunteers.organize_activity", activity),
            "staff": is_staff_user(request.user) and not why_not_copy(activity=activity),
            "taken": activity.signups.filter(state=Signup.State.CONFIRMED).count(),
            "spread": selectors.spread_of(activity),
        },
    )


def _login():
    from django.urls import reverse

    return reverse("login")


@login_required
@require_http_methods(["GET", "POST"])
def roster(request, pk):
    activity = get_visible_or_404(request.user, Activity.objects.select_related("community"), pk)
    if not request.user.has_perm("volunteers.organize_activity", activity):
        raise PermissionDenied
    code = None
    hours_form = HoursForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        signup_id = request.POST.get("signup")
        try:
            if action == "code":
                code = services.issue_checkin_code(activity_id=activity.pk, by=request.user)
            elif action in ("in", "out", "confirm") and signup_id and signup_id.isdigit():
                signup = get_visible_or_404(request.user, Signup.objects.all(), signup_id)
                if signup.activity_id != activity.pk:
                    raise PermissionDenied
                if action == "in":
                    services.check_in(signup_id=signup.pk, by=request.user)
                elif action == "out":
                    services.check_out(signup_id=signup.pk, by=request.user)
                elif hours_form.is_valid():
                    services.confirm_hours(
                        signup_id=signup.pk, by=request.user, hours=hours_form.cleaned_data["hours"]
                    )
                return redirect("volunteers:roster", pk=activity.pk)
        except SERVICE_ERRORS as exc:
            messages.error(request, getattr(exc, "detail", None) or " ".join(exc.messages))
    return render(
        request,
        "volunteers/roster.html",
        {"activity": activity, "rows": selectors.roster(activity), "code": code},
    )


@login_required
def my_hours(request):
    volunteer = selectors.volunteer_of(request.user)
    if volunteer is None:
        return redirect("volunteers:register")
    return render(
        request,
        "volunteers/my_hours.html",
        {
            "volunteer": volunteer,
            "total": selectors.verified_hours(volunteer),
            "record": selectors.service_record(volunteer),
            "memberships": selectors.memberships_of(volunteer),
        },
    )


@login_required
def certificate(request):
    volunteer = selectors.volunteer_of(request.user)
    if volunteer is None:
        return redirect("volunteers:register")
    return render(
        request,
        "volunteers/certificate.html",
        {
            "volunteer": volunteer,
            "total": selectors.verified_hours(volunteer),
            "record": selectors.verified_service(volunteer),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def copy(request, pk):
    """复制推广: staff copy an activity that went well to a community of theirs."""
    activity = get_visible_or_404(request.user, Activity.objects.select_related("community"), pk)
    form = CopyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.copy_activity(
                activity_id=activity.pk, by=request.user, **form.cleaned_data
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The activity is copied and published."))
            return redirect("volunteers:activity", pk=created.pk)
    return render(
        request,
        "volunteers/copy.html",
        {"activity": activity, "form": form, "reasons": services.why_not_copy(activity=activity)},
    )


# --- 新时代文明实践项目库 (public) ---------------------------------------------------------


def project_library(request):
    from volunteers.models import ProjectTheme

    theme = request.GET.get("theme", "")
    theme_id = int(theme) if theme.isdigit() and len(theme) < 18 else None
    page = Paginator(selectors.project_library(theme=theme_id), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "volunteers/projects.html",
        {
            "page": page,
            "themes": ProjectTheme.objects.filter(is_active=True),
            "theme": theme_id,
        },
    )


# --- 志愿回天专项基金 (public) --------------------------------------------------------------


def fund(request):
    page = Paginator(selectors.public_grants(), 30).get_page(request.GET.get("page"))
    return render(
        request, "volunteers/fund.html", {"page": page, "figures": selectors.fund_figures()}
    )


# --- 回天社会创新学院 ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def courses(request):
    from django.utils import timezone

    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{_login()}?next={request.path}")
        course_id = request.POST.get("course", "")
        if course_id.isdigit() and len(course_id) < 18:
            from volunteers.models import Course

            course = get_visible_or_404(request.user, Course.objects.all(), course_id)
            try:
                services.enrol(course_id=course.pk, by=request.user)
            except SERVICE_ERRORS as exc:
                messages.error(request, getattr(exc, "detail", None) or " ".join(exc.messages))
            else:
                messages.success(request, _("You are enrolled."))
        return redirect("volunteers:courses")
    year = timezone.localdate().year
    mine = set()
    earned = None
    if request.user.is_authenticated:
        from volunteers.models import Enrolment

        mine = set(
            Enrolment.objects.filter(
                person=request.user, state=Enrolment.State.ENROLLED
            ).values_list("course_id", flat=True)
        )
        earned = selectors.training_hours(request.user, year)
    page = Paginator(selectors.courses_for(request.user, upcoming_only=True), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "volunteers/courses.html",
        {
            "page": page,
            "mine": mine,
            "earned": earned,
            "year": year,
            "staff": is_staff_user(request.user),
        },
    )


@login_required
def training_report(request):
    """Staff: who is short of the year's continuing-education hours, in their areas;
    a page of 50 at a time, or the whole list as CSV/xlsx (`?format=csv|xlsx`)."""
    from django.http import HttpResponse
    from django.utils import timezone

    from huitian.dashboards import Column, Table, csv_bytes, xlsx_bytes

    if not is_staff_user(request.user):
        raise PermissionDenied
    year_param = request.GET.get("year", "")
    year = int(year_param) if year_param.isdigit() and len(year_param) == 4 else None
    year = year or timezone.localdate().year
    short_only = request.GET.get("all") != "1"
    report = selectors.training_report(request.user, year, short_only=short_only)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        table = Table(
            columns=[Column(key, label, kind="text") for key, label in selectors.REPORT_COLUMNS],
            rows=[
                {
                    **r,
                    "earned": str(r["earned"]),
                    "required": str(r["required"] or ""),
                    "missing": str(r["missing"] or ""),
                }
                for r in report.all()
            ],
        )
        title = _("Continuing-education hours, %(year)s") % {"year": year}
        if fmt == "csv":
            body, kind = csv_bytes(table), "text/csv; charset=utf-8"
        else:
            body = xlsx_bytes(table, title)
            kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(body, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="training-{year}.{fmt}"'
        return response
    page = Paginator(report.rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/training_report.html",
        {
            "page": page,
            "rows": [report.row(r) for r in page],
            "year": year,
            "short_only": short_only,
            "years": range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1),
            "query": f"year={year}" + ("" if short_only else "&all=1"),
        },
    )
