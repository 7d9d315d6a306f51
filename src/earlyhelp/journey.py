"""The journey, wired in one place: every app's machine, and the service that carries out each
move one record makes on another (an effect in the table).

The kernel's engine (core/workflow.py) reads this module through the EARLYHELP_JOURNEY setting:
it sits at the top of the house so that it may import every app."""

from earlyhelp.assessments.journey import ASSESSMENT
from earlyhelp.cases import services as cases
from earlyhelp.cases.journey import EPISODE
from earlyhelp.core.workflow import Journey
from earlyhelp.directory import services as directory
from earlyhelp.directory.journey import REFERRAL
from earlyhelp.frontdoor.journey import CONTACT
from earlyhelp.history.journey import IMPORT_RUN
from earlyhelp.panels.journey import MEETING, PANEL_ACTION, PANEL_CASE
from earlyhelp.panels.services.actions import panel_action_add
from earlyhelp.plans import services as plans
from earlyhelp.plans.journey import ACTION, PLAN
from earlyhelp.results.journey import CLAIM
from earlyhelp.strategy.journey import ACTION_ITEM, CASE_AUDIT, ROUND
from earlyhelp.targeting.journey import CLERICAL_REVIEW, RUN, UPLOAD

JOURNEY = Journey(
    machines=(
        CONTACT, EPISODE, ASSESSMENT, PLAN, ACTION, REFERRAL, PANEL_CASE, MEETING, PANEL_ACTION,
        RUN, CLERICAL_REVIEW, UPLOAD, CLAIM, ROUND, ACTION_ITEM, CASE_AUDIT, IMPORT_RUN,
    ),
    performers={
        ("episode", "open"): cases.episode_open,
        ("episode", "attach_contact"): cases.episode_attach_contact,
        ("episode", "allocate"): cases.episode_allocate,
        ("episode", "step_up"): cases.episode_step_up,
        ("episode", "close"): cases.episode_close,
        ("episode", "record_closing"): plans.closing_view_record,
        ("plan", "end"): plans.active_plans_end,
        ("action", "complete"): plans.plan_action_complete,
        ("action", "cancel"): plans.plan_action_cancel,
        ("referral", "send"): directory.referral_send,
        ("referral", "withdraw"): directory.referral_withdraw,
        ("panel action", "set"): panel_action_add,
    },
)
