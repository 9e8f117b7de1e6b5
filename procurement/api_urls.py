from rest_framework.routers import SimpleRouter

from procurement import api

router = SimpleRouter()
router.register("needs", api.NeedViewSet, basename="need")
router.register("lists/needs", api.PublishedListViewSet, basename="needs-list-public")
router.register("needs-lists", api.NeedsListViewSet, basename="needs-list")
router.register("offers", api.OfferViewSet, basename="offer")
router.register("topics", api.TopicViewSet, basename="topic")
router.register("whistle-calls", api.WhistleCallViewSet, basename="whistle-call")
