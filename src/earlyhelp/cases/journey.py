"""The journey of an early help episode: every move, from the states of EpisodeStatus.

Moves that change other records name them as effects; the service making the move carries them
out through the services earlyhelp/journey.py names (core.workflow.carry_out)."""

from earlyhelp.core.workflow import NEW, Effect, Guard, Machine, Move

from . import rules

from .models import Episode, EpisodeStatus

OPEN, CLOSED = EpisodeStatus.OPEN, EpisodeStatus.CLOSED

ENDS_PLANS = Effect("plan", "end", "the episode's active plans")

EPISODE = Machine("episode", Episode, (
    Move("open", (NEW,), OPEN, "An episode is opened once."),
    Move("step_down", (NEW,), OPEN, "An episode is opened once.",
         effects=(Effect("episode", "open", "a new episode for the family, route in step-down"),)),
    Move("allocate", (OPEN,), None,
         "A lead practitioner can only be allocated to an open episode."),
    Move("add_taf_member", (OPEN,), None,
         "Team Around the Family members can only be added to an open episode."),
    Move("start_assessment", (OPEN,), None,
         "An assessment can only be started on an open episode.",
         guard=Guard(rules.no_assessment_in_progress,
                     "This episode already has an assessment in progress.")),
    Move("start_plan", (OPEN,), None, "A plan can only be made for an open episode.",
         guard=Guard(rules.no_active_plan, "This episode already has an active plan.")),
    Move("review", (OPEN,), None, "A review cannot be recorded on a closed episode."),
    Move("add_note", (OPEN, CLOSED), None, ""),
    Move("attach_contact", (OPEN,), None,
         "A request for support can only be attached to an open episode."),
    Move("step_up", (OPEN,), CLOSED,
         "Only an open episode can be stepped up to children's social care.",
         effects=(ENDS_PLANS,)),
    # Closing asks what happens to the work still running (the closure's choices are `when`).
    Move("close", (OPEN,), CLOSED, "This episode is already closed.", effects=(
        ENDS_PLANS,
        Effect("action", "complete", "an open plan action the worker says was done", when="done"),
        Effect("action", "cancel", "an open plan action no longer needed", when="cancelled"),
        Effect("referral", "withdraw", "a running referral the worker withdraws",
               when="withdraw"),
        Effect("episode", "record_closing", "the closing scores per need and the family's "
               "own closing view", when="scored"),
    )),
    Move("record_closing", (OPEN,), None, "Closing scores are recorded as the episode closes."),
    Move("set_start_date", (OPEN,), None,
         "The start date of a closed episode cannot be changed."),
    Move("change_focus_children", (OPEN,), None,
         "The focus children of a closed episode cannot be changed."),
))
