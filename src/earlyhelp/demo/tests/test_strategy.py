import pytest

from earlyhelp.core.models import AuditEvent
from earlyhelp.demo.strategy import load_demo_strategy
from earlyhelp.strategy.models import ActionItem, Round, RoundStatus

pytestmark = pytest.mark.django_db


def test_the_demo_strategy_loads_once_through_the_services(world):
    made = load_demo_strategy(seed=4)
    assert made["rounds"] == 2
    # Two organisations (the council and the school) rate 10 elements last year, 6 this year.
    assert made["ratings"] == 2 * (10 + 6)
    assert [r.status for r in Round.objects.order_by("opens_on")] == [
        RoundStatus.CLOSED, RoundStatus.OPEN]
    assert ActionItem.objects.count() == made["items"] >= 1
    assert AuditEvent.objects.filter(object_type="strategy.completion").count() == made[
        "completions"]
    assert load_demo_strategy(seed=4)["rounds"] == 0
