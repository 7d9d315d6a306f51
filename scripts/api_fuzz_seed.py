"""Seed a throwaway database for scripts/api-fuzz.sh and print a signed-in session per role.

The records are the access matrix's world (core/tests/security/matrix.py): two households, one
every casework role works with and one none of them may see, a panel, the directory, a request
nobody has acted on. Each role gets a session that has passed two-factor verification, as the
verify page leaves it. Prints JSON: {role: {"sessionid": …, "csrftoken": …}}.
"""

import json

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402
from django.test import Client  # noqa: E402

from earlyhelp.core.testing.two_factor import verified_login  # noqa: E402
from earlyhelp.core.tests.security.matrix import build_matrix  # noqa: E402

with transaction.atomic():
    matrix = build_matrix()
sessions = {}
for role, user in matrix.users.items():
    client = verified_login(Client(), user)
    sessions[str(role)] = {
        "sessionid": client.cookies["sessionid"].value,
        "csrftoken": _get_new_csrf_string(),
    }
print(json.dumps(sessions))
