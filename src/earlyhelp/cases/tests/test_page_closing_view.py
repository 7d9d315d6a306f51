"""The closing page asks for the closing scores, the family's closing view and satisfaction
(issue 16 part 4, issue 14 closure): all through the one close service, nothing saved on error."""

import pytest
from django.urls import reverse

from earlyhelp.cases.models import Episode
from earlyhelp.cases.tests.pages import allocated_episode, planned_episode, text
from earlyhelp.cases.tests.pages import date_fields as _date
from earlyhelp.core import dates
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.plans import services as plans
from earlyhelp.plans.models import ClosingScore, FamilyView
from earlyhelp.testing.world import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(world):
    episode, plan, need = planned_episode(world, allocated_episode(world))
    plans.review_record(episode=episode, held_on=days_ago(10), attendees="Mum",
                        scores={need: 5}, acting_user=world.worker,
                        family={"rater": "parent_carer", "scores": {need: 3}})
    return episode, need


def _answers(**extra):
    return {"outcome": "needs_met", "summary": "Outcomes achieved.",
            **_date("end_date", dates.today()), **extra}


def _nothing_saved(episode):
    assert Episode.objects.get(pk=episode.pk).status == "open"
    assert not ClosingScore.objects.exists()
    assert not FamilyView.objects.filter(review__isnull=True).exists()


def test_closing_with_scores_the_familys_view_and_satisfaction(world, planned, client):
    episode, need = planned
    verified_login(client, world.worker)
    url = reverse("web:close", args=[episode.pk])
    page = text(client.get(url))
    assert f"Baseline {need.baseline_score}, last review 5" in page
    assert "How satisfied are you with the help you got?" in page
    response = client.post(url, _answers(**{
        f"closing_{need.pk}": "8", "family_rater": "young_person", f"family_{need.pk}": "7",
        "family_words": "We talk now", "satisfaction": "5"}))
    check_url = reverse("web:close_check", args=[episode.pk])
    assert response.status_code == 302 and response.url == check_url
    check = text(client.get(check_url))
    assert "Closing score 8 (baseline" in check and "The family: 7" in check
    assert "Young person: <span class=\"app-pre-wrap\">We talk now" in check
    assert "Very satisfied" in check
    _nothing_saved(episode)  # nothing is written before the check page's button
    response = client.post(check_url, {"version": Episode.objects.get(pk=episode.pk).version})
    assert response.status_code == 302
    assert Episode.objects.get(pk=episode.pk).status == "closed"
    closing = ClosingScore.objects.get()
    assert (closing.need_id, closing.baseline, closing.last_score, closing.score) == (
        need.pk, need.baseline_score, 5, 8)
    view = FamilyView.objects.get(review__isnull=True)
    assert (view.rater, view.words, view.satisfaction) == ("young_person", "We talk now", 5)
    assert view.ratings.get().score == 7
    page = text(client.get(reverse("web:episode_detail", args=[episode.pk])))
    assert "5 / 3" in page and "8 / 7" in page and "satisfaction 5 of 5" in page


def test_a_family_may_decline_and_satisfaction_may_be_left(world, planned, client):
    episode, need = planned
    verified_login(client, world.worker)
    client.post(reverse("web:close", args=[episode.pk]), _answers(**{
        f"closing_{need.pk}": "6", "family_rater": "declined"}))
    check_url = reverse("web:close_check", args=[episode.pk])
    assert "The family did not want to say" in text(client.get(check_url))
    client.post(check_url, {"version": Episode.objects.get(pk=episode.pk).version})
    view = FamilyView.objects.get(review__isnull=True)
    assert view.declined and view.satisfaction is None and not view.ratings.exists()
    assert ClosingScore.objects.get().score == 6


@pytest.mark.parametrize(("fields", "messages"), [
    ({"closing_{need}": "6", "family_{need}": "7"}, ["Select who in the family gave their view"]),
    ({"closing_{need}": "11"}, ["Give Parenting a closing score from 1 to 10"]),
    ({"closing_{need}": "6", "family_rater": "parent_carer", "family_{need}": "0",
      "satisfaction": "6"}, ["Rate Parenting from 1 to 10",
                             "Select how satisfied the family are, from very dissatisfied"]),
    ({"closing_{need}": "6", "satisfaction": "4"}, ["Select who in the family gave their view"]),
    ({"closing_{need}": "6", "family_rater": "declined", "family_words": "Fine"},
     ["The family did not want to say: leave their rating, words and satisfaction blank"]),
    ({"closing_{need}": "6", "family_rater": "parent_carer", "face_{need}": "happy"},
     ["Faces are for a child under 8: give Parenting a rating from 1 to 10"]),
    ({"family_rater": "parent_carer"}, ["Give Parenting a closing score from 1 to 10"]),
])
def test_bad_closing_answers_get_an_error_summary_and_nothing_is_saved(
        world, planned, client, fields, messages):
    episode, need = planned
    verified_login(client, world.worker)
    posted = {key.format(need=need.pk): value for key, value in fields.items()}
    response = client.post(reverse("web:close", args=[episode.pk]), _answers(**posted))
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    for message in messages:
        assert message.replace("Parenting", need.theme.name) in page
    assert not client.session.get(f"close:{episode.pk}")
    _nothing_saved(episode)


def test_closing_without_scores_still_closes(world, planned, client):
    # Scores are every need or none: a worker who could not score closes without them.
    episode, need = planned
    verified_login(client, world.worker)
    client.post(reverse("web:close", args=[episode.pk]), _answers())
    client.post(reverse("web:close_check", args=[episode.pk]),
                {"version": Episode.objects.get(pk=episode.pk).version})
    assert Episode.objects.get(pk=episode.pk).status == "closed"
    assert not ClosingScore.objects.exists() and not FamilyView.objects.filter(
        review__isnull=True).exists()


def test_a_partner_who_cannot_see_the_family_gets_404_and_nothing_changes(
        world, planned, client):
    episode, need = planned
    verified_login(client, world.partner)
    answers = _answers(**{f"closing_{need.pk}": "8", "family_rater": "parent_carer",
                          f"family_{need.pk}": "7", "satisfaction": "5"})
    assert client.post(reverse("web:close", args=[episode.pk]), answers).status_code == 404
    assert client.post(reverse("web:close_check", args=[episode.pk]),
                       {"version": episode.version}).status_code == 404
    _nothing_saved(episode)
