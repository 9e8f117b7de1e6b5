"""Uploaded files are served only to users who may see the record they belong to.

There is no public media directory: `/media/<name>` finds the row whose file field
holds `name` (any model of the project with a FileField or ImageField) and answers
404 unless `huitian.access.visible` lets the user see that row — "missing" and "not
yours" alike. In production the web server sends the bytes: with
`MEDIA_ACCEL_REDIRECT_PREFIX` set (e.g. `/protected-media/`, an nginx `internal`
location aliased to the media volume) the response carries only `X-Accel-Redirect`.
"""

import mimetypes
import posixpath
from functools import cache
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from huitian.access import visible

# Served inline; anything else is a download (an uploaded HTML or SVG file never renders
# as a page of this site).
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"}


@cache
def file_fields() -> tuple[tuple[type[models.Model], str], ...]:
    """(model, field name) for every file field of the project's own models."""
    project = {"huitian", *settings.DOMAIN_APPS}
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in project or model.__name__.startswith("Historical"):
            continue  # history rows follow their record, which is checked instead
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                found.append((model, field.name))
    return tuple(found)


def clean_name(name: str) -> str:
    """The storage name as asked for, or Http404 for anything that is not a plain path."""
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or any(part in ("", ".", "..") for part in name.split("/"))
        or posixpath.normpath(name) != name
    ):
        raise Http404
    return name


def visible_file_owner(user, name: str) -> models.Model | None:
    """A record `user` may see whose file field holds `name`, or None."""
    for model, field in file_fields():
        row = visible(user, model._default_manager.filter(**{field: name})).first()
        if row is not None:
            return row
    return None


def file_response(name: str):
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    filename = posixpath.basename(name)
    disposition = "inline" if content_type in INLINE_TYPES else "attachment"
    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
    else:
        try:
            handle = default_storage.open(name, "rb")
        except (FileNotFoundError, IsADirectoryError) as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    # No script runs in an uploaded file even if a browser renders it.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
    patch_vary_headers(response, ["Cookie", "Authorization"])
    return response
