"""The WSGI application bench/bench_concurrency.py serves with gunicorn: earlyhelp as it is, or –
with EARLYHELP_BENCH_AUDIT=head-lock – with every audit append also locking and updating the one
chain-head row, as appends did before the sealer (decision 0002), for a before/after in one run.
Never part of earlyhelp.wsgi."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earlyhelp.settings.local")
# Static URLs without a collectstatic manifest (production serves hashed names; same cost). Set
# before Django starts: the storage is built once, on its first use.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
application = get_wsgi_application()

if os.environ.get("EARLYHELP_BENCH_AUDIT") == "head-lock":
    from django.db import connection, transaction

    from earlyhelp.core import audit
    from earlyhelp.core.models import AuditChainHead

    append = audit.record
    head_table = AuditChainHead._meta.db_table

    def record_under_the_head_lock(**kwargs):
        """The old append: lock the head row, insert, update the head – all reads queue here."""
        with transaction.atomic():
            AuditChainHead.objects.select_for_update().get(id=1)
            event = append(**kwargs)
            with connection.cursor() as cursor:  # same row lock and write as before, no change
                cursor.execute(f"UPDATE {head_table} SET last_hash = last_hash WHERE id = 1")
        return event

    audit.record = record_under_the_head_lock

    # On PostgreSQL a record's read writes its audit row itself (core.audited_read); the old
    # append went through audit.record, so the comparison reads the old way.
    from earlyhelp.core import audited_read

    audited_read.view_row_wrap = lambda *args, **kwargs: None
