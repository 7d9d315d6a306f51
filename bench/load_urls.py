"""URLs for the load test: earlyhelp's own, plus /bench/bare/ – a bare Django view that reads
one row, the yardstick the pages are measured against (same server, same middleware, same run).
Served only by bench/load_app.py; never part of earlyhelp.urls."""

from django.http import HttpResponse
from django.urls import path

from earlyhelp.core.models import Organisation
from earlyhelp.urls import urlpatterns as earlyhelp_urlpatterns


def bare(request):
    """One row read by primary key, a few bytes back: Django's floor on this machine."""
    row = Organisation.objects.only("id", "name").order_by("pk").first()
    return HttpResponse(row.name if row else "", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *earlyhelp_urlpatterns]
