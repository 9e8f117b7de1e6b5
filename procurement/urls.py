from django.urls import path

from procurement import open311, views, views_disclosure, views_foundation

app_name = "procurement"

urlpatterns = [
    path("needs/new/", views.need_new, name="need-new"),
    path("needs/track/", views.need_track_lookup, name="need-track-lookup"),
    path("needs/track/<str:code>/", views.need_track, name="need-track"),
    path("needs/mine/", views.my_needs, name="my-needs"),
    path("needs/queue/", views.need_queue, name="need-queue"),
    path("lists/needs/", views.needs_list_public, name="needs-list"),
    path("needs/assigned/", views.assigned_needs, name="assigned-needs"),
    path("needs/rates/", views.needs_rates, name="needs-rates"),
    path("topics/<int:pk>/candidates/", views.topic_candidates, name="topic-candidates"),
    path("offers/", views.offers_public, name="offers"),
    path("offers/new/", views.offer_new, name="offer-new"),
    path("whistle/", views.whistle_calls, name="whistle"),
    path("foundation/", views_foundation.foundation_funds, name="foundation"),
    path("foundation/<str:pk>/", views_foundation.foundation_fund, name="foundation-fund"),
    path("purchases/public/", views_disclosure.purchases_public, name="purchases-public"),
    path(
        "purchases/public/evaluations/",
        views_disclosure.evaluations_public,
        name="purchase-evaluations-public",
    ),
    path("purchases/public/<int:pk>/", views_disclosure.purchase_public, name="purchase-public"),
    path("purchases/audit/<int:pk>/", views_disclosure.purchase_audit, name="purchase-audit"),
    path("open311/v2/services.json", open311.services, name="open311-services"),
    path("open311/v2/requests.json", open311.requests_view, name="open311-requests"),
    path("open311/v2/requests/<str:code>.json", open311.request_detail, name="open311-request"),
]
