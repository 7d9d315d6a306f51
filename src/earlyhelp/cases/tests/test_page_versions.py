"""Pages carry the version they read: a bad, missing or stale one is a GOV.UK error, never a
500 and never a blind write (issue 11, items 4 and 5)."""

import datetime as dt

import pytest
from django.urls import reverse

from earlyhelp.cases.models import Episode
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.testing.journey import open_episode

STALE = "changed by someone else after you opened it"


def _date(name, value):
    return {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}


def _answers(client, episode, which):
    today = dt.date.today()
    if which == "close":
        data = {"outcome": "moved_away", "summary": "Moved away.", **_date("end_date", today)}
    else:
        data = {"reason": "Disclosure of harm.", **_date("on", today)}
    name = "close" if which == "close" else "step_up"
    response = client.post(reverse(f"web:{name}", args=[episode.pk]), data)
    assert response.status_code == 302, [l for l in response.content.decode().splitlines() if "error" in l][:8]
    return reverse(f"web:{name}_check", args=[episode.pk])


@pytest.mark.parametrize("which", ["close", "step_up"])
@pytest.mark.parametrize(
    "posted,message",
    [
        ({"version": "abc"}, STALE),
        ({}, STALE),
        ({"version": "99"}, STALE),
    ],
)
def test_check_pages_refuse_a_bad_missing_or_stale_version(world, client, which, posted,
                                                           message):
    episode = open_episode(world)
    verified_login(client, world.worker)
    check = _answers(client, episode, which)
    response = client.post(check, posted)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert Episode.objects.get(pk=episode.pk).status == "open"


@pytest.mark.parametrize("which", ["close", "step_up"])
def test_check_pages_accept_the_version_they_showed(world, client, which):
    episode = open_episode(world)
    verified_login(client, world.worker)
    check = _answers(client, episode, which)
    response = client.post(check, {"version": str(episode.version)})
    assert response.status_code == 302
    assert Episode.objects.get(pk=episode.pk).status == "closed"
