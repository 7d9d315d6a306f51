"""What a document may be: its type judged by its content (the first bytes), not only its name,
and its size."""

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


FILE_TYPES = {
    t.key: t
    for t in (
        FileType("pdf", "PDF", (".pdf",), "application/pdf"),
        FileType("png", "PNG image", (".png",), "image/png"),
        FileType("jpeg", "JPEG image", (".jpg", ".jpeg"), "image/jpeg"),
        FileType("docx", "Word document", (".docx",),
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        FileType("text", "Plain text", (".txt",), "text/plain"),
    )
}


def _is_docx(head: bytes, stream) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        stream.seek(0)


def _is_text(head: bytes) -> bool:
    if b"\0" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        return error.start >= len(head) - 3
    return True


def sniff(stream) -> str | None:
    """The key of the type the file's content shows, or None when it is none we know."""
    stream.seek(0)
    head = stream.read(4096)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if _is_docx(head, stream):
        return "docx"
    if head and _is_text(head):
        return "text"
    return None


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def check_file(*, name: str, size: int, stream, allowed: list[str], max_bytes: int) -> FileType:
    """The file's type when it may be kept; else a ValidationError on the form's file field."""
    if size == 0:
        raise _refuse("The selected file is empty")
    if size > max_bytes:
        raise _refuse(f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB")
    kinds = [FILE_TYPES[k] for k in allowed]
    words = ", ".join(k.label for k in kinds)
    key = sniff(stream)
    if key not in allowed:
        raise _refuse(f"The selected file must be a {words}")
    kind = FILE_TYPES[key]
    if not name.lower().endswith(kind.extensions):
        raise _refuse(
            f"The selected file's name says one type but its content is a {kind.label}: "
            f"name it {kind.extensions[0]} or choose another file")
    return kind
