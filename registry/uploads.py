"""Attachment limits (size and type) shared by every registry upload."""

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
        handle = getattr(upload, "file", None)
        if handle is not None and hasattr(handle, "read"):
            pos = handle.tell() if hasattr(handle, "tell") else 0
            head = handle.read(8)
            if hasattr(handle, "seek"):
                handle.seek(pos)
            if isinstance(head, str):
                head = head.encode()
            if not any(head.startswith(magic) for magic in ALLOWED[ext]):
                raise ValidationError(
                    _("The file's content is not a real %(ext)s file."),
                    code="upload_content",
                    params={"ext": ext.lstrip(".").upper()},
                )

    def __eq__(self, other):
        return isinstance(other, UploadValidator)


validate_upload = UploadValidator()
