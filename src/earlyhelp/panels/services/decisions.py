"""A panel's decision on a case brought to it.

Decisions that change the episode go through the journey's own services: the panel case's
machine (panels/journey.py) declares which, per kind of decision, and `carry_out` calls them –
so the workflow rules apply to a panel exactly as to a practitioner.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from earlyhelp.access import policy
from earlyhelp.access.permissions import can_work_on_episode
from earlyhelp.core import audit, dates
from earlyhelp.core import services as base
from earlyhelp.core.workflow import carry_out

from .. import rules
from ..journey import PANEL_CASE
from ..models import DecisionKind, PanelCase, PanelDecision


@policy.decides_for_panel
@transaction.atomic
def decision_record(
    *,
    panel_case: PanelCase,
    kind: str,
    rationale: str,
    acting_user,
    decided_on: dt.date | None = None,
    lead_practitioner=None,
    service=None,
    person=None,
    closure_outcome: str = "",
    social_care_reference: str = "",
    action_owner=None,
) -> PanelDecision:
    """Record what the panel decided, and make the change through the journey's services."""
    policy.require(acting_user, policy.Action.PANEL_DECISION, panel_case)
    panel_case = (
        PanelCase.objects.select_for_update(of=("self",))
        .select_related("panel", "episode", "meeting")
        .get(pk=panel_case.pk)
    )
    decided_on = decided_on or dates.today()
    rules.require_panel_member(acting_user, panel_case.panel, decided_on, "record its decisions")
    new_status = PANEL_CASE.require("decide", panel_case)
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": "Select what the panel decided"})
    effect = {e.action: e for e in PANEL_CASE.effects("decide", when=kind)}
    if not (rationale or "").strip():
        raise ValidationError({"rationale": "Enter the reasons for the panel's decision"})
    if decided_on > dates.today():
        raise ValidationError({"decided_on": "The decision date must be today or in the past"})
    episode = panel_case.episode
    decision = PanelDecision(
        panel_case=panel_case,
        meeting=panel_case.meeting,
        episode=episode,
        kind=kind,
        rationale=rationale.strip(),
        decided_on=decided_on,
        decided_by=acting_user,
    )
    if kind == DecisionKind.ALLOCATE_LEAD:
        if lead_practitioner is None:
            raise ValidationError({"lead_practitioner": "Select the lead practitioner"})
        carry_out(
            effect["allocate"],
            episode=episode,
            lead_practitioner=lead_practitioner,
            acting_user=acting_user,
            on=decided_on,
        )
        decision.lead_practitioner = lead_practitioner
    elif kind == DecisionKind.ADD_SERVICE:
        if service is None:
            raise ValidationError({"service": "Select the service"})
        decision.service = service
        if can_work_on_episode(acting_user, episode):
            decision.referral = carry_out(
                effect["send"],
                episode=episode,
                service=service,
                person=person,
                reason=rationale.strip(),
                acting_user=acting_user,
            )
        else:
            # The panel cannot refer on the family's behalf: the lead (or a named owner) does.
            action_owner = action_owner or episode.lead_practitioner
            if action_owner is None:
                raise ValidationError(
                    {
                        "action_owner": "Select who will make the referral: "
                        "this episode has no lead practitioner"
                    }
                )
    elif kind == DecisionKind.STEP_UP:
        carry_out(
            effect["step_up"],
            episode=episode,
            on=decided_on,
            reason=rationale.strip(),
            acting_user=acting_user,
            social_care_reference=social_care_reference,
        )
    elif kind == DecisionKind.CLOSE:
        if not closure_outcome:
            raise ValidationError({"closure_outcome": "Select the closure outcome"})
        carry_out(
            effect["close"],
            episode=episode,
            outcome=closure_outcome,
            end_date=decided_on,
            summary=rationale.strip(),
            acting_user=acting_user,
        )
        decision.closure_outcome = closure_outcome
    base.create(
        decision, acting_user=acting_user, family_id=episode.family_id, reason=rationale.strip()
    )
    if kind == DecisionKind.ADD_SERVICE and decision.referral is None:
        carry_out(
            effect["set"],
            panel_case=panel_case,
            owner=action_owner,
            acting_user=acting_user,
            description=f"Refer the family to {service.name}",
            due_date=decided_on + dt.timedelta(days=7),
        )
    before = audit.snapshot(panel_case, ["status"])
    panel_case.status = new_status
    base.update(panel_case, acting_user=acting_user, before=before, family_id=panel_case.family_id)
    return decision
