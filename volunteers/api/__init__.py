"""The volunteers API for the 回天有我 app: activities, sign-ups, check-ins, my record."""

from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from huitian.access import get_visible_or_404
from huitian.api.actions import ScopedActionsMixin
from huitian.api.idempotency import idempotent
from huitian.api.permissions import ReadOnlyRolesWriteNothing
from huitian.models import Area
from volunteers import selectors, services
from volunteers import serializers as s
from volunteers.models import Activity, Signup

REFUSALS = gettext_lazy(
    "403 when the caller may not take this step, 404 when the activity is not visible, "
    "409 with a reason code when the step is refused (full list in the error codes)."
)


class ActivityFilter(filters.FilterSet):
    community = filters.NumberFilter(help_text=gettext_lazy("Community id."))
    date_from = filters.DateFilter(help_text=gettext_lazy("Activities ending on or after."))
    date_to = filters.DateFilter(help_text=gettext_lazy("Activities starting on or before."))
    category = filters.ChoiceFilter(choices=Activity.Category.choices)
    has_places = filters.BooleanFilter(help_text=gettext_lazy("Only activities with places left."))

    class Meta:
        model = Activity
        fields = ["community", "date_from", "date_to", "category", "has_places"]

    def filter_queryset(self, queryset):
        return selectors.filter_activities(
            selectors.activities_for(self.request.user), **self.form.cleaned_data
        )


class ActivityViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Published activities are public; signing up and checking in need an account."""

    serializer_class = s.ActivityOut
    filterset_class = ActivityFilter

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self):
        return selectors.activities_for(self.request.user)

    @extend_schema(
        summary=gettext_lazy("Sign up for an activity (waitlisted when full)"),
        request=None,
        responses={201: s.SignupOut},
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    @idempotent
    def signups(self, request, pk=None):
        activity = self.visible_object(pk)
        signup = services.sign_up(activity_id=activity.pk, by=request.user)
        return Response(s.SignupOut(signup).data, status=201)

    @extend_schema(
        summary=gettext_lazy(
            "Check in or out: the volunteer with the venue code, or the organizer"
        ),
        request=s.CheckinIn,
        responses={200: s.SignupOut},
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def checkins(self, request, pk=None):
        activity = self.visible_object(pk)
        v = self.parse(s.CheckinIn)
        step = services.check_in if v["action"] == "in" else services.check_out
        if "code" in v:
            volunteer = selectors.volunteer_of(request.user)
            signup = (
                Signup.objects.filter(activity=activity, volunteer=volunteer)
                .exclude(state=Signup.State.CANCELLED)
                .first()
                if volunteer
                else None
            )
            if signup is None:
                raise NotFound(gettext_lazy("You have not signed up for this activity."))
            signup = step(signup_id=signup.pk, by=request.user, code=v["code"])
        else:
            signup = get_visible_or_404(
                request.user, Signup.objects.filter(activity=activity), v["signup"]
            )
            signup = step(signup_id=signup.pk, by=request.user)
        return Response(s.SignupOut(signup).data)


class MyVolunteerView(APIView):
    """GET /api/v1/volunteers/me/ (the kernel owns /me/): my record and verified hours."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary=gettext_lazy("My volunteer record and verified hours"),
        responses={200: s.MyVolunteerOut},
    )
    def get(self, request):
        volunteer = selectors.volunteer_of(request.user)
        if volunteer is None:
            raise NotFound(gettext_lazy("You are not registered as a volunteer."))
        volunteer.verified_hours = selectors.verified_hours(volunteer)
        volunteer.record = list(selectors.service_record(volunteer))
        return Response(s.MyVolunteerOut(volunteer).data)


class VolunteerRegistrationView(APIView):
    """POST /api/v1/volunteers/: the signed-in resident registers as a volunteer.

    Idempotent: a retry with the same Idempotency-Key returns the first answer, and
    registering again with the same ID number returns the existing record (200)."""

    # A plain view, not behind the kernel router's guard: read-only roles refused here too.
    permission_classes = [permissions.IsAuthenticated, ReadOnlyRolesWriteNothing]

    @extend_schema(
        summary=gettext_lazy(
            "Register as a volunteer (ID number checked, only the last four kept)"
        ),
        request=s.VolunteerIn,
        responses={201: s.MyVolunteerOut, 200: s.MyVolunteerOut},
        description=gettext_lazy(
            "400 for a bad ID number (check digit, birth date), phone or community; "
            "409 already_registered when this account is registered with another number."
        ),
    )
    @idempotent
    def post(self, request):
        serializer = s.VolunteerIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        v = dict(serializer.validated_data)
        community = Area.objects.filter(pk=v.pop("community")).first()
        existing = selectors.volunteer_of(request.user)
        status = 201
        if existing is not None and existing.id_number_digest == services.id_number_digest(
            v["id_number"]
        ):
            volunteer, status = existing, 200
        else:
            volunteer = services.register_volunteer(by=request.user, community=community, **v)
        volunteer.verified_hours = selectors.verified_hours(volunteer)
        volunteer.record = list(selectors.service_record(volunteer))
        return Response(s.MyVolunteerOut(volunteer).data, status=status)


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """新时代文明实践项目库: the public library of accepted projects."""

    serializer_class = s.PracticeProjectOut
    permission_classes = [permissions.AllowAny]
    filterset_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("theme", int, description=gettext_lazy("Theme id.")),
            OpenApiParameter("q", str, description=gettext_lazy("Words in the title.")),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        theme = self.request.query_params.get("theme", "")
        return selectors.project_library(
            theme=int(theme) if theme.isdigit() and len(theme) < 18 else None,
            q=self.request.query_params.get("q", "")[:100],
        )


class GrantViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """志愿回天专项基金: grants approved or paid, public."""

    serializer_class = s.GrantOut
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[OpenApiParameter("year", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        year = self.request.query_params.get("year", "")
        return selectors.public_grants(
            year=int(year) if year.isdigit() and len(year) == 4 else None
        )


class CourseViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """回天社会创新学院: the course catalogue is public; enrolling needs an account."""

    serializer_class = s.CourseOut

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self):
        return selectors.courses_for(self.request.user, upcoming_only=self.action == "list")

    @extend_schema(
        summary=gettext_lazy("Enrol in a course"),
        request=None,
        responses={201: s.EnrolmentOut},
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def enrolments(self, request, pk=None):
        course = self.visible_object(pk)
        enrolment = services.enrol(course_id=course.pk, by=request.user)
        return Response(s.EnrolmentOut(enrolment).data, status=201)
