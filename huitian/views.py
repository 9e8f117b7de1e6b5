"""Kernel pages: home, sign-in, area directory, notifications, health, error pages."""

import time

from django.apps import apps
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from huitian import media, selectors
from huitian.access import is_staff_user, visible
from huitian.api.errors import error_body
from huitian.models import Notification


def home(request):
    sections = []
    for config in apps.get_app_configs():
        links = getattr(config, "portal_links", None)
        if links:
            sections.append({"title": config.verbose_name, "links": links})
    return render(request, "huitian/home.html", {"sections": sections})


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def area_directory(request):
    return render(request, "huitian/areas.html", {"streets": selectors.area_tree()})


@login_required
def notification_list(request):
    from huitian.notice_kinds import kind_label

    page = Paginator(visible(request.user, Notification.objects.all()), 20).get_page(
        request.GET.get("page")
    )
    rows = [(n, kind_label(n.kind)) for n in page]
    return render(request, "huitian/notifications.html", {"page": page, "rows": rows})


def media_file(request, name):
    """An uploaded file, for users who may see the record it belongs to (else 404)."""
    name = media.clean_name(name)
    if media.visible_file_owner(request.user, name) is None:
        raise Http404
    return media.file_response(name)


def _broker_state() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "eager", "detail": "Celery runs tasks in-process (no broker)."}
    import redis

    started = time.monotonic()
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5
        )
        client.ping()
    except Exception as exc:  # any failure means "down", with the reason
        return {"ok": False, "mode": "redis", "detail": exc.__class__.__name__}
    return {"ok": True, "mode": "redis", "ms": round((time.monotonic() - started) * 1000, 1)}


@never_cache
def healthz(request):
    """ "ok", "degraded" (broker down) or "down" (database down, 503).

    Anonymous callers (load balancers, uptime checks) get the status only; staff also
    see what is down, the broker mode and its latency.
    """
    db = {"ok": True}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        db = {"ok": False, "detail": exc.__class__.__name__}
    broker = _broker_state()
    status = "ok" if db["ok"] and broker["ok"] else ("degraded" if db["ok"] else "down")
    body = {"status": status}
    if db["ok"] and is_staff_user(request.user):
        body.update(database=db, broker=broker)
    return JsonResponse(body, status=200 if db["ok"] else 503)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/open311/")


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse(
            error_body("not_found", _("Not found, or not visible to you.")), status=404
        )
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    if _wants_json(request):
        return JsonResponse(
            error_body("permission_denied", _("You are not allowed to do this here.")), status=403
        )
    return render(request, "403.html", status=403)


def server_error(request):
    if _wants_json(request):
        return JsonResponse(
            error_body("server_error", _("Something went wrong on our side; it has been logged.")),
            status=500,
        )
    return render(request, "500.html", status=500)
