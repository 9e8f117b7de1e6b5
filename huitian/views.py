"""Kernel pages: home, sign-in, area directory, notifications, health, error pages."""

import time

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from huitian import media, selectors, signup
from huitian.access import is_staff_user, visible
from huitian.account_forms import CodeSignInForm, EraseAccountForm, SignUpForm
from huitian.api.errors import error_body
from huitian.forms import SERVICE_ERRORS, apply_service_errors
from huitian.models import Notification, PhoneCode

# The first row of the home page: what each kind of visitor comes for.
FOR_YOU = {
    "visitor": [
        ("procurement:need-new", _lazy("Report a need"), _lazy("No account needed.")),
        ("signup", _lazy("Sign up as a resident"), _lazy("Follow all your needs in one place.")),
        ("procurement:need-track-lookup", _lazy("Follow a need"), _lazy("With its tracking code.")),
    ],
    "resident": [
        ("procurement:my-needs", _lazy("My needs"), _lazy("Where each of your needs stands.")),
        ("procurement:need-new", _lazy("Report a need"), _lazy("It goes into “My needs”.")),
        ("account", _lazy("My account"), _lazy("Your community; delete your account.")),
    ],
    "member": [
        ("registry:portal", _lazy("My organization"), _lazy("Filings, annual reports, members.")),
        ("procurement:assigned-needs", _lazy("Needs assigned to us"), _lazy("Start and resolve.")),
        ("procurement:offer-new", _lazy("Publish an offer"), _lazy("On the supply list.")),
        ("procurement:whistle", _lazy("Whistle calls"), _lazy("Report what you bring.")),
    ],
    "staff": [
        ("admin:index", _lazy("Staff admin"), _lazy("Records of your area, by workflow.")),
        ("procurement:need-queue", _lazy("Needs queue"), _lazy("Open needs by deadline.")),
        ("procurement:needs-rates", _lazy("Needs rates"), _lazy("Response, resolution, rating.")),
        ("swagger-ui", _lazy("API documentation"), _lazy("The REST API (OpenAPI 3).")),
    ],
}
# Tiles of the apps that only some roles use (the "for you" row already has them).
ROLE_ONLY_LINKS = {"registry:portal"}


def home(request):
    """Each visitor sees what they use first; everybody sees the public services."""
    from huitian.context_processors import portal_roles

    roles = portal_roles(request.user)
    kinds = [k for k in ("staff", "member") if roles[k]] or (
        ["resident"] if request.user.is_authenticated else ["visitor"]
    )
    if roles["member"] and not roles["staff"]:
        kinds.append("resident")
    mine = []
    for kind in kinds:
        for url_name, title, description in FOR_YOU[kind]:
            if url_name not in {t["url_name"] for t in mine}:
                mine.append({"url_name": url_name, "title": title, "description": description})
    shown = {t["url_name"] for t in mine} | ROLE_ONLY_LINKS
    sections = []
    for config in apps.get_app_configs():
        links = [
            link
            for link in getattr(config, "portal_links", None) or []
            if link["url_name"] not in shown
        ]
        if links:
            sections.append({"title": config.verbose_name, "links": links})
    return render(
        request,
        "huitian/home.html",
        {"mine": mine, "sections": sections, "developer_link": kinds == ["visitor"]},
    )


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _send_code(request, form, purpose) -> None:
    try:
        signup.request_code(
            phone=form.cleaned_data["phone"],
            purpose=purpose,
            address=signup.client_address(request),
        )
    except SERVICE_ERRORS as exc:
        apply_service_errors(form, exc)
    else:
        messages.info(
            request,
            _("A code was sent by SMS to %(phone)s.")
            % {"phone": signup.mobile_or_error(form.cleaned_data["phone"])},
        )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_up(request):
    """A resident signs up with a mobile number verified by an SMS code."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send":
            _send_code(request, form, PhoneCode.Purpose.SIGN_UP)
        else:
            d = form.cleaned_data
            try:
                user = signup.sign_up(
                    phone=d["phone"],
                    code=d["code"],
                    community=d["community"],
                    password=d["password"],
                    real_name=d["real_name"],
                )
            except SERVICE_ERRORS as exc:
                apply_service_errors(form, exc)
            else:
                login(request, user, backend=MODEL_BACKEND)
                messages.success(request, _("Welcome! Your account is ready."))
                return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_with_code(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = CodeSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send":
            _send_code(request, form, PhoneCode.Purpose.SIGN_IN)
        else:
            try:
                user = signup.sign_in_with_code(
                    phone=form.cleaned_data["phone"], code=form.cleaned_data["code"]
                )
            except SERVICE_ERRORS as exc:
                apply_service_errors(form, exc)
            else:
                login(request, user, backend=MODEL_BACKEND)
                wanted = request.GET.get("next", "")
                safe = url_has_allowed_host_and_scheme(
                    wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                )
                return redirect(wanted if wanted and safe else "home")
    return render(request, "registration/login_code.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """The resident's own account: home community, and deletion on request."""
    form = EraseAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signup.erase_account(user=request.user)
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            logout(request)
            messages.success(
                request, _("Your account is deleted. Your needs stay, without your name.")
            )
            return redirect("home")
    return render(
        request,
        "registration/account.html",
        {"form": form, "community": signup.home_community(request.user)},
    )


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
