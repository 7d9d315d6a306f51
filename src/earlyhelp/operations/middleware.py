"""Request ids, the access log and /healthz (answered before host checks and HTTPS redirects,
so a load balancer can ask by IP address over plain HTTP)."""

import logging
import re
import time
import uuid

from django.http import JsonResponse

from . import health
from .logs import REQUEST_ID

access_log = logging.getLogger("earlyhelp.access")

HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")  # anything else is replaced: no log injection
HEALTH_PATHS = {"/healthz", "/healthz/"}


class RequestIdMiddleware:
    """Take the request id from the X-Request-ID header (a proxy's) or make one; echo it back
    and put it on every log line written while the request is handled."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _VALID_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        try:
            if request.path_info in HEALTH_PATHS:
                response = healthz(request)
            else:
                response = self.get_response(request)
            response[HEADER] = request_id
            if request.path_info not in HEALTH_PATHS:
                access_log.info(
                    "%s %s %s",
                    request.method,
                    request.path_info,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path_info,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            REQUEST_ID.reset(token)


def healthz(request):
    healthy, body = health.report()
    response = JsonResponse(body, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # a load balancer asks every few seconds: no error lines
    if not healthy:
        response["Retry-After"] = "30"
    return response
