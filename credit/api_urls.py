"""Credit routes under /api/v1/. `organizations/{id}/credit/` sits beside registry's
organization viewset as a plain path (the router's detail route does not reach it)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from credit import api
from credit.api import grades, honours, voice

router = SimpleRouter()
router.register("credit/list-entries", api.ListEntryViewSet, basename="credit-list-entry")
router.register("credit/events", api.CreditEventViewSet, basename="credit-event")
router.register("credit/appeals", api.AppealViewSet, basename="credit-appeal")
router.register("credit/evaluations", grades.EvaluationViewSet, basename="credit-evaluation")
router.register("credit/reviews", voice.ReviewViewSet, basename="credit-review")
router.register("credit/complaints", voice.ComplaintViewSet, basename="credit-complaint")
router.register("credit/honours", honours.HonourViewSet, basename="credit-honour")
router.register("credit/nominations", honours.NominationViewSet, basename="credit-nomination")

urlpatterns = [
    path(
        "organizations/<int:pk>/credit/",
        api.OrganizationCreditView.as_view(),
        name="organization-credit",
    ),
]
