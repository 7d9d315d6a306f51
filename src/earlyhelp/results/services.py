"""Every write of results: keyword-only, atomic, audited, the policy check first."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from earlyhelp.access import policy
from earlyhelp.access.policy import Action
from earlyhelp.core import audit, bulk
from earlyhelp.core.dates import check_event_date
from earlyhelp.core.models import AuditAction

from . import evaluation, rules
from .models import Framework, Measure, PlanNeed, ProgrammeFamily


@transaction.atomic
def attach_family(*, user, framework: Framework, family, attached_on: dt.date,
                  household_key: str = "") -> ProgrammeFamily:
    policy.require(user, Action.ATTACH_TO_PROGRAMME, family)
    if not framework.is_active:
        raise ValidationError(
            {"framework": f"{framework.name} is kept for history: families can no longer join it"}
        )
    check_event_date(attached_on, field="attached_on", what="joining")
    if ProgrammeFamily.objects.filter(framework=framework, family=family).exists():
        raise ValidationError({"family": f"{family} is already on {framework.name}"})
    try:
        with transaction.atomic():
            attachment = ProgrammeFamily.objects.create(
                framework=framework, family=family, attached_on=attached_on,
                attached_by=user, household_key=household_key,
            )
    except IntegrityError as exc:  # attached by someone else a moment ago
        raise ValidationError({"family": f"{family} is already on {framework.name}"}) from exc
    audit.record(user=user, action=AuditAction.CREATE, obj=attachment, family_id=family.pk,
                 changes={"framework": framework.code, "attached_on": str(attached_on)})
    return attachment


@transaction.atomic
def add_need(*, user, attachment: ProgrammeFamily, measure: Measure, identified_on: dt.date,
             note: str = "") -> PlanNeed:
    policy.require(user, Action.PLAN_OUTCOMES, attachment.family)
    if measure.outcome.framework_id != attachment.framework_id:
        raise ValidationError({"measure": "Choose a measure of this family's programme"})
    check_event_date(identified_on, field="identified_on", what="need identified")
    if attachment.needs.filter(measure=measure).exists():
        raise ValidationError({"measure": f"The plan already has “{measure.name}”"})
    need = PlanNeed.objects.create(attachment=attachment, measure=measure,
                                   identified_on=identified_on, note=note)
    audit.record(user=user, action=AuditAction.CREATE, obj=need, family_id=attachment.family_id,
                 changes={"measure": f"{measure.outcome.code}/{measure.code}"})
    return need


def _measure_dict(measure: Measure) -> dict:
    return {"rule": measure.rule, "met_when": measure.met_when,
            "sustain_months": measure.sustain_months, "needs_records": measure.needs_records}


# Above this many families the needs are read by programme and kept in Python: one IN list of
# every family's id would near the database's limit on parameters (32,766 on SQLite).
_NEEDS_BY_PROGRAMME_FROM = 2000


def _needs_to_check(by_key: dict) -> list[PlanNeed]:
    """The needs of the families in `by_key` ({pk: attachment}) in one query, with only the
    columns the check reads: their stored evidence is replaced, so it is not read back."""
    chosen = PlanNeed.objects.order_by().only("id", "version", "attachment_id", "measure_id")
    if len(by_key) <= _NEEDS_BY_PROGRAMME_FROM:
        return list(chosen.filter(attachment__in=list(by_key)))
    programmes = {a.framework_id for a in by_key.values()}
    return [n for n in chosen.filter(attachment__framework__in=programmes)
            if n.attachment_id in by_key]


@transaction.atomic
def check_outcomes(*, user, attachments, con, reference: dt.date) -> dict:
    """Judge every need of the given families on `reference` against the linked records in
    `con` (a targeting run's tables); store each verdict and its evidence. Families without a
    household in the linked records are left unchecked. Returns counts.

    A fixed number of queries whatever the number of families: the needs in one read, each
    measure evaluated for every household at once, the verdicts in one UPDATE per table and
    the audit rows in one INSERT."""
    policy.require(user, Action.CHECK_OUTCOMES)
    attachments = [a for a in attachments if a.household_key]
    by_key = {a.pk: a for a in attachments}
    needs = _needs_to_check(by_key)
    needs_of: dict = {}
    for need in needs:
        needs_of.setdefault(need.attachment_id, []).append(need)
    employment = {
        a.framework.employment_measure_id for a in attachments if a.framework.employment_measure_id
    }
    # The few measures once, not a copy (and its rule's JSON parsed again) on every need.
    wanted = Measure.objects.in_bulk({n.measure_id for n in needs} | employment)
    for need in needs:
        need.measure = wanted[need.measure_id]
    households = sorted({a.household_key for a in attachments})
    since = min((a.attached_on for a in attachments), default=reference)
    found = {pk: evaluation.find(con, _measure_dict(m), reference, households, since)
             for pk, m in wanted.items()}
    for need in needs:
        attachment = by_key[need.attachment_id]
        verdict, evidence = evaluation.judge(
            _measure_dict(need.measure), found[need.measure_id][attachment.household_key],
            attached_on=attachment.attached_on, reference=reference,
        )
        need.checked_on, need.met, need.sustained = reference, verdict.met, verdict.sustained
        need.sustained_from, need.finding, need.evidence = (
            verdict.sustained_from, verdict.finding, evidence)
    bulk.update_rows(PlanNeed, ["checked_on", "met", "sustained", "sustained_from", "finding",
                           "evidence"], needs)
    claimable = 0
    events = []
    for attachment in attachments:
        mine = [(n.met, n.sustained) for n in needs_of.get(attachment.pk, [])]
        work = attachment.framework.employment_measure
        in_work = False
        if work is not None:
            verdict, _ = evaluation.judge(
                _measure_dict(work), found[work.pk][attachment.household_key],
                attached_on=attachment.attached_on, reference=reference)
            in_work = verdict.met and verdict.sustained
        attachment.checked_on = reference
        attachment.in_work_sustained = in_work
        attachment.claimable = rules.claimable(mine, in_work)
        claimable += attachment.claimable
        events.append(dict(user=user, action=AuditAction.CHANGE, obj=attachment,
                           family_id=attachment.family_id,
                           detail=f"Outcomes checked on {reference}: "
                                  + ("claimable" if attachment.claimable else "not claimable")))
    bulk.update_rows(ProgrammeFamily, ["checked_on", "in_work_sustained", "claimable"], attachments)
    audit.record_many([audit.build(**event) for event in events])
    return {"families": len(attachments), "needs": len(needs), "claimable": claimable}


def check_programme(*, user, reference: dt.date, run=None, framework=None) -> dict:
    """Check every family on an open programme (or on `framework` only) against the newest
    finished targeting run's linked records (or the given run). A family not yet placed in the
    linked records takes the household the run linked it to. Returns counts, with the run
    used."""
    from . import linked

    policy.require(user, Action.CHECK_OUTCOMES)
    run = run or linked.latest_run()
    if run is None:
        raise ValidationError("There is no finished targeting run to check the outcomes against")
    con = linked.connect_run(run)
    chosen = ProgrammeFamily.objects.filter(framework__is_active=True)
    if framework is not None:
        chosen = chosen.filter(framework=framework)
    attachments = list(chosen.select_related("framework__employment_measure"))
    missing = [a for a in attachments if not a.household_key]
    keys = linked.households_of(con, run, [str(a.family_id) for a in missing])
    with transaction.atomic():
        for attachment in missing:
            key = keys.get(str(attachment.family_id))
            if key:
                attachment.household_key = key
                attachment.save(update_fields=["household_key", "modified_at"])
                audit.record(user=user, action=AuditAction.CHANGE, obj=attachment,
                             family_id=attachment.family_id,
                             changes={"household_key": ["", key]}, detail=f"from run {run.pk}")
        counts = check_outcomes(user=user, attachments=attachments, con=con, reference=reference)
        if framework is not None:  # "Check outcomes now" on a programme's page
            audit.record(user=user, action=AuditAction.CHANGE, obj=framework,
                         detail=f"outcomes checked on {reference} against run {run.pk}: "
                                f"{counts['families']} families, {counts['claimable']} claimable")
    return {**counts, "run": str(run.pk), "not_linked": sum(1 for a in attachments
                                                               if not a.household_key)}
