# The real clamd the documents tests start: a letter is kept as a document, so it is scanned.
from earlyhelp.documents.tests.conftest import clamd_socket, scanner  # noqa: F401
