from rest_framework.routers import SimpleRouter

from registry import api

router = SimpleRouter()
router.register("organizations", api.OrganizationViewSet, basename="organization")
router.register("registrations", api.RegistrationViewSet, basename="registration")
router.register("filings", api.FilingViewSet, basename="filing")
router.register("annual-reports", api.AnnualReportViewSet, basename="annual-report")
router.register("certifications", api.CertificationViewSet, basename="certification")
router.register("interviews", api.InterviewViewSet, basename="interview")
router.register("deregistrations", api.DeregistrationViewSet, basename="deregistration")
router.register("agency-records", api.AgencyRecordViewSet, basename="agency-record")
