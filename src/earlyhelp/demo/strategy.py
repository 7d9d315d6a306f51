"""The demo borough's strategy layer: last year's maturity matrix round (closed), this year's
(open, partly rated), the action plan that follows, courses and their completions.

Call `load_demo_strategy()` after the borough's users exist. Does nothing if a round already
exists. Made through the strategy's own services, so everything is audited like real use."""

import datetime as dt
import random

from django.db import transaction

from earlyhelp.core import dates
from earlyhelp.core.models import Organisation, Role, User
from earlyhelp.insights.models import IndicatorDefinition
from earlyhelp.strategy import services
from earlyhelp.strategy.models import (
    CompletionSource,
    Contact,
    Course,
    Element,
    Framework,
    RoleClass,
    Round,
)

COURSES = [
    ("eha", "Early help assessment", 36, [Contact.HIGH], False),
    ("lead", "Lead practitioner", 36, [], True),
    ("safeguarding-1", "Safeguarding level 1", 36, [Contact.HIGH, Contact.LOW], False),
    ("safeguarding-2", "Safeguarding level 2", 36, [Contact.HIGH], False),
    ("signs-of-safety", "Signs of Safety practice model", None, [Contact.HIGH], False),
]


@transaction.atomic
def load_demo_strategy(*, today: dt.date | None = None, seed: int = 1) -> dict:
    if Round.objects.exists():
        return {"rounds": 0, "ratings": 0, "items": 0, "completions": 0}
    today = today or dates.today()
    rng = random.Random(seed)
    manager = User.objects.filter(username="manager").first() or User.objects.filter(
        role=Role.MANAGER, is_active=True).order_by("username").first()
    partner = User.objects.filter(username="partner").first()
    if manager is None:
        return {"rounds": 0, "ratings": 0, "items": 0, "completions": 0}
    matrix = Framework.objects.get(name="Early intervention maturity matrix")
    target = matrix.levels.get(name="Established")
    orgs = [manager.organisation] + ([partner.organisation] if partner else [])
    orgs += list(Organisation.objects.exclude(pk__in=[o.pk for o in orgs if o]).filter(
        users__role=Role.PARTNER).distinct().order_by("name")[:2])
    orgs = [o for o in orgs if o is not None]
    elements = list(Element.objects.filter(dimension__framework=matrix))
    levels = list(matrix.levels.all())
    raters = {o.pk: User.objects.filter(organisation=o, is_active=True).order_by(
        "username").first() for o in orgs}
    ratings = items = 0
    for name, opens, close in (("Partnership self-assessment (last year)", 400, True),
                               ("Partnership self-assessment", 20, False)):
        round_ = services.round_create(
            framework=matrix, name=name, chair=manager, target_level=target,
            opens_on=today - dt.timedelta(days=opens),
            closes_on=today - dt.timedelta(days=opens) + dt.timedelta(days=60),
            organisations=orgs, acting_user=manager)
        base = 1 if close else 2  # the partnership has moved on a level since last year
        for org in orgs:
            rater = raters[org.pk]
            for element in elements if close else elements[:6]:
                level = levels[max(1, min(base + rng.choice([-1, 0, 0, 1]), len(levels))) - 1]
                services.rating_record(round_=round_, element=element, level=level,
                                       evidence="Seen in the partnership's case audit and "
                                                "partner survey", acting_user=rater)
                ratings += 1
        for element in elements if close else elements[:4]:
            level = levels[base - 1 + rng.choice([0, 0, 1])]
            _, item = services.consensus_record(round_=round_, element=element, level=level,
                                                rationale="Agreed at the board workshop",
                                                acting_user=manager)
            items += item is not None
        if close:
            services.round_close(round_=round_, acting_user=manager)
    indicator = IndicatorDefinition.objects.filter(direction="higher").order_by("order").first()
    if indicator is not None:
        services.action_item_create(
            acting_user=manager, outcome="Assessments finished within the timescale",
            measure=indicator.name, target="85% each quarter",
            due_on=today + dt.timedelta(days=120), owner=manager,
            actions="Weekly tracker in team meetings; managers sign off within 5 days",
            element=None, indicator=indicator, indicator_target=85)
        items += 1
    completions = _workforce(today, rng, manager)
    return {"rounds": 2, "ratings": ratings, "items": items, "completions": completions}


def _workforce(today, rng, acting_user) -> int:
    courses = [Course.objects.create(code=code, name=name, validity_months=months,
                                     required_for=required, required_for_lead=lead)
               for code, name, months, required, lead in COURSES]
    titles = set(User.objects.exclude(job_title="").values_list("job_title", flat=True))
    for title in sorted(titles):
        low = title.lower()
        contact = (Contact.NONE if "administrator" in low or "analyst" in low
                   else Contact.LOW if "reception" in low or "officer" in low else Contact.HIGH)
        RoleClass.objects.create(job_title=title, contact=contact)
    made = 0
    staff = User.objects.filter(is_active=True).exclude(job_title="").order_by("username")
    for user in staff:
        for course in courses:
            if rng.random() < 0.7:  # most have done it; some lapsed (up to four years ago)
                services.completion_record(
                    user=user, course=course, source=CompletionSource.IMPORT,
                    completed_on=today - dt.timedelta(days=rng.randint(10, 1400)),
                    acting_user=acting_user)
                made += 1
    return made
