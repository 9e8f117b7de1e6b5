from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from huitian import views, views_dashboards
from huitian.plugins import app_module

admin.site.site_header = _("Huitian Social Organization Platform · Staff")
admin.site.site_title = _("Huitian platform staff")
admin.site.index_title = _("Work by area")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.sign_up, name="signup"),
    path("accounts/login/code/", views.sign_in_with_code, name="login-code"),
    path("accounts/me/", views.account, name="account"),
    path("areas/", views.area_directory, name="area-directory"),
    path("notifications/", views.notification_list, name="notifications"),
    path("dashboards/", views_dashboards.dashboard, name="dashboard"),
    re_path(
        r"^dashboards/(?P<key>[a-z0-9_-]+)\.(?P<fmt>csv|xlsx)$",
        views_dashboards.panel_download,
        name="dashboard-download",
    ),
    path("open-data/", views_dashboards.open_data_page, name="open-data"),
    # Uploaded files, checked against the record they belong to (huitian/media.py).
    re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<name>.+)$", views.media_file, name="media"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("huitian.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]

# Each domain app may bring portal/public pages in its own urls.py.
for app in settings.DOMAIN_APPS:
    if app_module(app, "urls") is None:
        continue
    urlpatterns.append(path("", include(f"{app}.urls")))

handler404 = "huitian.views.page_not_found"
handler500 = "huitian.views.server_error"
handler403 = "huitian.views.permission_denied"
