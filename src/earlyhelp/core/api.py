"""Core's API endpoints: registered on the shared router (api/urls.py imports this module)."""

from earlyhelp.core.security import api as security_api  # noqa: F401  (family access log)
