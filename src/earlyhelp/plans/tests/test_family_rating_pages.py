"""The family's rating through the review page and the API close, then both on the episode."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from earlyhelp.cases.models import Episode
from earlyhelp.cases.tests.pages import allocated_episode, planned_episode, text
from earlyhelp.cases.tests.pages import date_fields as _date
from earlyhelp.core import dates
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.plans.models import ClosingScore, FamilyView, Review
from earlyhelp.testing.world import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(world):
    return planned_episode(world, allocated_episode(world))


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _close(client, episode, **answers):
    return client.post(f"/api/episodes/{episode.pk}/close/", {
        "outcome": "needs_met", "end_date": str(dates.today()), "summary": "Done.",
        "version": Episode.objects.get(pk=episode.pk).version, **answers,
    }, format="json")


def test_review_then_closure_show_both_ratings_side_by_side(world, planned, client):
    episode, plan, need = planned
    verified_login(client, world.worker)
    url = reverse("web:review_add", args=[episode.pk])
    response = client.post(url, {  # a child under 8 points at the happy face
        "attendees": "Mum", f"score_{need.pk}": "5", "family_rater": "child_under_8",
        f"face_{need.pk}": "happy", "family_words": "Mummy smiles more",
        **_date("held_on", days_ago(10)),
    })
    assert response.status_code == 302, text(response)
    view = FamilyView.objects.get(review=Review.objects.get())
    assert view.rater == "child_under_8" and view.ratings.get().score == 9
    response = _close(_api(world.worker), episode,
                      closing_scores=[{"need": str(need.pk), "score": 7}],
                      family={"rater": "parent_carer", "words": "Calmer at home",
                              "scores": [{"need": str(need.pk), "score": 6}],
                              "satisfaction": 4})
    assert response.status_code == 200, response.json()
    closing = ClosingScore.objects.get()
    assert (closing.baseline, closing.last_score, closing.score) == (need.baseline_score, 5, 7)
    page = text(client.get(reverse("web:episode_detail", args=[episode.pk])))
    assert "Practitioner and family ratings" in page
    assert "5 / 9" in page and "7 / 6" in page
    assert "Mummy smiles more" in page and "Calmer at home" in page
    assert "satisfaction 4 of 5" in page


def test_the_api_close_refuses_bad_closing_answers_on_the_field(world, planned):
    episode, plan, need = planned
    response = _close(_api(world.worker), episode,
                      closing_scores=[{"need": str(need.pk), "score": 11}],
                      family={"rater": "parent_carer", "satisfaction": 9})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"closing_scores.0.score", "family.satisfaction"}
    response = _close(_api(world.worker), episode, closing_scores=[])
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [f"closing_{need.pk}"]
    assert Episode.objects.get(pk=episode.pk).status == "open"
    assert not ClosingScore.objects.exists() and not FamilyView.objects.exists()


def test_a_partner_who_cannot_see_the_family_gets_404_and_nothing_changes(world, planned, client):
    episode, plan, need = planned
    verified_login(client, world.partner)
    response = client.post(reverse("web:review_add", args=[episode.pk]), {
        "attendees": "Mum", f"score_{need.pk}": "5", "family_rater": "parent_carer",
        **_date("held_on", days_ago(10)),
    })
    assert response.status_code == 404
    response = _close(_api(world.partner), episode,
                      closing_scores=[{"need": str(need.pk), "score": 7}])
    assert response.status_code == 404
    response = _api(world.partner).post("/api/reviews/", {
        "episode": str(episode.pk), "held_on": str(days_ago(3)), "attendees": "Mum",
        "family": {"rater": "parent_carer"}}, format="json")
    assert response.status_code in (400, 404)  # the episode is out of scope: not found
    assert not Review.objects.exists() and not FamilyView.objects.exists()
    assert Episode.objects.get(pk=episode.pk).status == "open"
