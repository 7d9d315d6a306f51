"""API read speed on the benchmark borough: family detail, episode detail, caseload list.

Run after `python bench/bench_generate.py` (which leaves var/bench/borough.sqlite3):
    python bench/bench_api.py [--database-url URL] [--samples 200]
Targets: p95 under 100 ms on SQLite with the 300,000-child borough (issue 2); family and episode
detail p50 at most 2× a bare Django view reading one row (bench/load_urls.py), same run (issue
19). Before measuring, the worker's start is done as earlyhelp.wsgi does it
(`_common.start_as_the_server_does`: views imported, templates compiled, the garbage collector
set for serving). The database's files are read once before measuring
(`_common.warm_file_cache`: a running server's database is in memory; a first visit otherwise
measured the disk).
`--profile N` prints a cProfile of N requests of each detail.

Callers sign in with a session, as the API's one authentication (SessionAuthentication) has
them – the bare view then reads the same session and user, as the pages' benchmark does (the
issue's bare view: "under the same settings, middleware and session"). `--auth forced` measures
as this benchmark did until stop 23: DRF's test-only force_authenticate, no session for either
side (the bare view anonymous).
"""

import argparse
import random
import sys

from _common import (
    BOROUGH,
    ROOT,
    QueryCounter,
    profile_requests,
    setup_django,
    start_as_the_server_does,
    summary,
    timed,
    verdict,
    warm_file_cache,
    write_result,
)

TARGET_RATIO = 2.0  # detail p50 / bare view p50 (issue 19)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{BOROUGH}")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", type=int, default=20, help="requests profiled per read")
    parser.add_argument("--auth", choices=("session", "forced"), default="session",
                        help="sign in with a session (the API's own way) or force_authenticate")
    args = parser.parse_args()
    path = ROOT / args.database_url.removeprefix("sqlite:///")  # absolute paths stay absolute
    if args.database_url.startswith("sqlite") and not path.exists():
        print(f"{path} is missing: run bench/bench_generate.py first", file=sys.stderr)
        return 2
    setup_django(args.database_url)
    warm_file_cache(args.database_url)

    from django.db import connection
    from rest_framework.test import APIClient

    from earlyhelp.cases.models import Episode
    from earlyhelp.core.models import Role, User
    from earlyhelp.people.models import Family

    rng = random.Random(args.seed)
    manager = User.objects.filter(role=Role.MANAGER, is_active=True).first()
    workers = list(
        User.objects.filter(role=Role.WORKER, episodes_led__status="open").distinct()[:200]
    )
    episode_ids = list(
        Episode.objects.filter(team__service_id=manager.team.service_id).values_list(
            "id", flat=True
        )[:20000]
    )
    sample_episodes = rng.sample(episode_ids, min(args.samples, len(episode_ids)))
    family_ids = list(
        Episode.objects.filter(id__in=sample_episodes).values_list("family_id", flat=True)
    )
    counts = {"families": Family.objects.count(), "episodes": Episode.objects.count()}
    print(f"borough: {counts['families']:,} families, {counts['episodes']:,} episodes")

    start_as_the_server_does()
    client = APIClient()
    signed_in = {}

    def sign_in(user):
        """Outside the timed request: a session for `user` (or DRF's forced authentication)."""
        if args.auth == "forced":
            client.force_authenticate(user)
        elif signed_in.get("user") != user.pk:
            client.force_login(user)
            signed_in["user"] = user.pk

    def measure(label, urls, as_user=None):
        times, queries = [], []
        for url, user in urls:
            sign_in(user or manager)
            with QueryCounter(connection) as counted:
                response, ms = timed(client.get, url)
            assert response.status_code == 200, (url, response.status_code)
            times.append(ms)
            queries.append(counted.count)
        # the first request warms caches; report steady state
        stats = summary(times[1:] if len(times) > 1 else times)
        stats["queries_max"] = max(queries)
        print(
            f"{label:<16} p50 {stats['p50_ms']:>7.1f} ms  p95 {stats['p95_ms']:>7.1f} ms  "
            f"max {stats['max_ms']:>7.1f} ms  queries ≤ {stats['queries_max']}"
        )
        return stats

    from django.test.utils import override_settings

    # The second factor is the security app's to measure (bench_sign_in.py), as for the pages.
    with override_settings(ROOT_URLCONF="load_urls", EARLYHELP_REQUIRE_TWO_FACTOR=False):
        reads = {
            "family_detail": [(f"/api/families/{pk}/", None) for pk in family_ids],
            "episode_detail": [(f"/api/episodes/{pk}/", None) for pk in sample_episodes],
            "caseload": [("/api/caseload/", w) for w in workers],
        }
        bare = measure("bare view", [("/bench/bare/", None)] * max(len(family_ids), 20))
        results = {name: measure(name.replace("_", " "), urls) for name, urls in reads.items()}
        bare_again = measure("bare view", [("/bench/bare/", None)] * max(len(family_ids), 20))
        bare_p50 = min(bare["p50_ms"], bare_again["p50_ms"])
        for name, stats in results.items():
            stats["bare_ratio_p50"] = round(stats["p50_ms"] / bare_p50, 2)
            label = name.replace("_", " ")
            print(f"{label:<16} {stats['bare_ratio_p50']:.1f}× the bare view (p50)")
        profiles = {}
        if args.profile:
            sign_in(manager)
            for name in ("family_detail", "episode_detail"):
                urls = [u for u, _ in reads[name][: args.profile]]
                profiles[name] = profile_requests(
                    client.get, urls, title=f"{name}: {len(urls)} requests"
                )
    target = 100.0
    missed = [f"{name}: p95 {r['p95_ms']:.0f} ms (target {target:.0f} ms)"
              for name, r in results.items() if r["p95_ms"] >= target]  # fmt: skip
    missed += [f"{name}: p50 {results[name]['bare_ratio_p50']}× the bare view "
               f"(target {TARGET_RATIO:.0f}×)" for name in ("family_detail", "episode_detail")
               if results[name]["bare_ratio_p50"] > TARGET_RATIO]  # fmt: skip
    write_result("api", {"database": args.database_url.split(":")[0], "borough": counts,
                         "auth": args.auth,
                         "target_p95_ms": target, "target_bare_ratio_p50": TARGET_RATIO,
                         "met": not missed, "bare_view": {"before": bare, "after": bare_again},
                         "results": results, "profiles": profiles})
    return verdict(missed)


if __name__ == "__main__":
    sys.exit(main())
