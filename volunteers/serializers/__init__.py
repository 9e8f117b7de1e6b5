"""Named input and output serializers of the volunteers API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from volunteers.models import Activity, Signup, Volunteer


class ActivityOut(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    taken = serializers.IntegerField(read_only=True, help_text=_("Confirmed places taken."))
    places_left = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "category",
            "place",
            "community",
            "community_name",
            "starts_at",
            "ends_at",
            "places",
            "taken",
            "places_left",
            "skills_wanted",
            "min_age",
            "team",
            "organization",
            "copied_from",
            "state",
        ]

    def get_places_left(self, obj) -> int:
        return max(0, obj.places - (getattr(obj, "taken", 0) or 0))


class SignupOut(serializers.ModelSerializer):
    hours_confirmed = serializers.SerializerMethodField()

    class Meta:
        model = Signup
        fields = [
            "id",
            "activity",
            "state",
            "signed_up_at",
            "checked_in_at",
            "checked_out_at",
            "hours",
            "hours_confirmed",
        ]

    def get_hours_confirmed(self, obj) -> bool:
        return obj.hours_confirmed_at is not None


class SignupIn(serializers.Serializer):
    """Empty body: the signed-in volunteer signs up."""


class CheckinIn(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[("in", _("Check in")), ("out", _("Check out"))], default="in"
    )
    code = serializers.CharField(
        max_length=8,
        required=False,
        help_text=_("The volunteer's own check-in: the code shown at the venue."),
    )
    signup = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("The organizer's check-in of a volunteer: the sign-up's id."),
    )

    def validate(self, attrs):
        if ("code" in attrs) == ("signup" in attrs):
            raise serializers.ValidationError(
                {"code": _("Send either the venue code (volunteer) or a sign-up id (organizer).")}
            )
        return attrs


class RecordRowOut(serializers.Serializer):
    activity = serializers.IntegerField(source="activity_id")
    title = serializers.CharField(source="activity.title")
    starts_at = serializers.DateTimeField(source="activity.starts_at")
    community_name = serializers.CharField(source="activity.community.name")
    state = serializers.CharField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    hours_confirmed = serializers.SerializerMethodField()

    def get_hours_confirmed(self, obj) -> bool:
        return obj.hours_confirmed_at is not None


class MyVolunteerOut(serializers.ModelSerializer):
    id_number = serializers.CharField(
        source="masked_id", read_only=True, help_text=_("Only the last four are ever shown.")
    )
    phone = serializers.CharField(source="masked_phone", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    verified_hours = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    record = RecordRowOut(many=True, read_only=True)

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "real_name",
            "id_number",
            "phone",
            "community",
            "community_name",
            "skills",
            "availability",
            "verified_hours",
            "record",
        ]


class VolunteerIn(serializers.Serializer):
    """A resident registers as a volunteer (the ID number is checked and never stored)."""

    real_name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18, write_only=True)
    phone = serializers.CharField(max_length=20)
    community = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    skills = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    availability = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )


class PracticeProjectOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    themes = serializers.SerializerMethodField()
    accepted_at = serializers.DateTimeField()
    picked_by = serializers.SerializerMethodField(help_text=_("Practice sites that picked it."))

    def get_themes(self, obj) -> list[str]:
        return [t.name for t in obj.themes.all()]

    def get_picked_by(self, obj) -> list[str]:
        return sorted({p.site.name for p in obj.picks.all()})


class GrantOut(serializers.Serializer):
    """A grant as the public sees it: team, project, amount; never who applied."""

    id = serializers.IntegerField()
    team = serializers.IntegerField(source="team_id")
    team_name = serializers.CharField(source="team.name")
    title = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    year = serializers.IntegerField()
    state = serializers.CharField()
    paid_at = serializers.DateTimeField(allow_null=True)


class CourseOut(serializers.Serializer):
    id = serializers.IntegerField()
    topic = serializers.CharField()
    kind = serializers.CharField()
    teacher = serializers.CharField()
    audience = serializers.CharField()
    place = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField()
    enrolled = serializers.IntegerField()
    credit_hours = serializers.DecimalField(max_digits=5, decimal_places=1)


class EnrolmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    course = serializers.IntegerField(source="course_id")
    state = serializers.CharField()
    audience = serializers.CharField()
    attended = serializers.SerializerMethodField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)

    def get_attended(self, obj) -> bool:
        return obj.attended_at is not None
