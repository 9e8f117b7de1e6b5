from django.urls import path
from rest_framework.routers import SimpleRouter

from volunteers import api

router = SimpleRouter()
router.register("activities", api.ActivityViewSet, basename="volunteer-activity")

urlpatterns = [
    path("volunteers/me/", api.MyVolunteerView.as_view(), name="volunteer-me"),
]
