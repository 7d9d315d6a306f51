import pytest

from earlyhelp.testing.clamd import running_clamd


@pytest.fixture(scope="session")
def clamd_socket():
    with running_clamd() as path:
        yield path


@pytest.fixture
def scanner(settings, clamd_socket, tmp_path):
    """Uploads scanned by the real clamd, files kept in a temporary MEDIA_ROOT."""
    settings.DOCUMENTS_CLAMD_ADDRESS = clamd_socket
    settings.DOCUMENTS_ALLOW_UNSCANNED = False
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return clamd_socket
