from html import unescape

import pytest
from django.urls import reverse

from earlyhelp.core.models import AuditEvent
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.frontdoor.models import Contact, TriageDecision
from earlyhelp.testing import journey


def text(response) -> str:
    return unescape(response.content.decode())


pytestmark = pytest.mark.django_db


def _triage_url(contact, world):
    return reverse("web:contact_triage", args=[contact.pk]) + f"?model={world.model.slug}"


def _decision(world, **overrides):
    data = {
        "model": world.model.slug,
        "indicators": [str(world.indicator(2).pk)],
        "level": str(world.level(2).pk),
        "outcome": "early_help",
        "routed_team": str(world.team.pk),
        "episode_reason": "parenting",
        "rag": "amber",
        "rationale": "Additional needs; the family agree to early help.",
        "action": "decide",
    }
    data.update(overrides)
    return data


def test_queue_is_for_the_front_door_and_shows_time_to_decision(world, client):
    contact = journey.raise_contact(world, received_days_ago=2)
    verified_login(client, world.partner)
    assert client.get(reverse("web:contact_queue")).status_code == 403
    verified_login(client, world.front_door)
    response = client.get(reverse("web:contact_queue"))
    html = text(response)
    assert contact.reference in html
    assert "Overdue" in html  # unrated: held to 24 hours, two days old
    assert AuditEvent.objects.filter(user=world.front_door, action="search").exists()


def test_empty_triage_shows_every_error_and_saves_nothing(world, client):
    contact = journey.raise_contact(world)
    verified_login(client, world.front_door)
    response = client.post(
        _triage_url(contact, world), {"model": world.model.slug, "action": "decide"}
    )
    html = text(response)
    for message in (
        "Select the level of need",
        "Select what happens next",
        "Select a priority",
        "Enter the rationale for the decision",
    ):
        assert message in html
    assert "<title>Error: Triage" in html
    assert not TriageDecision.objects.exists()


def test_override_needs_a_reason(world, client):
    contact = journey.raise_contact(world)
    verified_login(client, world.front_door)
    response = client.post(_triage_url(contact, world), _decision(world, level=world.level(3).pk))
    assert "give the reason for choosing a different level" in text(response)
    assert not TriageDecision.objects.exists()
    response = client.post(
        _triage_url(contact, world),
        _decision(world, level=world.level(3).pk, override_reason="Escalating quickly."),
    )
    assert response.status_code == 302
    assert TriageDecision.objects.get().level == world.level(3)


def test_refused_move_shows_the_reason_and_changes_nothing(world, client):
    contact = journey.raise_contact(world, consent="no")
    verified_login(client, world.front_door)
    response = client.post(_triage_url(contact, world), _decision(world))
    html = text(response)
    assert "Early help is voluntary and the family has not consented" in html
    assert "govuk-error-summary" in html
    contact.refresh_from_db()
    assert contact.status == "awaiting_decision"
    assert not TriageDecision.objects.exists()


def test_triage_to_early_help_opens_the_episode(world, client):
    contact = journey.raise_contact(world)
    verified_login(client, world.front_door)
    response = client.post(_triage_url(contact, world), _decision(world))
    decision = TriageDecision.objects.get()
    assert response.url == reverse("web:episode_detail", args=[decision.episode_id])
    assert decision.suggested_level == world.level(2)
    # A second attempt is sent back to the request, which already has a decision.
    response = client.get(_triage_url(contact, world))
    assert response.url == reverse("web:contact_detail", args=[contact.pk])


def test_suggestion_without_saving_and_by_htmx(world, client):
    contact = journey.raise_contact(world)
    verified_login(client, world.front_door)
    data = {
        "model": world.model.slug,
        "indicators": [str(world.indicator(3).pk)],
        "action": "suggest",
    }
    response = client.post(_triage_url(contact, world), data)
    html = text(response)
    assert "Suggested level: 3 – Level 3" in html
    assert "govuk-error-summary" not in html
    partial = client.post(reverse("web:triage_suggestion", args=[contact.pk]), data)
    assert text(partial).strip().startswith("<p")
    assert "Suggested level: 3" in text(partial)
    assert not TriageDecision.objects.exists()


def test_contact_out_of_scope_is_not_found(world, client):
    contact = journey.raise_contact(world)
    verified_login(client, world.other_worker)
    assert client.get(reverse("web:contact_detail", args=[contact.pk])).status_code == 404


def test_withdraw_needs_a_reason(world, client):
    contact = journey.raise_contact(world)
    verified_login(client, world.front_door)
    url = reverse("web:contact_withdraw", args=[contact.pk])
    response = client.post(url, {"reason": ""})
    assert "Enter why the request is being withdrawn" in text(response)
    contact.refresh_from_db()
    assert contact.status == "awaiting_decision"
    client.post(url, {"reason": "Duplicate of another request."})
    assert Contact.objects.get(pk=contact.pk).status == "withdrawn"


def test_a_manager_sees_the_whole_waiting_queue_and_their_services_decided_requests(world, client):
    """A request about a family new to early help is in no team's scope: the manager who
    answers for the front door still sees it waiting. Decided requests: only those routed to
    their service's teams (the other service's stay hidden, 404 as if they did not exist)."""
    from earlyhelp.core.tests.factories import TeamFactory, UserFactory
    from earlyhelp.people.tests.factories import family_with_members

    new_family = family_with_members(children=1, adults=1)
    waiting = [journey.raise_contact(world, family=new_family, received_days_ago=n)
               for n in (1, 2, 3)]
    ours = journey.triage_to_early_help(world, journey.raise_contact(world)).contact
    sister_team = TeamFactory(name="0-5 team", organisation=world.council, service=world.service)
    theirs = journey.raise_contact(world, family=family_with_members(children=1, adults=1))
    from earlyhelp.frontdoor import services as frontdoor

    frontdoor.contact_triage(
        contact=theirs, acting_user=world.front_door, outcome="early_help",
        threshold_model=world.model, indicators=[world.indicator(2)], level=world.level(2),
        rag="amber", rationale="Additional needs.", routed_team=world.other_team,
    )
    sister_manager = UserFactory(username="sister", role="manager", team=sister_team)

    verified_login(client, sister_manager)
    page = text(client.get(reverse("web:contact_queue")))
    for contact in waiting:
        assert contact.reference in page
    assert client.get(reverse("web:contact_detail", args=[waiting[0].pk])).status_code == 200
    # routed to the world's team, which is in the same service: visible
    assert client.get(reverse("web:contact_detail", args=[ours.pk])).status_code == 200
    # routed to another service's team: not theirs
    assert client.get(reverse("web:contact_detail", args=[theirs.pk])).status_code == 404
    client.logout()
    # a worker still sees only what was routed to their own team
    verified_login(client, world.worker)
    assert client.get(reverse("web:contact_detail", args=[waiting[0].pk])).status_code == 404


def test_early_help_at_a_universal_level_needs_a_word_which_the_request_then_shows(world, client):
    # The level's band says "universal", not its name: a council may call it anything.
    universal = world.level(1)
    universal.name = "Needs met by universal services"
    universal.save()
    contact = journey.raise_contact(world)
    verified_login(client, world.front_door)
    decision = _decision(world, level=str(universal.pk), indicators=[str(world.indicator(1).pk)])
    response = client.post(_triage_url(contact, world), decision)
    html = text(response)
    assert "<title>Error: Triage" in html and 'href="#id_universal_reason"' in html
    assert "'Needs met by universal services' is a level of need universal services meet" in html
    assert not TriageDecision.objects.exists()
    response = client.post(_triage_url(contact, world), {
        **decision, "universal_reason": "Young carer; the school cannot meet this alone."})
    assert response.status_code == 302
    assert TriageDecision.objects.get().universal_reason == (
        "Young carer; the school cannot meet this alone.")
    html = text(client.get(reverse("web:contact_detail", args=[contact.pk])))
    assert "Why early help at this level" in html
    assert "Young carer; the school cannot meet this alone." in html


def test_signposting_at_a_universal_level_needs_no_extra_word(world, client):
    contact = journey.raise_contact(world)
    verified_login(client, world.front_door)
    response = client.post(_triage_url(contact, world), _decision(
        world, level=str(world.level(1).pk), indicators=[str(world.indicator(1).pk)],
        outcome="signpost", routed_team=""))
    assert response.status_code == 302
    assert TriageDecision.objects.get().universal_reason == ""


def test_the_fields_of_an_outcome_sit_in_its_reveal_and_every_one_is_in_the_page(world, client):
    """Issue 14: early help's and step up's own fields are revealed under their radio (by
    web/reveal.js); the page holds every field, so it works without JavaScript."""
    contact = journey.raise_contact(world)
    verified_login(client, world.front_door)
    html = text(client.get(_triage_url(contact, world)))
    early_help = html.index('id="id_outcome-3-conditional"')
    step_up = html.index('id="id_outcome-4-conditional"')
    assert 'value="early_help" data-app-reveal="id_outcome-3-conditional"' in html
    assert 'value="step_up" data-app-reveal="id_outcome-4-conditional"' in html
    # Not aria-controls: GOV.UK Frontend would take the radio over and add aria-expanded.
    assert "aria-controls" not in html[html.index('id="id_outcome"') - 200:early_help]
    assert html.count("data-app-reveal=") == 2  # the other outcomes reveal nothing
    for field in ('id="id_routed_team"', 'id="id_episode_reason"',
                  'id="id_episode_start_date_day"'):
        assert early_help < html.index(field) < step_up, field
    assert step_up < html.index('id="id_safeguarding_override"') < html.index('id="id_rag"')
    # Nothing is hidden by the server: only the script hides a reveal, so no-JS pages show all.
    assert "govuk-radios__conditional--hidden" not in html


def test_what_was_typed_under_an_outcome_not_chosen_is_neither_used_nor_checked(world, client):
    """A hidden reveal can hold no error: a team, a bad start date and a safeguarding tick left
    behind after choosing another outcome are ignored, not refused and not recorded."""
    contact = journey.raise_contact(world)
    verified_login(client, world.front_door)
    response = client.post(_triage_url(contact, world), _decision(
        world, outcome="signpost", episode_start_date_day="31", episode_start_date_month="2",
        episode_start_date_year="2020", safeguarding_override="on"))
    assert response.status_code == 302, text(response)
    decision = TriageDecision.objects.get()
    assert decision.outcome == "signpost"
    assert decision.routed_team is None and decision.episode is None
    assert decision.safeguarding_override is False


def test_an_error_inside_a_reveal_comes_back_with_its_outcome_chosen(world, client):
    contact = journey.raise_contact(world)
    verified_login(client, world.front_door)
    response = client.post(_triage_url(contact, world), _decision(
        world, routed_team="", episode_start_date_day="31", episode_start_date_month="2",
        episode_start_date_year="2020"))
    html = text(response)
    assert 'href="#id_routed_team"' in html and 'href="#id_episode_start_date_day"' in html
    # The outcome stays chosen, so its reveal (and the fields in error) are open.
    assert 'id="id_outcome-3" name="outcome" type="radio" value="early_help" checked' in html
    assert not TriageDecision.objects.exists()


def test_a_safeguarding_override_is_recorded_with_a_step_up(world, client):
    contact = journey.raise_contact(world, consent="no")
    verified_login(client, world.front_door)
    response = client.post(_triage_url(contact, world), _decision(
        world, outcome="step_up", level=str(world.level(3).pk),
        indicators=[str(world.indicator(3).pk)], safeguarding_override="on"))
    assert response.status_code == 302, text(response)
    assert TriageDecision.objects.get().safeguarding_override is True
