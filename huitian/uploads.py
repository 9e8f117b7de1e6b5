"""Upload checks for every app: size, type, and content sniffed from the bytes.

The client's declared content type is never trusted: a file is what its first
bytes say it is. `validate_upload` is for documents (registry attachments),
`validate_photo` for pictures (a resident's photos of a need).
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Extension → the first bytes a real file of that type starts with (None: not sniffed).
ALLOWED = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}


@deconstructible
class UploadValidator:
    """Refuses files that are too big, of a type not allowed, or not what their name says."""

    def __call__(self, upload):
        name = getattr(upload, "name", "") or ""
        ext = Path(name).suffix.lower()
        if ext not in ALLOWED:
            raise ValidationError(
                _("Files of type “%(ext)s” are not accepted; upload PDF, JPG, PNG, DOCX or XLSX."),
                code="upload_type",
                params={"ext": ext or "?"},
            )
        size = getattr(upload, "size", 0) or 0
        if size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is %(size).1f MB; the limit is %(limit)d MB."),
                code="upload_size",
                params={"size": size / 1024 / 1024, "limit": MAX_UPLOAD_BYTES // 1024 // 1024},
            )
        if size == 0:
            raise ValidationError(_("The file is empty."), code="upload_empty")
        head = _head(upload, 8)
        if head and not any(head.startswith(magic) for magic in ALLOWED[ext]):
            raise ValidationError(
                _("The file's content is not a real %(ext)s file."),
                code="upload_content",
                params={"ext": ext.lstrip(".").upper()},
            )

    def __eq__(self, other):
        return isinstance(other, UploadValidator)


validate_upload = UploadValidator()


MAX_PHOTO_BYTES = 5 * 1024 * 1024
# Leading bytes of the picture formats phones produce (HEIC: an ISO box "ftypheic"/"ftypmif1").
PHOTO_SIGNATURES = (
    (b"\xff\xd8\xff", 0),  # JPEG
    (b"\x89PNG\r\n\x1a\n", 0),  # PNG
    (b"WEBP", 8),  # RIFF....WEBP
    (b"ftypheic", 4),
    (b"ftypheix", 4),
    (b"ftypmif1", 4),
    (b"ftyphevc", 4),
)


def _head(upload, n: int = 16) -> bytes:
    handle = getattr(upload, "file", upload)
    if not hasattr(handle, "read"):
        return b""
    pos = handle.tell() if hasattr(handle, "tell") else 0
    head = handle.read(n)
    if hasattr(handle, "seek"):
        handle.seek(pos)
    return head.encode() if isinstance(head, str) else head


def is_picture(upload) -> bool:
    head = _head(upload)
    return any(head[offset : offset + len(sig)] == sig for sig, offset in PHOTO_SIGNATURES)


@deconstructible
class PhotoValidator:
    """Refuses photos that are too big or whose bytes are not JPEG, PNG, WebP or HEIC."""

    def __call__(self, upload):
        size = getattr(upload, "size", 0) or 0
        if size > MAX_PHOTO_BYTES:
            raise ValidationError(
                _("Each photo must be at most %(limit)d MB."),
                code="photo_size",
                params={"limit": MAX_PHOTO_BYTES // 1024 // 1024},
            )
        if size == 0 or not is_picture(upload):
            raise ValidationError(
                _("Photos must be JPEG, PNG, WebP or HEIC images."), code="photo_type"
            )

    def __eq__(self, other):
        return isinstance(other, PhotoValidator)


validate_photo = PhotoValidator()
