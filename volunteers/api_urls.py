from django.urls import path
from rest_framework.routers import SimpleRouter

from volunteers import api

router = SimpleRouter()
router.register("activities", api.ActivityViewSet, basename="volunteer-activity")
router.register("practice-projects", api.ProjectViewSet, basename="practice-project")
router.register("volunteer-grants", api.GrantViewSet, basename="volunteer-grant")
router.register("courses", api.CourseViewSet, basename="course")

urlpatterns = [
    path("volunteers/", api.VolunteerRegistrationView.as_view(), name="volunteer-register"),
    path("volunteers/me/", api.MyVolunteerView.as_view(), name="volunteer-me"),
]
