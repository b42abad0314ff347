"""What a chat attachment may be: an allowed type (by extension), within the size limit, with
content that really is of that type. The type stored and served is ours, never the client's, so
a file cannot pass as another kind (an HTML page renamed .png is refused)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat

ZIP = b"PK\x03\x04"


def _starts_with(*prefixes: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(prefixes)


def _webp(head: bytes) -> bool:
    return head.startswith(b"RIFF") and head[8:12] == b"WEBP"


def _text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sample may end inside a character; anything earlier is not UTF-8 text.
        return error.start >= len(head) - 3
    return True


@dataclass(frozen=True)
class FileKind:
    content_type: str
    looks_right: Callable[[bytes], bool]
    label: str


FILE_KINDS: dict[str, FileKind] = {
    "pdf": FileKind("application/pdf", _starts_with(b"%PDF-"), "a PDF"),
    "png": FileKind("image/png", _starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG image"),
    "jpg": FileKind("image/jpeg", _starts_with(b"\xff\xd8\xff"), "a JPEG image"),
    "jpeg": FileKind("image/jpeg", _starts_with(b"\xff\xd8\xff"), "a JPEG image"),
    "gif": FileKind("image/gif", _starts_with(b"GIF87a", b"GIF89a"), "a GIF image"),
    "webp": FileKind("image/webp", _webp, "a WebP image"),
    "txt": FileKind("text/plain", _text, "text"),
    "md": FileKind("text/markdown", _text, "text"),
    "csv": FileKind("text/csv", _text, "a CSV file"),
    "docx": FileKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _starts_with(ZIP),
        "a Word document",
    ),
    "xlsx": FileKind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _starts_with(ZIP),
        "an Excel workbook",
    ),
    "pptx": FileKind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _starts_with(ZIP),
        "a PowerPoint presentation",
    ),
    "odt": FileKind("application/vnd.oasis.opendocument.text", _starts_with(ZIP), "a document"),
    "ods": FileKind(
        "application/vnd.oasis.opendocument.spreadsheet", _starts_with(ZIP), "a spreadsheet"
    ),
    "odp": FileKind(
        "application/vnd.oasis.opendocument.presentation", _starts_with(ZIP), "a presentation"
    ),
}
SNIFF_BYTES = 2048
NAME_MAX_LENGTH = 200


@dataclass(frozen=True)
class CleanFile:
    upload: UploadedFile
    name: str
    content_type: str
    size: int


def allowed_extensions() -> list[str]:
    return [e.lower().lstrip(".") for e in settings.MESSAGE_ATTACHMENT_EXTENSIONS if e]


def max_bytes() -> int:
    return settings.MESSAGE_ATTACHMENT_MAX_BYTES


def max_files() -> int:
    return settings.MESSAGE_ATTACHMENT_MAX_FILES


def accept_attribute() -> str:
    """For <input type=file accept=...>: the browser offers only the allowed types."""
    return ",".join("." + e for e in allowed_extensions())


def clean_name(name: str) -> str:
    """A file name safe to show and to offer on download: no folders, no control characters."""
    name = unicodedata.normalize("NFC", PurePath(str(name).replace("\\", "/")).name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > NAME_MAX_LENGTH:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: NAME_MAX_LENGTH - len(suffix) - 1] + dot + suffix) if dot else name
        name = name[:NAME_MAX_LENGTH]
    return name or "file"


def clean_upload(
    upload: UploadedFile, *, allowed: list[str], max_size: int, field: str,
    action: str = "send", done: str = "sent",
) -> CleanFile:  # fmt: skip
    """One file checked against a list of extensions and a size limit, its content against its
    name (an HTML page renamed .png is refused). The problem, in words, under `field`."""
    name = clean_name(upload.name or "")
    extension = PurePath(name).suffix.lower().lstrip(".")
    kind = FILE_KINDS.get(extension) if extension in allowed else None
    if kind is None:
        listed = ", ".join(sorted(set(allowed)))
        raise ValidationError(
            {field: f"“{name}” is not a file type you can {action} here. Allowed: {listed}."}
        )
    if upload.size > max_size:
        raise ValidationError(
            {
                field: f"“{name}” is {filesizeformat(upload.size)}; files can be at most "
                f"{filesizeformat(max_size)}."
            }
        )
    if upload.size == 0:
        raise ValidationError({field: f"“{name}” is empty."})
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not kind.looks_right(head):
        raise ValidationError(
            {field: f"“{name}” is not {kind.label}, as its name says. Nothing was {done}."}
        )
    return CleanFile(upload, name, kind.content_type, upload.size)


def clean_files(files: list[UploadedFile]) -> list[CleanFile]:
    """Check every file before anything is stored; the first problem is the answer, in words."""
    if len(files) > max_files():
        raise ValidationError({"files": f"Attach at most {max_files()} files to a message."})
    allowed = allowed_extensions()
    return [
        clean_upload(upload, allowed=allowed, max_size=max_bytes(), field="files")
        for upload in files
    ]


def file_response(file, *, name: str, content_type: str, inline: bool = False) -> FileResponse:
    """A stored file, served with the type we checked it against: downloaded unless `inline`,
    and sandboxed in any case, so no script of it ever runs on our origin."""
    response = FileResponse(
        file.open("rb"), as_attachment=not inline, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def attachment_response(attachment) -> FileResponse:
    """A chat attachment: images open in the browser; everything else downloads."""
    return file_response(
        attachment.file, name=attachment.name, content_type=attachment.content_type,
        inline=attachment.is_image,
    )  # fmt: skip
