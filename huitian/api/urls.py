"""/api/v1/: the kernel's routes plus each app's `api_urls` module (router + urlpatterns).

Apps plug in without editing this file: `registry/api_urls.py` exposing
`router` (a DRF SimpleRouter) and optionally `urlpatterns`.
"""

from django.conf import settings
from django.urls import include, path
from rest_framework import permissions, routers
from rest_framework.routers import DefaultRouter

from huitian.api import accounts, dashboards, views
from huitian.api.guard import guarded
from huitian.plugins import app_module


class APIRoot(routers.APIRootView):
    """The 回天 platform API, version 1. Errors: {code, detail, fields}."""

    permission_classes = [permissions.AllowAny]


class Router(DefaultRouter):
    include_format_suffixes = False
    APIRootView = APIRoot


router = Router(use_regex_path=False)  # path() converters: numeric ids (see `guarded`)
router.register("areas", views.AreaViewSet, basename="area")
router.register("notifications", views.NotificationViewSet, basename="notification")

extra_patterns = []
for app in settings.DOMAIN_APPS:
    module = app_module(app, "api_urls")
    if module is None:
        continue
    app_router = getattr(module, "router", None)
    if app_router is not None:
        router.registry.extend(app_router.registry)
    extra_patterns += getattr(module, "urlpatterns", [])

# Whatever a viewset declares, the kernel's rules hold through it (see huitian/api/guard.py).
router.registry[:] = [(prefix, guarded(viewset), name) for prefix, viewset, name in router.registry]

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token_obtain"),
    path("auth/token/refresh/", views.TokenRefresh.as_view(), name="token_refresh"),
    path("auth/sms-code/", accounts.SMSCodeView.as_view(), name="api_sms_code"),
    path("auth/signup/", accounts.SignUpView.as_view(), name="api_signup"),
    path("auth/sms-token/", accounts.CodeTokenView.as_view(), name="api_sms_token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/account/", accounts.AccountView.as_view(), name="api_me_account"),
    path("dashboards/", dashboards.PanelListView.as_view(), name="dashboard-list"),
    path("dashboards/<slug:panel>/", dashboards.PanelView.as_view(), name="dashboard-panel"),
    path("open-data/", dashboards.OpenDataListView.as_view(), name="open-data-list"),
    path("open-data/<slug:dataset>/", dashboards.OpenDataView.as_view(), name="open-data-set"),
    *extra_patterns,
    path("", include(router.urls)),
]
