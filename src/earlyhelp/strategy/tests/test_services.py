import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from earlyhelp.access.policy import NotAllowed
from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove, StaleEdit
from earlyhelp.core.models import AuditEvent, Role
from earlyhelp.core.tests.factories import UserFactory

from .. import services
from ..models import ActionItem, Consensus, Framework, Rating, Round, RoundStatus
from .conftest import element, level

pytestmark = pytest.mark.django_db


def test_the_shipped_frameworks_have_their_structure():
    matrix = Framework.objects.get(name="Early intervention maturity matrix")
    assert [d.name for d in matrix.dimensions.all()] == [
        "Planning", "Leading", "Delivering", "Evaluating", "Family focus"]
    assert [lv.name for lv in matrix.levels.all()] == [
        "Basic", "Developing", "Established", "Mature"]
    guide = Framework.objects.get(name="Early Help System Guide")
    assert [d.name for d in guide.dimensions.all()] == [
        "Family voice and experience", "Whole-family working and the workforce", "Communities",
        "Leadership", "Data"]
    for framework in (matrix, guide):
        for dimension in framework.dimensions.all():
            assert dimension.elements.count() == 2


def test_a_round_invites_partners_and_is_audited(make_round, world, police):
    round_ = make_round()
    assert set(round_.partners.all()) == {world.school, police}
    assert AuditEvent.objects.filter(object_type="strategy.round", object_id=str(round_.pk),
                                     action="create").exists()


@pytest.mark.parametrize("role", [Role.PARTNER, Role.WORKER, Role.FRONT_DOOR])
def test_only_those_who_run_the_strategy_start_a_round(matrix, world, chair, role):
    user = UserFactory(role=role, team=world.team if role != Role.PARTNER else None)
    with pytest.raises(NotAllowed):
        services.round_create(
            framework=matrix, name="R", chair=chair, target_level=level(matrix, "Mature"),
            opens_on=dates.today(), closes_on=dates.today(), organisations=[world.school],
            acting_user=user)
    assert not Round.objects.exists()


def test_a_round_needs_partners_and_a_level_of_its_framework(matrix, world, chair):
    guide = Framework.objects.get(name="Early Help System Guide")
    with pytest.raises(ValidationError) as caught:
        services.round_create(
            framework=matrix, name="R", chair=chair, target_level=guide.levels.first(),
            opens_on=dates.today(), closes_on=dates.today() - dt.timedelta(days=1),
            organisations=[], acting_user=world.manager)
    assert set(caught.value.message_dict) == {"target_level", "organisations", "closes_on"}
    assert not Round.objects.exists()


def test_a_partner_rates_for_their_organisation_and_can_change_it(make_round, matrix, officer):
    round_ = make_round()
    spend = element(matrix, "Spending follows evidence")
    rating = services.rating_record(round_=round_, element=spend, level=level(matrix, "Basic"),
                                    evidence="No commissioning review yet", acting_user=officer)
    assert rating.organisation == officer.organisation
    changed = services.rating_record(
        round_=round_, element=spend, level=level(matrix, "Developing"), evidence="Reviewed",
        acting_user=officer, expected_version=rating.version)
    assert changed.pk == rating.pk and changed.level.name == "Developing"
    assert Rating.objects.count() == 1
    event = AuditEvent.objects.filter(object_id=str(rating.pk), action="change").get()
    assert "level_id" in event.changes
    # A copy opened before that change is refused, and nothing changes.
    with pytest.raises(StaleEdit):
        services.rating_record(round_=round_, element=spend, level=level(matrix, "Mature"),
                               evidence="x", acting_user=officer, expected_version=1)
    assert Rating.objects.get().level.name == "Developing"


def test_an_organisation_not_invited_cannot_rate(make_round, matrix, world):
    round_ = make_round(orgs=[world.school])
    outsider = UserFactory(role=Role.PARTNER, team=None)  # another school
    with pytest.raises(NotAllowed):
        services.rating_record(round_=round_, element=element(matrix, "Shared goals"),
                               level=level(matrix, "Basic"), evidence="e", acting_user=outsider)
    assert not Rating.objects.exists()


def test_a_rating_needs_evidence_and_an_element_of_the_framework(make_round, matrix, officer):
    round_ = make_round()
    with pytest.raises(ValidationError) as caught:
        services.rating_record(round_=round_, element=element(matrix, "Shared goals"),
                               level=level(matrix, "Basic"), evidence="  ", acting_user=officer)
    assert "evidence" in caught.value.message_dict
    guide = Framework.objects.get(name="Early Help System Guide")
    with pytest.raises(ValidationError):
        services.rating_record(round_=round_, element=element(guide, "Shared data"),
                               level=level(matrix, "Basic"), evidence="e", acting_user=officer)
    assert not Rating.objects.exists()


def test_consensus_below_target_puts_the_element_on_the_plan_once(make_round, matrix, chair):
    round_ = make_round(target="Established")
    goals = element(matrix, "Shared goals")
    consensus, item = services.consensus_record(
        round_=round_, element=goals, level=level(matrix, "Developing"), rationale="Split view",
        acting_user=chair)
    assert item is not None
    assert item.element == goals and item.round == round_ and item.owner == chair
    assert item.outcome == "Shared goals: from Developing to Established"
    # Recorded again (still below): the same one item, the consensus changed.
    _, again = services.consensus_record(round_=round_, element=goals,
                                         level=level(matrix, "Basic"), rationale="Worse",
                                         acting_user=chair)
    assert again is None
    assert ActionItem.objects.count() == 1
    assert Consensus.objects.get().level.name == "Basic"
    # At the target: no item.
    _, none = services.consensus_record(
        round_=round_, element=element(matrix, "Services are monitored"),
        level=level(matrix, "Established"), rationale="Agreed", acting_user=chair)
    assert none is None and ActionItem.objects.count() == 1


def test_only_the_chair_records_consensus(make_round, matrix, world, officer):
    round_ = make_round()
    for user in (world.manager, officer):
        with pytest.raises(NotAllowed):
            services.consensus_record(round_=round_, element=element(matrix, "Shared goals"),
                                      level=level(matrix, "Basic"), rationale="r",
                                      acting_user=user)
    assert not Consensus.objects.exists()


def test_a_round_closes_only_with_every_consensus_then_refuses_ratings(
    make_round, matrix, chair, officer
):
    round_ = make_round(target="Basic")
    elements = list(matrix.dimensions.values_list("elements", flat=True))
    assert len(elements) == 10
    with pytest.raises(IllegalMove, match="10 of 10 still have none"):
        services.round_close(round_=round_, acting_user=chair)
    from ..models import Element

    for el in Element.objects.filter(pk__in=elements):
        services.consensus_record(round_=round_, element=el, level=level(matrix, "Basic"),
                                  rationale="r", acting_user=chair)
    closed = services.round_close(round_=round_, acting_user=chair)
    assert closed.status == RoundStatus.CLOSED
    with pytest.raises(IllegalMove, match="closed"):
        services.rating_record(round_=round_, element=element(matrix, "Shared goals"),
                               level=level(matrix, "Basic"), evidence="late",
                               acting_user=officer)
    assert not Rating.objects.exists()


def test_action_items_need_a_target_for_their_indicator(world):
    from earlyhelp.insights.models import IndicatorDefinition

    indicator = IndicatorDefinition.objects.exclude(direction="neutral").first()
    values = dict(outcome="More families assessed", measure="Assessments", target="90%",
                  due_on=dates.today(), owner=world.manager, actions="", element=None)
    with pytest.raises(ValidationError) as caught:
        services.action_item_create(acting_user=world.manager, indicator=indicator,
                                    indicator_target=None, **values)
    assert "indicator_target" in caught.value.message_dict
    with pytest.raises(NotAllowed):
        services.action_item_create(acting_user=world.worker, indicator=None,
                                    indicator_target=None, **values)
    assert not ActionItem.objects.exists()
    item = services.action_item_create(acting_user=world.analyst, indicator=None,
                                       indicator_target=None, **values)
    done = services.action_item_complete(item=item, acting_user=world.manager,
                                         expected_version=item.version)
    assert done.status == "done" and done.completed_on == dates.today()
    with pytest.raises(IllegalMove):
        services.action_item_complete(item=done, acting_user=world.manager)
