from django.urls import path

from procurement import open311, views, views_disclosure, views_foundation, views_purchases

app_name = "procurement"
XML = {"format": "xml"}


urlpatterns = [
    path("needs/new/", views.need_new, name="need-new"),
    path("needs/new/suggest/", views.need_category_suggest, name="need-suggest"),
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
    path("offers/mine/", views.my_offers, name="my-offers"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="offer-edit"),
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
    # GeoReport v2 in JSON (documented in the schema) and XML (the same views, `format`).
    path("open311/v2/services.json", open311.services, name="open311-services"),
    path(
        "open311/v2/services/<str:service_code>.json",
        open311.service_definition,
        name="open311-service",
    ),
    path("open311/v2/requests.json", open311.requests_view, name="open311-requests"),
    path("open311/v2/requests/<str:code>.json", open311.request_detail, name="open311-request"),
    path("open311/v2/services.xml", open311.services_xml, XML, name="open311-services-xml"),
    path(
        "open311/v2/services/<str:service_code>.xml",
        open311.service_definition_xml,
        XML,
        name="open311-service-xml",
    ),
    path("open311/v2/requests.xml", open311.requests_xml, XML, name="open311-requests-xml"),
    path(
        "open311/v2/requests/<str:code>.xml",
        open311.request_detail_xml,
        XML,
        name="open311-request-xml",
    ),
    path("purchases/", views_purchases.purchases_home, name="purchases"),
    path(
        "purchases/projects/<int:pk>/apply/<int:org>/",
        views_purchases.project_apply,
        name="purchase-apply",
    ),
    path(
        "purchases/contracts/<int:pk>/",
        views_purchases.contract_detail,
        name="purchase-contract",
    ),
]
