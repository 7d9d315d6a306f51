"""What the export and the import share: our vocabularies and URIs inside Open Referral UK, and
stable ids for records from other directories.
"""

import uuid

THEME_VOCABULARY = "earlyhelp:need-theme"
LEVEL_VOCABULARY = "earlyhelp:level-of-need"
LOCALITY_URI = "urn:earlyhelp:locality:"
BOROUGH_URI = "urn:earlyhelp:borough"
EXTENSION = "earlyhelp"
# Non-UUID ids from other directories become stable UUIDs in this namespace.
ID_NAMESPACE = uuid.UUID("6f1d2f4e-3c55-4a8e-9d7e-0b7a1f3c2e10")
ORUK_ELIGIBILITY_TERMS = {
    "adult",
    "child",
    "teen",
    "family",
    "female",
    "male",
    "transgender",
    "transgender - m to f",
    "transgender - f to m",
}


def as_uuid(value: str) -> uuid.UUID:
    """Our own ids are UUIDs; another directory's id becomes a stable UUID derived from it."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return uuid.uuid5(ID_NAMESPACE, value)
