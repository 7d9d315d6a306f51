"""The `demo` command: generates, prints the summary and logins, refuses a non-empty database."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from earlyhelp.core.models import User
from earlyhelp.demo.borough import DEMO_LOGINS, DEMO_PASSWORD
from earlyhelp.people.models import Family, Person

pytestmark = pytest.mark.django_db

ARGS = ["--families", "60", "--seed", "3", "--today", "2026-06-04", "--case-rate", "2",
        "--borough-only"]  # fmt: skip


def run(*args):
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return Family.objects.count(), Person.objects.count(), User.objects.count()


def test_generates_and_prints_the_summary_and_logins():
    out = run(*ARGS, "--logins")
    assert "Demo borough generated (seed 3, history to 4 June 2026)" in out
    assert "60 families" in out
    assert "needs met" in out and "stepped up" in out and "Re-referrals" in out
    assert f"password for all: {DEMO_PASSWORD}" in out
    for username in DEMO_LOGINS:
        assert f"  {username} " in out
    assert Family.objects.count() == 60


def test_if_empty_does_nothing_when_families_exist():
    run(*ARGS)
    before = counts()
    out = run(*ARGS, "--if-empty")
    assert "already holds families: no demo borough generated" in out
    assert counts() == before


def test_a_second_run_is_refused_and_changes_nothing():
    run(*ARGS)
    before = counts()
    with pytest.raises(CommandError, match="only generated into an empty database"):
        run(*ARGS)
    assert counts() == before


def test_logins_alone_print_the_logins_without_generating():
    assert "No demo users" in run("--logins")
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--families", "0"], "Enter a number of families of 1 or more"),
        (["--families", "10", "--case-rate", "0"], "The case rate must be more than 0"),
        (["--today", "4 June 2026"], "--today must be a date like 2026-06-04"),
        (["--families", "10", "--referral-rate", "0"], "Rates must be more than 0"),
        (["--families", "10", "--contacts-per-referral", "0.5"], "contacts per referral at least"),
        (["--families", "10", "--step-down-share", "1"], "step-down share must be from 0"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_written(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert counts() == (0, 0, 0)


def test_other_apps_demo_data_is_loaded_after_the_borough():
    """The service directory and the panels build on the borough, through those apps' own
    services: a meeting is held only once its day has come, a service waits as long as it
    declares."""
    import datetime as dt

    from earlyhelp.directory.models import Service
    from earlyhelp.panels.models import Meeting, MeetingStatus

    out = run(*ARGS[:-1])
    assert "Service directory:" in out
    assert "Panels:" in out
    # No scanner configured here: the documents service refuses, and the demo says so.
    assert "Documents: 0 added, then refused by the documents service: The selected file " \
        "could not be checked for viruses" in out
    day = dt.date(2026, 6, 4)
    meetings = list(Meeting.objects.values_list("date", "status"))
    assert meetings
    assert {status for date, status in meetings if date < day} == {MeetingStatus.HELD}
    assert {status for date, status in meetings if date >= day} == {MeetingStatus.SCHEDULED}
    services = list(Service.objects.values_list("waiting_days", "declared_waiting_days"))
    assert services and all(waiting == declared for waiting, declared in services)
    # past meetings discussed families and decided, and one logged a need no service meets
    from earlyhelp.panels.models import PanelDecision, UnmetNeed

    decided = PanelDecision.objects.select_related("meeting")
    assert decided.count() >= 2
    assert all(d.meeting.status == MeetingStatus.HELD and d.decided_on < day for d in decided)
    assert UnmetNeed.objects.filter(recorded_on__lt=day).count() >= 1
