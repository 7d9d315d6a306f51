"""One record's access check: `get_visible_or_404` for a family and an episode against a bare
primary-key probe of the same rows (issue 19).

    python bench/bench_scope_check.py [DATABASE_URL]

For a team manager of a service and the busiest partner: the median CPU (`process_time`) and
wall time of one check, with the scopes warm (built earlier on this thread) and cold (built
afresh, as on a user's first page). Prints only; run it on two checkouts to compare.
"""

import statistics
import sys
import time

from _common import setup_django


def median_ms(times) -> float:
    return statistics.median(times[5:] if len(times) > 10 else times)  # the first warm caches


def main() -> int:
    setup_django(sys.argv[1] if len(sys.argv) > 1 else None)
    from django.db.models import Count
    from django.http import Http404

    from earlyhelp.access import scoping
    from earlyhelp.access.scoping import get_visible_or_404, visible_episodes, visible_families
    from earlyhelp.cases.models import Episode
    from earlyhelp.core.models import Role, User
    from earlyhelp.people.models import Family

    manager = (
        User.objects.filter(role=Role.MANAGER, is_active=True, team__service__isnull=False)
        .select_related("team").order_by("username").first()
    )  # fmt: skip
    partner = (
        User.objects.filter(role=Role.PARTNER, is_active=True)
        .annotate(places=Count("taf_memberships", distinct=True))
        .order_by("-places", "username").first()
    )  # fmt: skip
    service = manager.team.service_id
    rows = {
        "manager": list(Episode.objects.filter(team__service_id=service)
                        .values_list("id", "family_id")[:2000:20]),  # fmt: skip
        "partner": list(Episode.objects.filter(taf_members__user=partner)
                        .values_list("id", "family_id")[:100]),  # fmt: skip
    }
    forget = getattr(scoping, "forget_built_scopes", lambda: None)

    def timed(call, keys, cold=False):
        cpu, wall = [], []
        for key in keys:
            if cold:
                forget()
            started_cpu, started = time.process_time(), time.perf_counter()
            try:
                call(key)
            except Http404:
                pass
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        return f"cpu p50 {median_ms(cpu):6.2f} ms  wall p50 {median_ms(wall):6.2f} ms"

    for model, index in ((Family, 1), (Episode, 0)):
        keys = [row[index] for row in rows["manager"]]
        print(f"{'pk probe':<9}{model.__name__.lower():<9}     "
              f"{timed(lambda pk, model=model: model.objects.get(pk=pk), keys)}")  # fmt: skip
    for who, user in (("manager", manager), ("partner", partner)):
        for what, scoped, index in (("family", visible_families, 1),
                                    ("episode", visible_episodes, 0)):  # fmt: skip
            keys = [row[index] for row in rows[who]]

            def check(pk, scoped=scoped, user=user):
                return get_visible_or_404(scoped(user), pk=pk)

            for cold in (False, True):
                label = "cold" if cold else "warm"
                print(f"{who:<9}{what:<9}{label}  {timed(check, keys, cold)}  (n={len(keys)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
