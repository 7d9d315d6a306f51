import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from earlyhelp.documents.rules import check_file, sniff

ALL = ["pdf", "png", "jpeg", "docx", "text"]


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    return buffer.getvalue()


@pytest.mark.parametrize("content, key", [
    (b"%PDF-1.7\n...", "pdf"),
    (b"\x89PNG\r\n\x1a\n\0\0", "png"),
    (b"\xff\xd8\xff\xe0\0\x10JFIF", "jpeg"),
    (_docx(), "docx"),
    ("Café notes\n".encode(), "text"),
    (b"MZ\x90\0\x03\0\0\0", None),  # a Windows program
    (_zip(), None),  # a zip that is not a Word document
    (b"\xff\xfe\0\0junk", None),
])
def test_sniff_judges_by_content(content, key):
    assert sniff(io.BytesIO(content)) == key


def _check(name, content, allowed=ALL, max_bytes=1000):
    return check_file(name=name, size=len(content), stream=io.BytesIO(content), allowed=allowed,
                      max_bytes=max_bytes)


def test_allowed_file_gives_its_type():
    assert _check("letter.PDF", b"%PDF-1.4").content_type == "application/pdf"


@pytest.mark.parametrize("name, content, allowed, message", [
    ("empty.txt", b"", ALL, "The selected file is empty"),
    ("big.txt", b"a" * 1001, ALL, "The selected file must be smaller than"),
    ("setup.pdf", b"MZ\x90\0\x03\0", ALL, "The selected file must be a PDF, PNG image"),
    ("photo.png", b"%PDF-1.4", ALL, "its content is a PDF: name it .pdf"),
    ("notes.txt", b"plain", ["pdf"], "The selected file must be a PDF"),
])
def test_refusals_say_why_on_the_file_field(name, content, allowed, message):
    with pytest.raises(ValidationError) as error:
        _check(name, content, allowed)
    assert message in error.value.message_dict["file"][0]
