"""Gunicorn's settings for `earlyhelp serve` (each may be overridden by GUNICORN_CMD_ARGS)."""

import os

from earlyhelp.operations.logs import logging_config
from earlyhelp.operations.supervisor import web_workers

wsgi_app = "earlyhelp.wsgi:application"
workers = web_workers()
worker_class = "sync"
timeout = int(os.environ.get("EARLYHELP_WEB_TIMEOUT", "60"))  # a request longer than this is killed
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then: a slow leak never becomes an outage
max_requests_jitter = 200
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
control_socket_disable = True  # no socket in $HOME: two servers on one machine never clash
accesslog = None  # earlyhelp logs each request itself, with its request id
# Gunicorn's own lines (start, workers booting, timeouts) in the same format as earlyhelp's.
logconfig_dict = logging_config(
    json_lines=os.environ.get("EARLYHELP_LOG_FORMAT", os.environ.get("LOG_FORMAT", "json"))
    == "json",
    level="INFO",
)
logconfig_dict["loggers"]["gunicorn.error"] = {"level": "INFO", "propagate": True}
logconfig_dict["loggers"]["gunicorn.access"] = {"level": "WARNING", "propagate": True}
