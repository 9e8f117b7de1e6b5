"""Content-Security-Policy: on every page, and no inline script in the kernel's templates.

The browser check (no console violations on the main pages) is tests/e2e/test_csp.py.
"""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
KERNEL_TEMPLATES = [
    ROOT / "templates" / "base.html",
    ROOT / "templates" / "403.html",
    ROOT / "templates" / "404.html",
    ROOT / "templates" / "500.html",
    ROOT / "templates" / "drf_spectacular" / "swagger_ui.html",
    *(ROOT / "templates" / "huitian").rglob("*.html"),
    *(ROOT / "templates" / "registration").rglob("*.html"),
    *(ROOT / "templates" / "admin").rglob("*.html"),
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style|\sstyle\s*=", re.I)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/admin/login/", "/api/docs/", "/x/"])
def test_pages_carry_a_policy_without_inline_script(client, path):
    response = client.get(path)
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_api_docs_load_their_start_up_script_from_a_file(client):
    page = client.get("/api/docs/").content.decode()
    assert not INLINE_SCRIPT.search(page)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_kernel_templates_have_no_inline_script_handler_or_style():
    offenders = []
    for path in KERNEL_TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern.pattern}")
    assert offenders == []


def test_a_template_can_use_the_nonce_for_an_unavoidable_inline_script(rf):
    from csp.middleware import CSPMiddleware
    from django.template import engines

    request = rf.get("/")
    middleware = CSPMiddleware(lambda req: None)
    middleware.process_request(request)
    html = (
        engines["django"]
        .from_string('<script nonce="{{ request.csp_nonce }}">1</script>')
        .render({}, request)
    )
    from django.http import HttpResponse

    response = middleware.process_response(request, HttpResponse(html))
    nonce = re.search(r'nonce="([^"]+)"', html).group(1)
    assert f"'nonce-{nonce}'" in _policy(response)["script-src"]
