"""Every write of results: keyword-only, atomic, audited, the policy check first."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from earlyhelp.access import policy
from earlyhelp.access.policy import Action
from earlyhelp.core import audit, bulk
from earlyhelp.core.dates import check_event_date
from earlyhelp.core.models import AuditAction

from . import casework, evaluation, rules, selection
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


def _needs_to_check(by_key: dict) -> list[PlanNeed]:
    """The needs of the families in `by_key` ({pk: attachment}) in one query, with only the
    columns the check reads: their stored evidence is replaced, so it is not read back. For
    many families they are read by programme (see `selection`) and kept in Python."""
    chosen = PlanNeed.objects.order_by().only("id", "version", "attachment_id", "measure_id")
    if not selection.is_many(len(by_key)):
        return list(chosen.filter(attachment__in=list(by_key)))
    programmes = {a.framework_id for a in by_key.values()}
    return [n for n in chosen.filter(attachment__framework__in=programmes)
            if n.attachment_id in by_key]


NO_AGENCY_RECORDS = ("Not judged: no agency records – the family is not linked to a household "
                     "in a targeting run.")


@transaction.atomic
def check_outcomes(*, user, attachments, con, reference: dt.date) -> dict:
    """Judge every need of the given families on `reference` against the linked records in
    `con` (a targeting run's tables, or linked.empty_connection()) and the families' casework;
    store each verdict and its evidence. A family without a household in the linked records is
    judged on its casework measures; a measure reading agency records finds it "not judged: no
    agency records". Returns counts.

    A fixed number of queries whatever the number of families: the needs in one read, one read
    per casework source the measures read (and one for the families' members), each measure
    evaluated for every household at once, the verdicts in one UPDATE per table and the audit
    rows in one INSERT."""
    policy.require(user, Action.CHECK_OUTCOMES)
    attachments = list(attachments)
    by_key = {a.pk: a for a in attachments}
    keys = {a.pk: a.household_key or casework.family_key(a.family_id) for a in attachments}
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
    codes = set().union(*(casework.sources_read(m.rule) for m in wanted.values()))
    details = casework.stage(con, attachments, keys, codes, reference) if codes else {}
    households = sorted(set(keys.values()))
    since = min((a.attached_on for a in attachments), default=reference)
    found = {pk: evaluation.find(con, _measure_dict(m), reference, households, since, details)
             for pk, m in wanted.items()}

    def judge(measure, attachment):
        if not attachment.household_key and casework.reads_agency(measure.rule):
            return rules.Verdict(False, False, None, NO_AGENCY_RECORDS), []
        return evaluation.judge(_measure_dict(measure), found[measure.pk][keys[attachment.pk]],
                                attached_on=attachment.attached_on, reference=reference)

    for need in needs:
        verdict, evidence = judge(need.measure, by_key[need.attachment_id])
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
            verdict, _ = judge(work, attachment)
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
    finished targeting run's linked records (or the given run) and its casework. A family not
    yet placed in the linked records takes the household the run linked it to. With no finished
    run at all, families are judged on their casework alone. Returns counts, with the run
    used."""
    from . import linked

    policy.require(user, Action.CHECK_OUTCOMES)
    run = run or linked.latest_run()
    con = linked.connect_run(run) if run is not None else linked.empty_connection()
    chosen = ProgrammeFamily.objects.filter(framework__is_active=True)
    if framework is not None:
        chosen = chosen.filter(framework=framework)
    attachments = list(chosen.select_related("framework__employment_measure"))
    missing = [a for a in attachments if not a.household_key]
    keys = (linked.households_of(con, run, [str(a.family_id) for a in missing])
            if run is not None else {})
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
            against = f"run {run.pk}" if run is not None else "casework only (no targeting run)"
            audit.record(user=user, action=AuditAction.CHANGE, obj=framework,
                         detail=f"outcomes checked on {reference} against {against}: "
                                f"{counts['families']} families, {counts['claimable']} claimable")
    return {**counts, "run": str(run.pk) if run is not None else None, "not_linked": sum(1 for a in attachments
                                                               if not a.household_key)}
