from django.urls import path

from registry import views

app_name = "registry"

urlpatterns = [
    path("organizations/", views.directory, name="directory"),
    path("organizations/<int:pk>/", views.organization_page, name="organization"),
    path("portal/", views.portal, name="portal"),
    path("portal/registrations/new/", views.apply, name="apply"),
    path("portal/registrations/<int:pk>/", views.registration_detail, name="registration"),
    path("portal/filings/new/", views.file_group, name="file"),
    path("portal/filings/<int:pk>/", views.filing_detail, name="filing"),
    path(
        "portal/organizations/<int:pk>/annual-report/",
        views.annual_report,
        name="annual_report",
    ),
    path(
        "portal/organizations/<int:pk>/certification/",
        views.certification,
        name="certification",
    ),
]
