"""The journey of a request for support (contact), from the states of ContactStatus."""

from earlyhelp.core.workflow import Effect, Machine, Move

from .models import Contact, ContactStatus, TriageOutcome

AWAITING = ContactStatus.AWAITING_DECISION

CONTACT = Machine("contact", Contact, (
    Move("triage", (AWAITING,), ContactStatus.DECIDED,
         "This request for support already has a decision; it cannot be triaged again.",
         effects=(
             Effect("episode", "open", "a new early help episode for the family",
                    when=TriageOutcome.EARLY_HELP),
             Effect("episode", "attach_contact", "the family's open episode",
                    when=TriageOutcome.ATTACH),
         )),
    Move("withdraw", (AWAITING,), ContactStatus.WITHDRAWN,
         "Only a request for support still awaiting a decision can be withdrawn."),
))
