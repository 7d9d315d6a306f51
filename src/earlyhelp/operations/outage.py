"""When the database goes away: pages and the API answer 503 with Retry-After, never a 500.

Django turns an exception raised anywhere inside the middleware stack into a 500 response at
that layer, so an outer middleware never sees the exception itself. The `got_request_exception`
signal does see it (it is sent while the exception is being handled), so it marks the request,
and `DatabaseUnavailableMiddleware` swaps the 500 for a 503. Connections come back by
themselves: CONN_HEALTH_CHECKS tests a persistent connection before reuse, and Django closes a
connection that raised an error at the end of the request."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("earlyhelp.outage")

API_PREFIX = "/api/"
DETAIL = (
    "The service cannot reach its database just now. Try again in a minute. If you were "
    "saving something, check whether it was saved before entering it again."
)


def is_database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, (OperationalError, InterfaceError))


def mark_database_unavailable(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    if request is not None and is_database_unavailable(error):
        request._earlyhelp_database_unavailable = f"{type(error).__name__}: {error}".strip()


def retry_after() -> int:
    return int(getattr(settings, "EARLYHELP_RETRY_AFTER_SECONDS", 30))


def unavailable_response(request):
    if request.path_info.startswith(API_PREFIX):
        response = JsonResponse(
            {"status": 503, "code": "service_unavailable", "detail": DETAIL}, status=503
        )
    else:
        # No context processors: they would ask the database who the user is.
        html = render_to_string(
            "operations/unavailable.html", {"request": request, "retry_minutes": 1}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry_after())
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # the middleware logs one line, not Django's error
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        reason = getattr(request, "_earlyhelp_database_unavailable", None)
        if reason:
            logger.warning(
                "database unavailable: %s %s answered 503 (%s)",
                request.method,
                request.path_info,
                reason.splitlines()[0][:200],
            )
            return unavailable_response(request)
        return response
