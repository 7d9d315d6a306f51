"""The demo borough's strategy layer: last year's maturity matrix round (closed), this year's
(open, partly rated), the action plan that follows, courses and their completions, and case
audits of the three latest months with work (the earlier graded, one grade moderated, the
latest partly graded).

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
        return {"rounds": 0, "ratings": 0, "items": 0, "completions": 0, "audits": 0,
                "graded": 0}
    today = today or dates.today()
    rng = random.Random(seed)
    manager = User.objects.filter(username="manager").first() or User.objects.filter(
        role=Role.MANAGER, is_active=True).order_by("username").first()
    partner = User.objects.filter(username="partner").first()
    if manager is None:
        return {"rounds": 0, "ratings": 0, "items": 0, "completions": 0, "audits": 0,
                "graded": 0}
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
    audited = _audits(today, rng, manager, seed)
    return {"rounds": 2, "ratings": ratings, "items": items, "completions": completions,
            **audited}


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


# Grades an auditor gives in the demo: mostly good, some requiring improvement.
GRADES = ["outstanding", "good", "good", "good", "requires_improvement", "requires_improvement",
          "inadequate"]


def _audits(today, rng, manager, seed) -> dict:
    """Case audits of the three latest months with work: auditors from several teams (the demo
    worker among them, so their login has audits to grade and findings to acknowledge)."""
    from earlyhelp.strategy.models import AuditTool, CaseAudit
    from earlyhelp.strategy.selectors import month_population, questions_for

    tool = AuditTool.objects.filter(is_active=True).order_by("name").first()
    worker = User.objects.filter(username="worker", is_active=True).first()
    # The demo worker and one worker from each of three other teams.
    seen_teams, auditors = set(), [worker] if worker else []
    for user in User.objects.filter(role=Role.WORKER, is_active=True, team__isnull=False) \
            .exclude(pk=getattr(worker, "pk", None)).order_by("username"):
        if user.team_id not in seen_teams and len(seen_teams) < 3:
            seen_teams.add(user.team_id)
            auditors.append(user)
    analyst = User.objects.filter(role=Role.ANALYST, is_active=True).order_by("username").first()
    first = today.replace(day=1)
    made = graded = 0
    # The three latest months with work to sample (of the last six), oldest first: all but the
    # latest fully graded.
    months = [m for m in (dates.months_before(first, back) for back in range(1, 7))
              if month_population(m)][:3][::-1]
    for month in months:
        back = 1 if month == months[-1] else 2
        share = 0.6 if back == 1 else 1.0
        if tool is None or not auditors:
            continue
        programme = services.audit_programme_draw(
            name=f"Case audit {month:%B %Y}", month=month, tool=tool, per_team=4,
            auditors=auditors, seed=seed * 1000 + month.month, acting_user=manager)
        audits = list(CaseAudit.objects.filter(programme=programme).select_related(
            "programme__tool", "episode__team", "worker").order_by("created_at"))
        made += len(audits)
        # In the latest month, some audits wait for their auditor – the demo worker's first
        # among them, so their login has one to grade.
        waiting_for_worker = False
        for audit in audits:
            if back == 1 and audit.auditor == worker and not waiting_for_worker:
                waiting_for_worker = True
                continue
            if back == 1 and rng.random() >= share:
                continue
            overall = rng.choice(GRADES)
            answers = {}
            for question in questions_for(audit):
                grade = rng.choice(GRADES)
                answers[question.pk] = (grade, "" if grade in ("outstanding", "good") else
                                        "Say more about what the family told you and why it "
                                        "matters for the plan.")
            services.audit_grade(audit=audit, answers=answers, grade=overall,
                                 summary="Clear work with the family; see the comments for "
                                         "what would make it better.", acting_user=audit.auditor)
            graded += 1
            if audit.worker_id and audit.worker.is_active and rng.random() < 0.5:
                services.audit_acknowledge(audit=audit, comment="Discussed in supervision",
                                           acting_user=audit.worker)
        if analyst is not None and month == months[0] and audits:
            audit = CaseAudit.objects.get(pk=audits[0].pk)  # every audit of that month graded
            new = "good" if audit.grade != "good" else "requires_improvement"
            services.audit_moderate(audit=audit, new_grade=new,
                                    reason="Moderation panel: the evidence on file supports a "
                                           "different grade", acting_user=analyst)
    return {"audits": made, "graded": graded}
