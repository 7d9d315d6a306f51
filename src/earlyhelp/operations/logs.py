"""Log lines as text or JSON (EARLYHELP_LOG_FORMAT=json), each carrying the request id."""

import contextvars
import datetime as dt
import json
import logging

REQUEST_ID = contextvars.ContextVar("earlyhelp_request_id", default="-")

# Attributes every LogRecord has; anything else was passed in `extra=` and goes into the JSON.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        return True


class SkipDatabaseUnavailable(logging.Filter):
    """Django logs a request that raised as 'Internal Server Error' with its traceback; when the
    database is away the outage middleware logs one short line instead."""

    def filter(self, record):
        if record.name == "django.request" and record.exc_info:
            from .outage import is_database_unavailable

            return not is_database_unavailable(record.exc_info[1])
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line and not key.startswith("_"):
                line[key] = (
                    value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
                )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def logging_config(*, json_lines: bool, level: str = "WARNING", access_log: bool = False) -> dict:
    """The LOGGING setting: one console handler, text or JSON, with the request id."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "earlyhelp.operations.logs.RequestIdFilter"},
            "skip_outage_tracebacks": {"()": "earlyhelp.operations.logs.SkipDatabaseUnavailable"},
        },
        "formatters": {
            "json": {"()": "earlyhelp.operations.logs.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if json_lines else "text",
                "filters": ["request_id", "skip_outage_tracebacks"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # One line per request (method, path without query, status, time): no personal data.
            "earlyhelp.access": {"level": "INFO" if access_log else "WARNING"},
            "earlyhelp.operations": {"level": "INFO"},
            "earlyhelp.outage": {"level": "WARNING"},
        },
    }
