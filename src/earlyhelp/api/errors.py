"""API errors: field-level 400s, 409 for a refused workflow move, 404 for anything out of scope."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from earlyhelp.core.errors import IllegalMove


def exception_handler(exc, context):
    if isinstance(exc, IllegalMove):
        return Response(
            {"detail": exc.message, "code": exc.code}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = ValidationError(exc.message_dict)
        else:
            exc = ValidationError({"non_field_errors": exc.messages})
    return drf_exception_handler(exc, context)
