"""CPU time per request of the practitioner pages and each role's start page, against the bare
view: an A/B tool for a busy shared machine, where wall-clock times swing with other processes.

    python bench/bench_pages_cpu.py sqlite:///$PWD/var/bench/pages.sqlite3

Medians of `time.process_time()` around each request (Django's test client, as bench_pages.py);
start pages for the busiest user of each role, scopes built afresh for each request. Prints only;
run it on two checkouts one after the other to compare (docs/capacity.md).
"""

import statistics
import sys
import time

from _common import setup_django


def main() -> int:
    setup_django(sys.argv[1] if len(sys.argv) > 1 else None)
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import override_settings

    from earlyhelp.access import scoping
    from earlyhelp.cases.models import Episode, EpisodeStatus
    from earlyhelp.core.models import Role, User

    forget = getattr(scoping, "forget_built_scopes", lambda: None)  # older checkouts lack it
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    busiest = {Role.PARTNER: "taf_memberships", Role.PANEL_MEMBER: "panel_memberships",
               Role.WORKER: "episodes_led"}  # fmt: skip
    out = {}
    client = Client()

    def run(label, user, urls, cold=False):
        client.force_login(user)
        client.get("/")
        for url in urls[:2]:
            client.get(url)
        times = []
        for url in urls:
            if cold:
                forget()
            start = time.process_time()
            response = client.get(url)
            times.append((time.process_time() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        out[label] = statistics.median(times)

    with override_settings(EARLYHELP_REQUIRE_TWO_FACTOR=False, ALLOWED_HOSTS=["testserver"],
                           STORAGES=storages, ROOT_URLCONF="load_urls"):  # fmt: skip
        manager = (
            User.objects.filter(role=Role.MANAGER, is_active=True, team__service__isnull=False)
            .order_by("username")
            .first()
        )
        episodes = list(
            Episode.objects.filter(team__service_id=manager.team.service_id).order_by("reference")[
                :30
            ]
        )
        worker = (
            User.objects.filter(
                role=Role.WORKER, is_active=True, episodes_led__status=EpisodeStatus.OPEN
            )
            .order_by("username")
            .first()
        )
        run("bare", manager, ["/bench/bare/"] * 30)
        run("family", manager, [f"/families/{e.family_id}/" for e in episodes])
        run("episode", manager, [f"/episodes/{e.pk}/" for e in episodes])
        run("caseload", worker, ["/caseload/"] * 20)
        for role in Role:
            people = User.objects.filter(role=role, is_active=True)
            if role in busiest:
                people = people.annotate(n=Count(busiest[role], distinct=True))
                people = people.order_by("-n", "username")
            user = people.order_by("username").first() if role not in busiest else people.first()
            if user:
                run(f"start {role.value}", user, ["/"] * 8, cold=True)
        run("bare2", manager, ["/bench/bare/"] * 30)
    bare = min(out["bare"], out["bare2"])
    for label, ms in out.items():
        print(f"{label:<20} {ms:7.1f} ms cpu  {ms / bare:5.1f}x bare")
    return 0


if __name__ == "__main__":
    sys.exit(main())
