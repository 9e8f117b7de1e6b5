from rest_framework.routers import SimpleRouter

from procurement import api
from procurement.api import evaluation as evaluation_api
from procurement.api.ocds import OcdsViewSet

router = SimpleRouter()
router.register("needs", api.NeedViewSet, basename="need")
router.register("lists/needs", api.PublishedListViewSet, basename="needs-list-public")
router.register("needs-lists", api.NeedsListViewSet, basename="needs-list")
router.register("offers", api.OfferViewSet, basename="offer")
router.register("topics", api.TopicViewSet, basename="topic")
router.register("whistle-calls", api.WhistleCallViewSet, basename="whistle-call")
router.register("funds/sources", api.FundingSourceViewSet, basename="funding-source")
router.register("funds/budgets", api.BudgetViewSet, basename="budget")
router.register("foundation/funds", api.FoundationFundViewSet, basename="foundation-fund")
router.register("foundation/donations", api.DonationViewSet, basename="donation")
router.register("foundation/disbursements", api.DisbursementViewSet, basename="disbursement")
router.register("foundation/public", api.PublicFundViewSet, basename="foundation-public")
router.register("purchases/projects", api.ProjectViewSet, basename="purchase-project")
router.register("purchases/applications", api.ApplicationViewSet, basename="project-application")
router.register("purchases/contracts", api.ContractViewSet, basename="purchase-contract")
router.register("purchases/installments", api.InstallmentViewSet, basename="installment")
router.register(
    "purchases/milestone-reports", api.MilestoneReportViewSet, basename="milestone-report"
)
router.register("purchases/ocds", OcdsViewSet, basename="purchases-ocds")
router.register(
    "purchases/supervision-visits",
    evaluation_api.SupervisionVisitViewSet,
    basename="supervision-visit",
)
router.register(
    "purchases/corrective-actions",
    evaluation_api.CorrectiveActionViewSet,
    basename="corrective-action",
)
router.register("purchases/evaluations", evaluation_api.EvaluationViewSet, basename="evaluation")
router.register(
    "purchases/evaluation-years", evaluation_api.EvaluationYearViewSet, basename="evaluation-year"
)
router.register("purchases/spot-checks", evaluation_api.SpotCheckViewSet, basename="spot-check")
