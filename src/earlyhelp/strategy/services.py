"""Every write of the strategy layer: rounds, ratings, consensus and the action plan.

Keyword-only, atomic, the policy checked first, an audit row with each change (core.services).
"""

import csv
import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.db import transaction

from earlyhelp.access import policy
from earlyhelp.access.policy import Action
from earlyhelp.core import audit, dates
from earlyhelp.core import services as base
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.workflow import NEW
from earlyhelp.core.models import User

from . import rules
from .models import (
    ActionItem,
    Completion,
    CompletionSource,
    Consensus,
    Course,
    Element,
    ItemStatus,
    Rating,
    Round,
    RoundPartner,
    RoundStatus,
)
from .journey import ACTION_ITEM, CASE_AUDIT, ROUND
from .selectors import AUDITOR_ROLES, month_population

# An item the rounds create is due a year after the consensus: the next round checks it.
ITEM_MONTHS = 12


def _same_framework(round_, *, element=None, level=None) -> None:
    errors = {}
    if element is not None and element.dimension.framework_id != round_.framework_id:
        errors["element"] = "Choose an element of this round's framework"
    if level is not None and level.framework_id != round_.framework_id:
        errors["level"] = "Choose a level of this round's framework"
    if errors:
        raise ValidationError(errors)


def _open(round_, move: str) -> Round:
    """The round locked, refused unless its journey allows `move` (rate, agree)."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    ROUND.require(move, round_)
    return round_


@transaction.atomic
def round_create(
    *,
    framework,
    name: str,
    chair,
    target_level,
    opens_on: dt.date,
    closes_on: dt.date,
    organisations,
    acting_user,
) -> Round:
    policy.require(acting_user, Action.RUN_STRATEGY)
    errors = {}
    if target_level.framework_id != framework.pk:
        errors["target_level"] = "Choose a level of the framework being rated"
    if not organisations:
        errors["organisations"] = "Select at least one partner organisation to invite"
    if not chair.is_active:
        errors["chair"] = "The chair's account is disabled: choose someone else"
    if closes_on < opens_on:
        errors["closes_on"] = "The closing date must be on or after the opening date"
    if errors:
        raise ValidationError(errors)
    round_ = base.create(
        Round(
            framework=framework,
            name=name,
            chair=chair,
            target_level=target_level,
            opens_on=opens_on,
            closes_on=closes_on,
        ),
        acting_user=acting_user,
    )
    for organisation in organisations:
        base.create(RoundPartner(round=round_, organisation=organisation), acting_user=acting_user)
    return round_


@transaction.atomic
def rating_record(
    *,
    round_,
    element,
    level,
    evidence: str,
    comments: str = "",
    acting_user,
    expected_version: int | None = None,
) -> Rating:
    """The acting user's organisation rates one element (a second save changes its rating)."""
    policy.require(acting_user, Action.RATE_FOR_PARTNER, round_)
    round_ = _open(round_, "rate")
    _same_framework(round_, element=element, level=level)
    if not (evidence or "").strip():
        raise ValidationError({"evidence": "Enter the evidence for your rating"})
    rating = (
        Rating.objects.select_for_update()
        .filter(round=round_, organisation_id=acting_user.organisation_id, element=element)
        .first()
    )
    if rating is None:
        rating = Rating(
            round=round_,
            organisation_id=acting_user.organisation_id,
            element=element,
            level=level,
            evidence=evidence,
            comments=comments,
        )
        return base.create(rating, acting_user=acting_user)
    base.check_version(rating, expected_version, "rating")
    before = audit.snapshot(rating, ["level_id", "evidence", "comments"])
    rating.level, rating.evidence, rating.comments = level, evidence, comments
    return base.update(rating, acting_user=acting_user, before=before)


@transaction.atomic
def consensus_record(
    *, round_, element, level, rationale: str, acting_user
) -> tuple[Consensus, ActionItem | None]:
    """The chair's rating for an element. Below the round's target, the element goes on the
    action plan (once per round and element); the item is returned when one was created."""
    policy.require(acting_user, Action.CHAIR_ROUND, round_)
    round_ = _open(round_, "agree")
    _same_framework(round_, element=element, level=level)
    if not (rationale or "").strip():
        raise ValidationError({"rationale": "Enter why the partnership settled on this level"})
    consensus = Consensus.objects.select_for_update().filter(round=round_, element=element).first()
    if consensus is None:
        consensus = base.create(
            Consensus(round=round_, element=element, level=level, rationale=rationale),
            acting_user=acting_user,
        )
    else:
        before = audit.snapshot(consensus, ["level_id", "rationale"])
        consensus.level, consensus.rationale = level, rationale
        base.update(consensus, acting_user=acting_user, before=before)
    item = None
    target = round_.target_level
    if rules.below_target(level.rank, target.rank) and not ActionItem.objects.filter(
        round=round_, element=element
    ).exists():
        item = base.create(
            ActionItem(
                round=round_,
                element=element,
                outcome=f"{element.name}: from {level.name} to {target.name}",
                measure=f"The partnership's rating of “{element.name}” in the next round",
                target=f"{target.name} or better",
                due_on=dates.months_after(dates.today(), ITEM_MONTHS),
                owner=round_.chair,
                actions="",
            ),
            acting_user=acting_user,
            reason=f"Consensus below the target level in {round_.name}",
        )
    return consensus, item


@transaction.atomic
def round_close(*, round_, acting_user) -> Round:
    """Close a round once the chair has recorded a consensus for every element."""
    policy.require(acting_user, Action.CHAIR_ROUND, round_)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    closed = ROUND.require("close", round_)  # its guard: a consensus for every element
    before = audit.snapshot(round_, ["status"])
    round_.status = closed
    return base.update(round_, acting_user=acting_user, before=before)


ITEM_FIELDS = (
    "outcome", "measure", "target", "due_on", "owner", "actions", "element", "indicator",
    "indicator_target",
)


def _check_item(values: dict) -> None:
    if values.get("indicator") is not None and values.get("indicator_target") is None:
        raise ValidationError(
            {"indicator_target": "Enter the indicator's value that means this is achieved"}
        )
    if values.get("indicator") is None and values.get("indicator_target") is not None:
        raise ValidationError({"indicator": "Choose the indicator the target value is for"})


@transaction.atomic
def action_item_create(*, acting_user, **values) -> ActionItem:
    policy.require(acting_user, Action.RUN_STRATEGY)
    _check_item(values)
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown action plan fields: {sorted(unknown)}")
    return base.create(ActionItem(**values), acting_user=acting_user)


@transaction.atomic
def action_item_update(
    *, item, acting_user, expected_version: int | None = None, **values
) -> ActionItem:
    policy.require(acting_user, Action.RUN_STRATEGY)
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    base.check_version(item, expected_version, "action plan item")
    merged = {name: getattr(item, name) for name in ITEM_FIELDS} | values
    _check_item(merged)
    fields = [f"{name}_id" if name in ("owner", "element", "indicator") else name
              for name in ITEM_FIELDS]
    before = audit.snapshot(item, fields)
    for name, value in values.items():
        setattr(item, name, value)
    return base.update(item, acting_user=acting_user, before=before)


@transaction.atomic
def action_item_complete(*, item, acting_user, expected_version: int | None = None) -> ActionItem:
    policy.require(acting_user, Action.RUN_STRATEGY)
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    base.check_version(item, expected_version, "action plan item")
    done = ACTION_ITEM.require("complete", item)
    before = audit.snapshot(item, ["status", "completed_on"])
    item.status, item.completed_on = done, dates.today()
    return base.update(item, acting_user=acting_user, before=before)


# Workforce readiness: course completions, one at a time or imported all-or-nothing.


class ImportRefused(Exception):
    """A completions file with any bad row: nothing is imported; `report` says row by row."""

    def __init__(self, report: list[tuple[int, str]]):
        super().__init__(f"{len(report)} rows have problems")
        self.report = report


IMPORT_COLUMNS = ("username", "course", "completed_on")


def _parse_date(text: str) -> dt.date | None:
    text = (text or "").strip()
    for parse in (dt.date.fromisoformat, lambda t: dt.datetime.strptime(t, "%d/%m/%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    return None


@transaction.atomic
def completion_record(*, user, course, completed_on: dt.date, acting_user,
                      source: str = CompletionSource.PAGE) -> Completion:
    policy.require(acting_user, Action.RUN_STRATEGY)
    if completed_on > dates.today():
        raise ValidationError({"completed_on": "The date the course was completed must be today "
                                               "or in the past"})
    if Completion.objects.filter(user=user, course=course, completed_on=completed_on).exists():
        raise IllegalMove(f"{user.display_name}'s {course.name} on that date is already recorded.")
    return base.create(
        Completion(user=user, course=course, completed_on=completed_on, source=source),
        acting_user=acting_user,
    )


@transaction.atomic
def completions_import(*, text: str, acting_user) -> dict:
    """Import a training system's CSV (username, course, completed_on). Every row is checked
    first; one bad row and nothing is imported (ImportRefused with the row-by-row report).
    A row already recorded is skipped and counted, so the same file can be loaded twice."""
    policy.require(acting_user, Action.RUN_STRATEGY)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in IMPORT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRefused([(1, f"The header row needs the column(s): {', '.join(missing)}")])
    rows = list(reader)
    if not rows:
        raise ImportRefused([(1, "The file has a header row but no completions")])
    users = {u.username.lower(): u for u in User.objects.filter(
        username__in=[(r["username"] or "").strip() for r in rows], is_active=True)}
    courses = {c.code: c for c in Course.objects.all()}
    report, good, seen = [], [], set()
    today = dates.today()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        username = (row["username"] or "").strip()
        code = (row["course"] or "").strip()
        user = users.get(username.lower())
        course = courses.get(code)
        day = _parse_date(row["completed_on"])
        problems = []
        if user is None:
            problems.append(f"no active user with the username “{username}”")
        if course is None:
            problems.append(f"no course with the code “{code}”")
        if day is None:
            problems.append("the completion date must be a date like 2026-03-31 or 31/03/2026")
        elif day > today:
            problems.append("the completion date is in the future")
        key = (username.lower(), code, day)
        if key in seen:
            problems.append("the same completion appears earlier in the file")
        seen.add(key)
        if problems:
            report.append((number, "; ".join(problems).capitalize()))
        else:
            good.append((user, course, day))
    if report:
        raise ImportRefused(report)
    existing = set(Completion.objects.filter(
        user__in=[u for u, _, _ in good], course__in=[c for _, c, _ in good]
    ).values_list("user_id", "course_id", "completed_on"))
    imported = skipped = 0
    for user, course, day in good:
        if (user.pk, course.pk, day) in existing:
            skipped += 1
            continue
        base.create(Completion(user=user, course=course, completed_on=day,
                               source=CompletionSource.IMPORT),
                    acting_user=acting_user, reason="training system import")
        imported += 1
    return {"imported": imported, "already_recorded": skipped}


# Quality audits: draw a month's sample, grade, acknowledge, moderate.


def _conflict(auditor, episode, worker_id=None) -> str | None:
    return rules.auditor_conflict(
        auditor, lead_ids={episode.lead_practitioner_id, worker_id}, team_id=episode.team_id,
        team_service_id=episode.team.service_id)


@transaction.atomic
def audit_programme_draw(*, name: str, month: dt.date, tool, per_team: int, auditors,
                         acting_user, seed: int | None = None):
    """Draw the month's sample, `per_team` records from each team, and share it among the
    auditors so nobody audits their own case or their own team's. The seed is recorded: the
    same seed over the same month draws the same sample."""
    import secrets

    from .models import AuditProgramme, CaseAudit

    policy.require(acting_user, Action.DRAW_AUDIT_SAMPLE)
    month = month.replace(day=1)
    errors = {}
    if not name.strip():
        errors["name"] = "Enter a name for the programme"
    if month > dates.today():
        errors["month"] = "Choose this month or a month in the past"
    if not 1 <= per_team <= rules.PER_TEAM_MAX:
        errors["per_team"] = f"The sample per team must be between 1 and {rules.PER_TEAM_MAX}"
    auditors = list(auditors)
    if not auditors:
        errors["auditors"] = "Select at least one auditor"
    elif any(not a.is_active or a.role not in AUDITOR_ROLES for a in auditors):
        errors["auditors"] = "Auditors must be active early help workers or team managers"
    if not tool.is_active:
        errors["tool"] = "Choose an audit tool that is in use"
    if AuditProgramme.objects.filter(tool=tool, month=month).exists():
        errors["month"] = f"{month:%B %Y} already has a programme with {tool.name}"
    if errors:
        raise ValidationError(errors)
    seed = secrets.randbelow(2**31) if seed is None else seed
    population = month_population(month)
    if not population:
        raise ValidationError({"month": f"No assessment was completed and no plan started in "
                                        f"{month:%B %Y}: there is nothing to sample"})
    records = {key: record for items in population.values() for key, record in items}
    drawn = rules.stratified_sample(
        {team: [key for key, _ in items] for team, items in population.items()},
        per_team=per_team, seed=seed)
    auditors = sorted(auditors, key=lambda a: (a.last_name, a.first_name, str(a.pk)))
    by_id = {str(a.pk): a for a in auditors}
    items = []
    for team in sorted(drawn):
        for key in drawn[team]:
            episode = records[key].episode
            forbidden = {pk for pk, a in by_id.items() if _conflict(a, episode)}
            items.append((key, forbidden))
    try:
        chosen = rules.assign_auditors(items, list(by_id))
    except ValueError as nobody:
        episode = records[str(nobody)].episode
        raise ValidationError({"auditors": f"None of the auditors may audit case "
                                           f"{episode.reference}: it is their own or their "
                                           f"team's. Add another auditor"}) from None
    strata = []
    for team in sorted(population, key=lambda t: population[t][0][1].episode.team.name):
        strata.append({"team_id": team, "team": population[team][0][1].episode.team.name,
                       "population": len(population[team]), "drawn": len(drawn[team])})
    programme = base.create(
        AuditProgramme(name=name.strip(), month=month, tool=tool, per_team=per_team, seed=seed,
                       strata=strata),
        acting_user=acting_user,
    )
    for key, _ in items:
        record = records[key]
        kind = key.split(":", 1)[0]
        base.create(
            CaseAudit(programme=programme, kind=kind, status=CASE_AUDIT.require("draw", NEW), team_id=record.episode.team_id,
                      episode=record.episode, worker_id=record.episode.lead_practitioner_id,
                      auditor=by_id[chosen[key]],
                      assessment=record if kind == "assessment" else None,
                      plan=record if kind == "plan" else None),
            acting_user=acting_user, family_id=record.episode.family_id,
            reason=f"sampled for {programme.name}",
        )
    return programme


def _locked_audit(audit):
    from .models import CaseAudit

    return CaseAudit.objects.select_for_update().select_related(
        "episode", "episode__team").get(pk=audit.pk)


@transaction.atomic
def audit_grade(*, audit, answers: dict, grade: str, summary: str, acting_user):
    """The auditor grades every question of the tool that applies to the record (answers:
    {question_id: (grade, comment)}) and the whole. Once only: after that, moderation."""
    from .models import AuditAnswer, AuditStatus, Grade

    policy.require(acting_user, Action.GRADE_AUDIT, audit)
    audit = _locked_audit(audit)
    conflict = _conflict(acting_user, audit.episode, audit.worker_id)
    if conflict:
        raise policy.NotAllowed(f"You cannot grade this audit: {conflict}.")
    graded = CASE_AUDIT.require("grade", audit)
    errors = {}
    questions = [q for q in audit.programme.tool.questions.all()
                 if rules.applies(q.applies_to, audit.kind)]
    for question in questions:
        given, comment = answers.get(question.pk, ("", ""))
        if given not in Grade.values:
            errors[f"grade_{question.pk}"] = f"Select a grade for “{question.text}”"
        elif given in rules.NEEDS_COMMENT and not (comment or "").strip():
            errors[f"comment_{question.pk}"] = (
                f"Enter a comment for “{question.text}”: say what would make it good")
    if grade not in Grade.values:
        errors["grade"] = "Select an overall grade"
    elif grade in rules.NEEDS_COMMENT and not (summary or "").strip():
        errors["summary"] = "Enter a summary: say what would make the work good"
    if errors:
        raise ValidationError(errors)
    for question in questions:
        given, comment = answers[question.pk]
        base.create(AuditAnswer(audit=audit, question=question, grade=given,
                                comment=(comment or "").strip()),
                    acting_user=acting_user, family_id=audit.episode.family_id)
    before = {"status": audit.status, "grade": audit.grade, "summary": audit.summary,
              "graded_on": audit.graded_on}
    audit.status, audit.grade = graded, grade
    audit.summary, audit.graded_on = (summary or "").strip(), dates.today()
    return base.update(audit, acting_user=acting_user, before=before,
                       family_id=audit.episode.family_id)


@transaction.atomic
def audit_acknowledge(*, audit, comment: str = "", acting_user):
    """The worker or the case's manager has read the findings (once each)."""
    from .models import AckRole, AuditAcknowledgement, AuditStatus

    policy.require(acting_user, Action.ACKNOWLEDGE_AUDIT, audit)
    audit = _locked_audit(audit)
    CASE_AUDIT.require("acknowledge", audit)
    if audit.acknowledgements.filter(user=acting_user).exists():
        raise IllegalMove("You have already acknowledged these findings.")
    as_role = AckRole.WORKER if audit.worker_id == acting_user.pk else AckRole.MANAGER
    return base.create(
        AuditAcknowledgement(audit=audit, user=acting_user, as_role=as_role,
                             comment=(comment or "").strip()),
        acting_user=acting_user, family_id=audit.episode.family_id,
    )


@transaction.atomic
def audit_moderate(*, audit, question=None, new_grade: str, reason: str, acting_user):
    """Change one grade (a question's, or the overall grade when `question` is None) with a
    reason; the old grade stays in the moderation history."""
    from .models import AuditAnswer, AuditModeration, AuditStatus, Grade

    policy.require(acting_user, Action.MODERATE_AUDIT, audit)
    audit = _locked_audit(audit)
    CASE_AUDIT.require("moderate", audit)
    errors = {}
    if new_grade not in Grade.values:
        errors["new_grade"] = "Select the moderated grade"
    if not (reason or "").strip():
        errors["reason"] = "Enter the reason for changing the grade"
    if errors:
        raise ValidationError(errors)
    target = audit if question is None else (
        AuditAnswer.objects.select_for_update().filter(audit=audit, question=question).first())
    if target is None:
        raise ValidationError({"target": "Choose a question this audit graded"})
    if target.grade == new_grade:
        raise ValidationError({"new_grade": f"The grade is already "
                                            f"{Grade(new_grade).label.lower()}: choose another"})
    moderation = base.create(
        AuditModeration(audit=audit, question=question, old_grade=target.grade,
                        new_grade=new_grade, reason=reason.strip()),
        acting_user=acting_user, family_id=audit.episode.family_id,
    )
    before = {"grade": target.grade}
    target.grade = new_grade
    base.update(target, acting_user=acting_user, before=before,
                family_id=audit.episode.family_id, reason=f"moderation: {reason.strip()}"[:300])
    return moderation


@transaction.atomic
def audit_reassign(*, audit, auditor, acting_user):
    """Give an audit not yet graded to another auditor (never the case's own worker or its
    team's manager)."""
    from .models import AuditStatus

    policy.require(acting_user, Action.DRAW_AUDIT_SAMPLE)
    audit = _locked_audit(audit)
    CASE_AUDIT.require("reassign", audit)
    if not auditor.is_active or auditor.role not in AUDITOR_ROLES:
        raise ValidationError({"auditor": "Auditors must be active early help workers or team "
                                          "managers"})
    conflict = _conflict(auditor, audit.episode, audit.worker_id)
    if conflict:
        raise ValidationError({"auditor": f"{conflict}: choose someone else"})
    before = {"auditor_id": audit.auditor_id}
    audit.auditor = auditor
    return base.update(audit, acting_user=acting_user, before=before,
                       family_id=audit.episode.family_id)
