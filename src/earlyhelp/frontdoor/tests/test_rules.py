"""The front door rules on their own: each refuses what it names and lets the rest through."""

import datetime as dt

import pytest

from earlyhelp.cases.services import episode_close
from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove
from earlyhelp.frontdoor import rules
from earlyhelp.frontdoor.models import ConsentAnswer, Contact, TriageOutcome
from earlyhelp.testing.journey import open_episode
from earlyhelp.testing.world import days_ago
from earlyhelp.thresholds.tests.factories import four_level_model


@pytest.mark.parametrize(
    "received, since",
    [
        # Calendar months, as RE_REFERRAL words it.
        (dt.date(2024, 2, 29), dt.date(2023, 2, 28)),
        (dt.date(2025, 2, 28), dt.date(2024, 2, 28)),
        (dt.date(2025, 3, 1), dt.date(2024, 3, 1)),
        (dt.date(2025, 6, 15), dt.date(2024, 6, 15)),
    ],
)
def test_re_referral_counts_back_twelve_calendar_months(received, since):
    assert rules.re_referral_since(received) == since


def test_a_request_within_the_months_after_a_closure_is_a_re_referral(world):
    episode = open_episode(world)
    episode_close(episode=episode, outcome="disengaged", end_date=days_ago(30),
                  acting_user=world.worker)
    assert rules.re_referral_source([world.child], dates.today()) == episode
    assert rules.re_referral_source([world.child], days_ago(31)) is None  # before the closure
    a_year_on = dates.months_after(days_ago(30), 12)
    assert rules.re_referral_source([world.child], a_year_on) == episode
    assert rules.re_referral_source([world.child], a_year_on + dt.timedelta(days=1)) is None


def test_level_and_indicators_come_from_the_model_in_use(world):
    level = world.level(2)
    rules.level_belongs_to_model(level, world.model, [world.indicator(2), world.indicator(3)])
    other = four_level_model()
    with pytest.raises(IllegalMove, match="is not part of"):
        rules.level_belongs_to_model(other.levels.get(rank=2), world.model, [])
    with pytest.raises(IllegalMove, match="Some ticked indicators"):
        rules.level_belongs_to_model(
            level, world.model, [world.indicator(2), other.levels.get(rank=2).indicators.first()]
        )


def test_overriding_the_suggested_level_needs_a_reason(world):
    suggested, chosen = world.level(2), world.level(3)
    rules.override_needs_reason(suggested, suggested, "")
    rules.override_needs_reason(None, chosen, "")
    rules.override_needs_reason(suggested, chosen, "Domestic abuse disclosed on the call")
    for reason in ("", "   ", None):
        with pytest.raises(IllegalMove) as refused:
            rules.override_needs_reason(suggested, chosen, reason)
        assert refused.value.code == "override_without_reason"


def test_early_help_needs_the_familys_consent_social_care_does_not():
    no = Contact(family_consents_to_request=ConsentAnswer.NO)
    yes = Contact(family_consents_to_request=ConsentAnswer.YES)
    for outcome in (TriageOutcome.EARLY_HELP, TriageOutcome.ATTACH):
        rules.early_help_needs_consent(yes, outcome)
        with pytest.raises(IllegalMove) as refused:
            rules.early_help_needs_consent(no, outcome)
        assert refused.value.code == "no_consent"
    rules.early_help_needs_consent(no, TriageOutcome.STEP_UP)


def test_routing_needs_a_family_a_team_and_no_open_episode(world):
    contact = Contact(family=world.family)
    rules.routing_is_complete(contact, TriageOutcome.EARLY_HELP, world.team, None)
    with pytest.raises(IllegalMove, match="Link the request to a family"):
        rules.routing_is_complete(Contact(), TriageOutcome.EARLY_HELP, world.team, None)
    with pytest.raises(IllegalMove, match="Choose the team"):
        rules.routing_is_complete(contact, TriageOutcome.EARLY_HELP, None, None)
    episode = open_episode(world)
    with pytest.raises(IllegalMove) as already:
        rules.routing_is_complete(contact, TriageOutcome.EARLY_HELP, world.team, episode)
    assert already.value.code == "episode_already_open"
    rules.routing_is_complete(contact, TriageOutcome.ATTACH, None, episode)
    with pytest.raises(IllegalMove) as nothing_open:
        rules.routing_is_complete(contact, TriageOutcome.ATTACH, None, None)
    assert nothing_open.value.code == "no_open_episode"


def test_a_parents_answer_covers_a_child_until_the_day_they_turn_16():
    """The service's coverage of unsaved people (what the check page asks), at the birthday."""
    import datetime as dt

    from earlyhelp.frontdoor.services import consent_coverage
    from earlyhelp.people.models import Person

    parent = Person(given_name="Grace", date_of_birth=dt.date(1985, 9, 12))
    leap = Person(given_name="Ada", date_of_birth=dt.date(2008, 2, 29))
    unborn = Person(given_name="Baby", expected_date_of_birth=dt.date(2024, 5, 1))
    people = [parent, leap, unborn]

    def covered(on):
        return {p.given_name for p, why in consent_coverage(
            people=people, giver=parent, given_on=on, parental=True) if not why}

    assert covered(dt.date(2024, 2, 28)) == {"Grace", "Ada", "Baby"}  # the day before
    assert covered(dt.date(2024, 2, 29)) == {"Grace", "Baby"}  # 16: Ada answers for herself
    assert {p.given_name for p, why in consent_coverage(
        people=people, giver=leap, given_on=dt.date(2024, 2, 28), parental=False)
        if not why} == {"Ada"}  # a young person's answer covers only themselves
