"""Quality audits: the stratified draw and its seed, who may audit, grading, acknowledging,
moderating, the figures (by hand) and the pages' scoping."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from earlyhelp.access.policy import NotAllowed
from earlyhelp.assessments.tests.factories import AssessmentFactory
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import AuditEvent, Role
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.plans.tests.factories import PlanFactory

from .. import rules, selectors, services
from ..models import AuditModeration, AuditStatus, AuditTool, CaseAudit

pytestmark = pytest.mark.django_db

MONTH = dates.months_before(dates.today().replace(day=1), 1)


def client_for(user):
    return verified_login(Client(), user)


@pytest.fixture
def tool(db):
    return AuditTool.objects.get(name="Early help case audit")


@pytest.fixture
def month_work(world):
    """In the month: the 5-18 team (led by world.worker) has 3 completed assessments and
    2 plans started; the Elsewhere team (led by other_worker) 2 completed assessments. Outside
    it: one assessment completed the month before and one still in progress."""
    day = MONTH + dt.timedelta(days=9)
    started = MONTH - dt.timedelta(days=20)

    def episode(team, lead):
        return EpisodeFactory(team=team, family=world.family, lead_practitioner=lead,
                              start_date=started - dt.timedelta(days=5))

    mine = [AssessmentFactory(episode=episode(world.team, world.worker), started_on=started,
                              status="completed", completed_on=day, children=[])
            for _ in range(3)]
    mine += [PlanFactory(episode=episode(world.team, world.worker), started_on=day)
             for _ in range(2)]
    theirs = [AssessmentFactory(episode=episode(world.other_team, world.other_worker),
                                started_on=started, status="completed", completed_on=day,
                                children=[]) for _ in range(2)]
    AssessmentFactory(episode=episode(world.team, world.worker), started_on=started,
                      status="completed", completed_on=MONTH - dt.timedelta(days=1),
                      children=[])
    AssessmentFactory(episode=episode(world.team, world.worker), started_on=started,
                      children=[])
    return {"mine": mine, "theirs": theirs}


@pytest.fixture
def peer(world):
    """A worker of a third team: may audit everyone's cases."""
    return UserFactory(username="peer", first_name="Pia", last_name="Peer", role=Role.WORKER)


def draw(world, tool, auditors, per_team=2, seed=None, name="Case audit"):
    return services.audit_programme_draw(name=name, month=MONTH, tool=tool, per_team=per_team,
                                         auditors=auditors, seed=seed, acting_user=world.manager)


# The draw


def test_stratified_sample_takes_up_to_the_size_from_each_team_and_repeats_with_its_seed():
    strata = {"a": [f"k{i}" for i in range(5)], "b": ["x", "y"]}
    first = rules.stratified_sample(strata, per_team=3, seed=99)
    assert len(first["a"]) == 3 and set(first["a"]) <= set(strata["a"])
    assert first["b"] == ["x", "y"]  # a team with fewer than the size gives all it has
    # The same seed, the records in another order: the same draw.
    again = rules.stratified_sample({"b": ["y", "x"], "a": list(reversed(strata["a"]))},
                                    per_team=3, seed=99)
    assert again == first
    # Another seed draws differently for some seed (the draw depends on it).
    others = {tuple(rules.stratified_sample(strata, per_team=3, seed=s)["a"]) for s in range(20)}
    assert len(others) > 1
    # One team's records do not change another team's draw.
    assert rules.stratified_sample({"a": strata["a"]}, per_team=3, seed=99)["a"] == first["a"]


def test_the_draw_is_stratified_by_team_and_records_its_seed(world, tool, month_work, peer):
    programme = draw(world, tool, [peer], per_team=2, seed=4242)
    assert programme.seed == 4242
    assert programme.month == MONTH
    strata = {s["team"]: (s["population"], s["drawn"]) for s in programme.strata}
    assert strata == {"5-18 team": (5, 2), "Elsewhere team": (2, 2)}
    audits = list(programme.audits.all())
    assert len(audits) == 4
    assert sorted(a.team.name for a in audits) == ["5-18 team", "5-18 team", "Elsewhere team",
                                                   "Elsewhere team"]
    in_month = {f"assessment:{a.pk}" for a in month_work["mine"][:3]} | {
        f"plan:{p.pk}" for p in month_work["mine"][3:]} | {
        f"assessment:{a.pk}" for a in month_work["theirs"]}
    drawn = {f"{a.kind}:{a.assessment_id or a.plan_id}" for a in audits}
    assert drawn <= in_month  # nothing from outside the month, nothing in progress
    assert {a.worker for a in audits if a.team == world.team} == {world.worker}
    assert selectors.redraw_matches(programme)
    assert AuditEvent.objects.filter(object_type="strategy.caseaudit", action="create").count() \
        == 4


def test_the_same_seed_draws_the_same_sample_again(world, tool, month_work, peer):
    programme = draw(world, tool, [peer], per_team=2, seed=7)
    first = {(a.kind, a.assessment_id or a.plan_id) for a in programme.audits.all()}
    other_tool = AuditTool.objects.create(name="A second tool")
    other_tool.questions.create(order=1, text="Anything")
    again = draw(world, other_tool, [peer], per_team=2, seed=7, name="Again")
    assert {(a.kind, a.assessment_id or a.plan_id) for a in again.audits.all()} == first


def test_a_blank_seed_is_chosen_and_recorded(world, tool, month_work, peer):
    programme = draw(world, tool, [peer])
    assert programme.seed is not None and 0 <= programme.seed < 2**31
    assert selectors.redraw_matches(programme)


def test_the_case_worker_never_audits_their_own_case(
        world, tool, month_work):
    # world.worker leads the 5-18 team's cases; other_worker leads Elsewhere's.
    with pytest.raises(ValidationError) as refused:
        draw(world, tool, [world.worker], name="Only the worker", seed=1)
    assert "None of the auditors may audit case" in refused.value.message_dict["auditors"][0]
    assert not CaseAudit.objects.exists()
    programme = draw(world, tool, [world.worker, world.other_worker])
    for audit in programme.audits.select_related("team"):
        expected = world.other_worker if audit.team == world.team else world.worker
        assert audit.auditor == expected


def test_a_manager_never_audits_a_case_of_their_team(world, tool, month_work):
    other_manager = UserFactory(username="om", role=Role.MANAGER, team=world.other_team)
    with pytest.raises(ValidationError) as refused:
        draw(world, tool, [world.manager], name="Only the manager", seed=1)
    assert "it is their own or their team's" in refused.value.message_dict["auditors"][0]
    programme = draw(world, tool, [world.manager, other_manager])
    for audit in programme.audits.select_related("team"):
        expected = other_manager if audit.team == world.team else world.manager
        assert audit.auditor == expected


def test_assign_auditors_balances_and_refuses_an_item_nobody_may_take():
    items = [("a", set()), ("b", set()), ("c", {"x"}), ("d", set())]
    assert rules.assign_auditors(items, ["x", "y"]) == {"a": "x", "b": "y", "c": "y", "d": "x"}
    with pytest.raises(ValueError):
        rules.assign_auditors([("a", {"x"})], ["x"])


def test_the_draw_refuses_bad_input(world, tool, month_work, peer):
    with pytest.raises(ValidationError) as refused:
        services.audit_programme_draw(name="", month=dates.months_after(MONTH, 2), tool=tool,
                                      per_team=0, auditors=[], acting_user=world.manager)
    assert set(refused.value.message_dict) == {"name", "month", "per_team", "auditors"}
    with pytest.raises(ValidationError) as empty:
        services.audit_programme_draw(name="x", month=dates.months_before(MONTH, 6), tool=tool,
                                      per_team=2, auditors=[peer], acting_user=world.manager)
    assert "nothing to sample" in empty.value.message_dict["month"][0]
    with pytest.raises(NotAllowed):
        services.audit_programme_draw(name="x", month=MONTH, tool=tool, per_team=2,
                                      auditors=[peer], acting_user=world.worker)
    assert not CaseAudit.objects.exists()


# Grading, acknowledging, moderating


@pytest.fixture
def programme(world, tool, month_work, peer):
    """Everything in the month drawn (5 per team), all audits with the peer."""
    return draw(world, tool, [peer], per_team=5, seed=11)


def answers_for(audit, grade="good", comment=""):
    return {q.pk: (grade, comment) for q in selectors.questions_for(audit)}


def grade(audit, user, overall="good", each="good", summary="", comment=""):
    return services.audit_grade(audit=audit, answers=answers_for(audit, each, comment),
                                grade=overall, summary=summary, acting_user=user)


def test_the_tool_asks_each_kind_its_own_questions(programme):
    assessment = programme.audits.filter(kind="assessment").first()
    plan = programme.audits.filter(kind="plan").first()
    assert [q.text for q in selectors.questions_for(assessment)] == [
        "The child's voice is heard", "Needs are evidenced", "The whole family is considered",
        "Management oversight is recorded"]
    assert [q.text for q in selectors.questions_for(plan)] == [
        "The child's voice is heard", "The whole family is considered", "The plan is SMART",
        "Reviews are on time", "Management oversight is recorded"]


def test_the_auditor_grades_every_question_once(programme, peer, world):
    audit = programme.audits.filter(kind="plan").first()
    with pytest.raises(ValidationError) as missing:
        services.audit_grade(audit=audit, answers={}, grade="", summary="", acting_user=peer)
    assert len(missing.value.message_dict) == 6  # five questions and the overall grade
    with pytest.raises(ValidationError) as no_comment:
        grade(audit, peer, each="inadequate", overall="inadequate")
    assert "say what would make it good" in str(no_comment.value)
    assert not audit.answers.exists()
    grade(audit, peer, each="requires_improvement", overall="requires_improvement",
          comment="Outcomes are not measurable", summary="Make the plan SMART")
    audit.refresh_from_db()
    assert audit.status == AuditStatus.GRADED and audit.graded_on == dates.today()
    assert audit.answers.count() == 5
    with pytest.raises(IllegalMove):
        grade(audit, peer)


def test_only_the_auditor_grades_and_never_once_they_lead_the_case(programme, peer, world):
    audit = programme.audits.first()
    with pytest.raises(NotAllowed):
        grade(audit, world.other_worker)
    # The auditor has since become the case's lead practitioner: refused.
    audit.episode.lead_practitioner = peer
    audit.episode.save()
    with pytest.raises(NotAllowed) as refused:
        grade(audit, peer)
    assert "lead practitioner" in str(refused.value)
    assert not selectors.audits_to_grade(user=peer).filter(pk=audit.pk).exists()


def test_the_worker_and_the_manager_acknowledge_and_a_stranger_is_refused(programme, peer,
                                                                       world):
    audit = programme.audits.filter(team=world.team).first()
    with pytest.raises(IllegalMove):
        services.audit_acknowledge(audit=audit, acting_user=world.worker)  # not graded yet
    grade(audit, peer)
    with pytest.raises(NotAllowed):
        services.audit_acknowledge(audit=audit, acting_user=world.other_worker)
    with pytest.raises(NotAllowed):
        services.audit_acknowledge(audit=audit, acting_user=peer)
    mine = services.audit_acknowledge(audit=audit, comment="Will do", acting_user=world.worker)
    theirs = services.audit_acknowledge(audit=audit, acting_user=world.manager)
    assert (mine.as_role, theirs.as_role) == ("worker", "manager")
    with pytest.raises(IllegalMove):
        services.audit_acknowledge(audit=audit, acting_user=world.worker)
    assert selectors.findings_to_acknowledge(user=world.worker) == [
        a for a in selectors.findings_to_acknowledge(user=world.worker) if a.pk != audit.pk]


def test_moderation_changes_a_grade_with_a_reason_and_keeps_the_old(programme, peer, world):
    audit = programme.audits.filter(kind="assessment").first()
    grade(audit, peer, overall="good")
    question = selectors.questions_for(audit)[0]
    with pytest.raises(NotAllowed):  # the auditor does not moderate their own audit
        services.audit_moderate(audit=audit, new_grade="inadequate", reason="x",
                                acting_user=peer)
    with pytest.raises(NotAllowed):  # nor the case's own manager
        services.audit_moderate(audit=audit, new_grade="inadequate", reason="x",
                                acting_user=world.manager)
    with pytest.raises(ValidationError) as no_reason:
        services.audit_moderate(audit=audit, new_grade="inadequate", reason=" ",
                                acting_user=world.analyst)
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError):
        services.audit_moderate(audit=audit, new_grade="good", reason="same",
                                acting_user=world.analyst)
    services.audit_moderate(audit=audit, question=question, new_grade="requires_improvement",
                            reason="The child's words are not recorded", acting_user=world.analyst)
    services.audit_moderate(audit=audit, new_grade="outstanding", reason="Exceptional analysis",
                            acting_user=world.analyst)
    audit.refresh_from_db()
    assert audit.grade == "outstanding"
    assert audit.answers.get(question=question).grade == "requires_improvement"
    history = [(m.question_id, m.old_grade, m.new_grade) for m in
               AuditModeration.objects.filter(audit=audit)]
    assert history == [(question.pk, "good", "requires_improvement"),
                       (None, "good", "outstanding")]
    changes = AuditEvent.objects.filter(object_id=str(audit.pk), action="change")
    assert [e.changes for e in changes][-1] == {"grade": ["good", "outstanding"]}


# The figures, by hand


def test_themes_and_share_good_or_better_by_team(programme, peer, world):
    """5-18 team: 5 audits graded outstanding, good, good, inadequate, requires improvement –
    3 of 5 good or better = 60.0%. Elsewhere: good, inadequate – 1 of 2 = 50.0%. All: 4 of 7
    = 57.1%. The child's voice: good on the 5-18 team's 5, inadequate on Elsewhere's 2, then
    two of the good moderated to inadequate: 3 of 7 = 42.9%."""
    ours = list(programme.audits.filter(team=world.team).order_by("kind", "created_at"))
    theirs = list(programme.audits.filter(team=world.other_team))
    voice = selectors.questions_for(ours[0])[0]
    overall = ["outstanding", "good", "good", "inadequate", "requires_improvement"]
    for audit, given in zip(ours, overall, strict=True):
        answers = answers_for(audit, "requires_improvement", "See the summary")
        answers[voice.pk] = ("good", "")
        services.audit_grade(audit=audit, answers=answers, grade=given, summary="Summary",
                             acting_user=peer)
    for audit, given in zip(theirs, ["good", "inadequate"], strict=True):
        answers = answers_for(audit, "outstanding")
        answers[voice.pk] = ("inadequate", "Not heard")
        services.audit_grade(audit=audit, answers=answers, grade=given, summary="Summary",
                             acting_user=peer)
    # Moderation moves two of the 5-18 team's voice grades down: 3 good of 5, 2 inadequate.
    for audit in ours[:2]:
        services.audit_moderate(audit=audit, question=voice, new_grade="inadequate",
                                reason="Not heard", acting_user=world.analyst)
    figures = selectors.audit_figures(user=world.analyst)
    by_team = {r.label: (r.share.good, r.share.total, r.share.percent) for r in figures["teams"]}
    assert by_team == {"5-18 team": (3, 5, 60.0), "Elsewhere team": (1, 2, 50.0)}
    assert (figures["overall"].good, figures["overall"].total, figures["overall"].percent) == (
        4, 7, 57.1)
    themes = {r.label: (r.share.good, r.share.total, r.share.percent) for r in figures["themes"]}
    assert themes["The child's voice is heard"] == (3, 7, 42.9)
    assert themes["Needs are evidenced"] == (2, 5, 40.0)  # 3 of ours (RI), 2 of theirs (outst.)
    assert themes["The plan is SMART"] == (0, 2, 0.0)
    assert selectors.audit_figures(user=world.worker) is None


def test_share_good_or_better_three_of_four_is_75_percent():
    share = rules.share_good_or_better(["good", "outstanding", "inadequate", "good"])
    assert (share.good, share.total, share.percent) == (3, 4, 75.0)
    assert rules.share_good_or_better([]).percent is None


# Scoping and pages


def test_an_auditor_sees_only_the_cases_sampled_for_them(world, tool, month_work, peer):
    second = UserFactory(username="second", role=Role.WORKER)
    programme = draw(world, tool, [peer, second], per_team=5)
    mine = programme.audits.filter(auditor=peer, team=world.team).first()
    theirs = programme.audits.filter(auditor=second).first()
    assert set(selectors.audits_visible(user=peer)) == set(programme.audits.filter(auditor=peer))
    client = client_for(peer)
    assert client.get(reverse("strategy:audit", args=[mine.pk])).status_code == 200
    assert client.get(reverse("strategy:audit", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("strategy:audit_grade", args=[theirs.pk])).status_code == 404
    # Not graded yet: the worker and the manager do not see it either.
    assert client_for(world.worker).get(
        reverse("strategy:audit", args=[mine.pk])).status_code == 404
    grade(mine, peer)
    assert client_for(world.worker).get(
        reverse("strategy:audit", args=[mine.pk])).status_code == 200
    assert client_for(world.other_worker).get(
        reverse("strategy:audit", args=[mine.pk])).status_code == 404
    assert AuditEvent.objects.filter(object_id=str(mine.pk), action="view", user=peer).exists()


def test_the_audit_pages_walk_and_answer_errors_with_a_summary(world, tool, month_work, peer):
    manager = client_for(world.manager)
    bad = manager.post(reverse("strategy:programme_new"), {
        "name": "", "month": "1999-01-01", "per_team": "many", "seed": "", "auditors": []})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "govuk-error-summary" in body and "Select at least one auditor" in body
    assert "The sample per team must be a whole number, like 4" in body
    drawn = manager.post(reverse("strategy:programme_new"), {
        "name": "Case audit", "month": MONTH.isoformat(), "tool": str(tool.pk),
        "per_team": "1", "seed": "5", "auditors": [str(peer.pk)]})
    assert drawn.status_code == 302
    programme = tool.programmes.get()
    assert programme.seed == 5 and programme.audits.count() == 2
    page = manager.get(drawn.url).content.decode()
    assert "Random seed <strong>5</strong>" in page and "gives this same sample" in page

    audit = programme.audits.filter(team=world.team).get()
    auditor = client_for(peer)
    questions = selectors.questions_for(audit)
    form = {f"grade_{q.pk}": "good" for q in questions} | {"grade": "inadequate",
                                                            "summary": ""}
    refused = auditor.post(reverse("strategy:audit_grade", args=[audit.pk]), form)
    assert refused.status_code == 400
    assert "Enter a summary: say what would make the work good" in refused.content.decode()
    form["summary"] = "Needs are not evidenced"
    assert auditor.post(reverse("strategy:audit_grade", args=[audit.pk]),
                        form).status_code == 302

    # A stranger cannot acknowledge (they cannot even see it: 404); the worker can.
    stranger = client_for(world.other_worker)
    assert stranger.post(reverse("strategy:audit_acknowledge", args=[audit.pk]),
                         {"comment": ""}).status_code == 404
    # The peer sees it (their audit) but may not acknowledge: 403.
    assert auditor.post(reverse("strategy:audit_acknowledge", args=[audit.pk]),
                        {"comment": ""}).status_code == 403
    worker = client_for(world.worker)
    assert worker.post(reverse("strategy:audit_acknowledge", args=[audit.pk]),
                       {"comment": "Agreed"}).status_code == 302
    assert "Agreed" in worker.get(reverse("strategy:audit", args=[audit.pk])).content.decode()

    analyst = client_for(world.analyst)
    missing = analyst.post(reverse("strategy:audit_moderate", args=[audit.pk]),
                           {"target": "overall", "new_grade": "good", "reason": ""})
    assert missing.status_code == 400
    assert "Enter the reason for changing the grade" in missing.content.decode()
    assert analyst.post(reverse("strategy:audit_moderate", args=[audit.pk]), {
        "target": "overall", "new_grade": "requires_improvement",
        "reason": "Some evidence is there"}).status_code == 302
    body = analyst.get(reverse("strategy:audit", args=[audit.pk])).content.decode()
    assert "Inadequate changed to Requires improvement" in body
    assert manager.get(reverse("strategy:audit_moderate", args=[audit.pk])).status_code == 403


def test_reassigning_offers_and_accepts_only_those_who_may_audit(world, tool, month_work, peer):
    programme = draw(world, tool, [peer], per_team=1)
    audit = programme.audits.get(team=world.team)
    choices = set(selectors.eligible_auditors(audit))
    assert world.worker not in choices and world.manager not in choices
    assert world.other_worker in choices and peer in choices
    with pytest.raises(ValidationError) as refused:
        services.audit_reassign(audit=audit, auditor=world.worker, acting_user=world.manager)
    assert "lead practitioner" in refused.value.message_dict["auditor"][0]
    response = client_for(world.manager).post(
        reverse("strategy:audit_reassign", args=[audit.pk]), {"auditor": str(world.manager.pk)})
    assert response.status_code == 400
    services.audit_reassign(audit=audit, auditor=world.other_worker, acting_user=world.manager)
    audit.refresh_from_db()
    assert audit.auditor == world.other_worker
