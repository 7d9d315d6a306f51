"""Screenshots of the key practitioner pages, from the demo borough, for the README.

    make screenshots   (or: .venv/bin/python scripts/screenshots.py [--out docs/screenshots])

Serves the pages in-process against the configured database (the `make demo` borough at
var/earlyhelp.sqlite3 unless DATABASE_URL says otherwise), signs in through the real sign-in page
as the demo logins, and drives Debian's Chromium. It reads only, with one exception: the closure
"check your answers" page is reached by submitting the closure form, which saves nothing until
confirmed (and the script never confirms). Two-factor sign-in is switched off for this server only,
so the pictures show the casework pages, not the authenticator prompt.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

# (file name, alt text) – the README shows them in this order.
SHOTS = [
    ("01-sign-in.png", "Sign in"),
    ("02-partner-start.png", "A partner's start page: requests they raised"),
    ("03-request-find-person.png", "Request for support: find the person first"),
    ("04-front-door-queue.png", "The front door queue by RAG priority with time to decision"),
    ("05-triage.png", "Triage with the threshold model's suggested level"),
    ("06-family-record.png", "Family record: members, consent and the open episode"),
    ("07-family-timeline.png", "Family record: the timeline of everything"),
    ("08-episode.png", "Episode page: lead practitioner, TAF, assessment and plan"),
    ("09-distance-travelled.png", "Reviews: distance travelled chart with its data table"),
    ("10-assessment-task-list.png", "The whole-family assessment as a task list"),
    ("11-caseload.png", "A worker's caseload"),
    ("12-team-manager.png", "The team manager's view of work needing action"),
    ("13-close-check-answers.png", "Closing an episode: check your answers"),
    ("14-error-summary.png", "Server-side validation with the GOV.UK error summary"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--width", type=int, default=1200)
    args = parser.parse_args()

    from tests.browser.support import chromium_missing_reason, launch

    missing = chromium_missing_reason()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earlyhelp.settings.local")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop, this thread
    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from django.test.utils import override_settings

    from earlyhelp.people.models import Family

    if not Family.objects.exists():
        print("The database holds no families: run `make demo` first.", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with override_settings(
        EARLYHELP_REQUIRE_TWO_FACTOR=False, ALLOWED_HOSTS=["localhost", "127.0.0.1"]
    ):
        server = LiveServerThread("localhost", StaticFilesHandler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            take_all(f"http://localhost:{server.port}", out, args.width, launch)
        finally:
            server.terminate()
    print(f"wrote {len(SHOTS)} screenshots to {out}")
    return 0


def _subjects():
    """Pick demo records that show the pages at their best."""
    from django.db.models import Count, Q

    from earlyhelp.cases.models import Episode, EpisodeStatus
    from earlyhelp.core.models import User
    from earlyhelp.frontdoor.models import Contact, ContactStatus

    worker = User.objects.get(username="worker")
    manager = User.objects.get(username="manager")
    episodes = Episode.objects.filter(status=EpisodeStatus.OPEN).annotate(
        n_reviews=Count("reviews", distinct=True),
        n_assessments=Count("assessments", distinct=True),
    )
    scoped = episodes.filter(Q(lead_practitioner=worker) | Q(team_id=worker.team_id))
    episode = (
        scoped.filter(n_reviews__gte=2).order_by("-n_reviews", "start_date").first()
        or episodes.filter(n_reviews__gte=2).order_by("-n_reviews").first()
        or scoped.first()
    )
    from earlyhelp.assessments.models import Assessment

    assessment = (
        Assessment.objects.filter(status="in_progress", episode__team_id=worker.team_id)
        .order_by("started_on")
        .first()
        or Assessment.objects.filter(episode=episode).first()
    )
    contact = (
        Contact.objects.filter(status=ContactStatus.AWAITING_DECISION)
        .order_by("received_at")
        .first()
    )
    return {
        "worker": worker,
        "manager": manager,
        "episode": episode,
        "assessment": assessment,
        "contact": contact,
    }


def take_all(base: str, out: Path, width: int, launch) -> None:
    from playwright.sync_api import sync_playwright

    from earlyhelp.demo.borough import DEMO_PASSWORD

    subjects = _subjects()
    episode = subjects["episode"]
    with sync_playwright() as playwright:
        browser = launch(playwright)

        def session(username: str):
            context = browser.new_context(
                base_url=base, viewport={"width": width, "height": 900}, device_scale_factor=1
            )
            page = context.new_page()
            page.goto("/sign-in/")
            if username:
                page.get_by_label("Username").fill(username)
                page.get_by_label("Password").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_load_state("load")
            return page

        def shot(page, name: str, *, full: bool = False, locator: str | None = None):
            page.wait_for_load_state("load")
            path = out / name
            if locator:
                page.locator(locator).first.screenshot(path=str(path))
            else:
                page.screenshot(path=str(path), full_page=full)
            print(f"  {name}  ({page.url.removeprefix(base)})")

        page = session("")
        shot(page, "01-sign-in.png")
        page.context.close()

        page = session("partner")
        shot(page, "02-partner-start.png")
        person = _a_known_child()
        if person is not None:
            born = person.date_of_birth
            page.goto(
                f"/requests/new/?name={person.given_name}+{person.family_name}"
                f"&date_of_birth_day={born.day}&date_of_birth_month={born.month}"
                f"&date_of_birth_year={born.year}"
            )
        else:
            page.goto("/requests/new/")
        shot(page, "03-request-find-person.png")
        page.context.close()

        page = session("frontdoor")
        page.goto("/front-door/")
        shot(page, "04-front-door-queue.png")
        if subjects["contact"] is not None:
            page.goto(f"/front-door/contacts/{subjects['contact'].pk}/triage/")
            page.locator("details.govuk-details").first.evaluate("d => d.open = false")
            boxes = page.locator("input[name=indicators]")
            for index in (5, 7, 12):
                if boxes.count() > index:
                    boxes.nth(index).check()
            page.get_by_role("button", name="Update the suggested level").click()
            page.wait_for_load_state("load")
            page.evaluate(
                "document.querySelector('#suggested-level').scrollIntoView({block: 'center'})"
            )
            shot(page, "05-triage.png")
        page.context.close()

        page = session("manager")
        page.goto(f"/families/{episode.family_id}/")
        shot(page, "06-family-record.png", full=True)
        page.goto(f"/families/{episode.family_id}/#timeline")
        page.get_by_role("tab", name="Timeline").click()
        shot(page, "07-family-timeline.png")
        page.goto(f"/episodes/{episode.pk}/")
        shot(page, "08-episode.png")
        if page.locator("figure.app-chart").count():
            shot(page, "09-distance-travelled.png", locator="figure.app-chart")
        assessment = subjects["assessment"]
        if assessment is not None:
            page.goto(f"/assessments/{assessment.pk}/")
            shot(page, "10-assessment-task-list.png")
        page.goto("/team/")
        shot(page, "12-team-manager.png", full=True)
        page.context.close()

        page = session("worker")
        page.goto("/caseload/")
        shot(page, "11-caseload.png")
        mine = _worker_episode(subjects["worker"]) or episode
        page.goto(f"/episodes/{mine.pk}/close/")
        page.get_by_label("Needs met – outcomes achieved").check()
        page.get_by_label("Closure summary").fill(
            "Attendance is back above 95% and the family say home feels calmer. The school and "
            "the health visitor continue to support them."
        )
        page.get_by_role("button", name="Continue").click()
        shot(page, "13-close-check-answers.png")
        page.goto(f"/episodes/{mine.pk}/reviews/add/")
        page.get_by_role("button", name="Save the review").click()
        shot(page, "14-error-summary.png")
        page.context.close()
        browser.close()


def _a_known_child():
    from earlyhelp.people.models import Membership

    membership = (
        Membership.objects.filter(role="child", person__date_of_birth__isnull=False)
        .select_related("person")
        .order_by("person__family_name", "person__given_name")
        .first()
    )
    return membership.person if membership else None


def _worker_episode(worker):
    from earlyhelp.cases.models import Episode, EpisodeStatus

    return (
        Episode.objects.filter(lead_practitioner=worker, status=EpisodeStatus.OPEN)
        .order_by("start_date")
        .first()
    )


if __name__ == "__main__":
    started = dt.datetime.now()
    code = main()
    print(f"done in {(dt.datetime.now() - started).seconds}s")
    sys.exit(code)
