"""Writes for whole-family assessments."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from earlyhelp.access import policy
from earlyhelp.cases import rules as case_rules
from earlyhelp.cases import state as episode_state
from earlyhelp.cases.journey import EPISODE
from earlyhelp.cases.services import locked_episode
from earlyhelp.core import audit
from earlyhelp.core import services as base

from . import rules
from .journey import ASSESSMENT
from .models import Assessment, AssessmentEntry, PresentingNeed

TEXT_FIELDS = ["voice_of_child", "family_view", "summary", "level"]


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("episode").get(pk=assessment.pk)


@transaction.atomic
def assessment_start(
    *, episode, started_on: dt.date, completing_organisation, acting_user, children=None,
) -> Assessment:
    """Start an assessment. It covers `children` – by default every child of the household on
    the start date (Annex A List 2 has a row for each child an assessment covers)."""
    policy.require(acting_user, policy.Action.ASSESS, episode)
    episode = locked_episode(episode)
    EPISODE.require("start_assessment", episode)
    case_rules.date_within_episode(episode, started_on, "assessment start", field="started_on")
    if children is None:
        children = rules.household_children(episode.family, started_on)
    rules.children_are_in_household(episode.family, children, started_on)
    assessment = Assessment(
        episode=episode, started_on=started_on, completing_organisation=completing_organisation
    )
    base.create(assessment, acting_user=acting_user, family_id=episode.family_id)
    episode_state.save(episode, episode_state.on_assessment_started(episode))
    assessment.children.set(children)
    audit.record(user=acting_user, action="change", obj=assessment, family_id=episode.family_id,
                 detail="children the assessment covers",
                 changes={"children": [str(c.pk) for c in children]})
    return assessment


@transaction.atomic
def assessment_children_set(
    *, assessment: Assessment, children, acting_user, expected_version: int | None = None,
) -> Assessment:
    """Change which children the assessment covers (while it is in progress)."""
    assessment = _locked(assessment)
    ASSESSMENT.require("edit", assessment)
    base.check_version(assessment, expected_version, "assessment")
    children = list(children)
    rules.children_are_in_household(assessment.episode.family, children, assessment.started_on)
    before = sorted(str(pk) for pk in assessment.children.values_list("pk", flat=True))
    assessment.children.set(children)
    assessment.version += 1
    assessment.modified_by = acting_user
    assessment.save(update_fields=["version", "modified_by", "modified_at"])
    audit.record(user=acting_user, action="change", obj=assessment,
                 family_id=assessment.episode.family_id, detail="children the assessment covers",
                 changes={"children": [before, sorted(str(c.pk) for c in children)]})
    return assessment


@transaction.atomic
def assessment_update(
    *, assessment: Assessment, acting_user, expected_version: int | None = None, entries=(),
    **values,
) -> Assessment:
    """Save part of an assessment (it can be saved part-done). entries: (person, domain, needs,
    strengths) tuples, each replacing that member's text for that domain."""
    policy.require(acting_user, policy.Action.ASSESS, assessment)
    assessment = _locked(assessment)
    ASSESSMENT.require("edit", assessment)
    base.check_version(assessment, expected_version, "assessment")
    unknown = set(values) - set(TEXT_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field" for name in unknown})
    before = audit.snapshot(assessment, list(values))
    for name, value in values.items():
        setattr(assessment, name, value)
    changed_entries = []
    for person, domain, needs, strengths in entries:
        rules.person_in_household(assessment, person)
        entry, _ = AssessmentEntry.objects.get_or_create(
            assessment=assessment, person=person, domain=domain,
        )
        entry.needs, entry.strengths = needs, strengths
        entry.full_clean()
        entry.save()
        changed_entries.append(f"{person.full_name}: {entry.get_domain_display()}")
    base.update(assessment, acting_user=acting_user, before=before,
                family_id=assessment.episode.family_id,
                reason="; ".join(changed_entries))
    return assessment


@transaction.atomic
def presenting_need_add(
    *, assessment: Assessment, theme, baseline_score: int, acting_user, person=None,
    cin_factor: str = "", description: str = "",
) -> PresentingNeed:
    policy.require(acting_user, policy.Action.ASSESS, assessment)
    assessment = _locked(assessment)
    ASSESSMENT.require("edit", assessment)
    if person is not None:
        rules.person_in_household(assessment, person)
    if cin_factor and theme.cin_factor_codes and cin_factor not in theme.cin_factor_codes:
        raise ValidationError(
            {"cin_factor": f"{cin_factor} is not one of the codes for {theme.name}"}
        )
    need = PresentingNeed(
        assessment=assessment, theme=theme, person=person, cin_factor=cin_factor,
        description=description, baseline_score=baseline_score,
    )
    return base.create(need, acting_user=acting_user, family_id=assessment.episode.family_id)


@transaction.atomic
def presenting_need_remove(*, need: PresentingNeed, acting_user) -> None:
    policy.require(acting_user, policy.Action.ASSESS, need.assessment)
    assessment = _locked(need.assessment)
    ASSESSMENT.require("edit", assessment)
    audit.record(user=acting_user, action="change", obj=need,
                 family_id=assessment.episode.family_id, detail="presenting need removed",
                 changes={"theme": need.theme.name, "removed": True})
    need.delete()


@transaction.atomic
def assessment_complete(
    *, assessment: Assessment, completed_on: dt.date, acting_user,
    expected_version: int | None = None,
) -> Assessment:
    policy.require(acting_user, policy.Action.ASSESS, assessment)
    assessment = _locked(assessment)
    ASSESSMENT.require("complete", assessment.status)  # a completed one is refused first
    base.check_version(assessment, expected_version, "assessment")
    rules.completion_date_is_valid(assessment, completed_on)  # then bad input, a field error
    new_status = ASSESSMENT.require("complete", assessment)  # then the guard: a whole assessment
    before = audit.snapshot(assessment, ["status", "completed_on"])
    assessment.status = new_status
    assessment.completed_on = completed_on
    base.update(assessment, acting_user=acting_user, before=before,
                family_id=assessment.episode.family_id)
    # The episode was locked with the assessment (select_for_update over the join).
    episode = assessment.episode
    changed = episode_state.on_assessment_completed(episode, assessment)
    episode_state.save(episode, changed + episode_state.count_complex_needs(episode))
    return assessment
