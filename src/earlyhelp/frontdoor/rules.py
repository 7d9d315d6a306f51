"""Named business rules for the front door."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError

from earlyhelp.cases.models import Episode, EpisodeStatus, Timescales
from earlyhelp.core.dates import months_before
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.working_time import add_working_hours
from earlyhelp.people.models import Membership

from .models import ConsentAnswer, TriageOutcome

RE_REFERRAL = (
    "Re-referral: a request for support received within {months} calendar months of the closure "
    "of an early help episode of any household the people it is about belong to – the episode "
    "closed on or after the same day {months} months before the day the request was received, "
    "and on or before it. Calendar months, not 365 days: after a closure on 28 February 2023, a "
    "request on 29 February 2024 is a re-referral (the same day a year back is 28 February); "
    "after a closure on 29 February 2024, a request on 28 February 2025 is one and a request on "
    "1 March 2025 is not."
)


TRIAGE_CLOCKS = ("elapsed", "working")


def triage_clock() -> str:
    clock = settings.EARLYHELP_TRIAGE_CLOCK
    if clock not in TRIAGE_CLOCKS:
        raise ImproperlyConfigured(
            f"EARLYHELP_TRIAGE_CLOCK must be one of {TRIAGE_CLOCKS}, not {clock!r}"
        )
    return clock


def decision_due(received_at: dt.datetime, rag: str) -> dt.datetime:
    """When the front door's decision on a request is due: the hours allowed for its RAG rating
    (an unrated request is held to amber) from the moment it was received, on the council's
    triage clock – elapsed hours, or working hours (core/working_time.py)."""
    hours = Timescales.current().triage_hours()[rag or "amber"]
    if triage_clock() == "working":
        return add_working_hours(received_at, hours)
    return received_at + dt.timedelta(hours=hours)


def re_referral_since(received_on: dt.date) -> dt.date:
    """The earliest closure day that makes a request received on `received_on` a re-referral."""
    return months_before(received_on, settings.EARLYHELP_RE_REFERRAL_MONTHS)


def re_referral_source(people, received_on: dt.date) -> Episode | None:
    """A contact within 12 months of an episode's closure for any member is a re-referral
    (RE_REFERRAL says exactly how the months are counted).

    Returns the most recently closed such episode (any household the people belong to)."""
    since = re_referral_since(received_on)
    person_ids = [p.pk for p in people]
    families = Membership.objects.filter(person_id__in=person_ids).values("family_id")
    return (
        Episode.objects.filter(
            status=EpisodeStatus.CLOSED,
            family_id__in=families,
            end_date__gte=since,
            end_date__lte=received_on,
        )
        .order_by("-end_date")
        .first()
    )


def level_belongs_to_model(level, threshold_model, indicators) -> None:
    """The level and every ticked indicator come from the threshold model being used."""
    if level.model_id != threshold_model.pk:
        raise IllegalMove(f"The level '{level.name}' is not part of {threshold_model.name}.")
    strangers = [i for i in indicators if i.level.model_id != threshold_model.pk]
    if strangers:
        raise IllegalMove(f"Some ticked indicators are not part of {threshold_model.name}.")


def override_needs_reason(suggested, chosen, reason: str) -> None:
    """Professional judgement may override the suggested level – with a recorded reason."""
    if suggested is not None and suggested.pk != chosen.pk and not (reason or "").strip():
        raise IllegalMove(
            f"The threshold model suggests '{suggested.name}'. To choose '{chosen.name}' instead, "
            "give the reason for overriding the suggested level.",
            code="override_without_reason",
        )


def universal_level_needs_reason(level, outcome: str, reason: str) -> None:
    """Early help for a level of need universal services meet (a level in the model's
    "universal" band, whatever the council calls it) is an exception: it needs a recorded reason."""
    if (outcome in (TriageOutcome.EARLY_HELP, TriageOutcome.ATTACH) and level.band == "universal"
            and not (reason or "").strip()):
        raise ValidationError({"universal_reason": (
            f"'{level.name}' is a level of need universal services meet: enter why this family "
            "needs early help")})


def early_help_needs_consent(contact, outcome: str) -> None:
    """Early help is voluntary: it needs the family's consent to the request. Social care does
    not (safeguarding overrides consent)."""
    if outcome in (TriageOutcome.EARLY_HELP, TriageOutcome.ATTACH) and (
        contact.family_consents_to_request != ConsentAnswer.YES
    ):
        raise IllegalMove(
            "Early help is voluntary and the family has not consented to this request. "
            "Record their consent first, signpost, or step up if there is a safeguarding concern.",
            code="no_consent",
        )


def routing_is_complete(contact, outcome: str, routed_team, open_episode) -> None:
    """Early help needs a team and a family; attaching needs an open episode to attach to."""
    if outcome == TriageOutcome.EARLY_HELP:
        if contact.family_id is None:
            raise IllegalMove("Link the request to a family before opening early help.")
        if routed_team is None:
            raise IllegalMove("Choose the team that will hold the early help episode.")
        if open_episode is not None:
            raise IllegalMove(
                f"This family already has an open early help episode ({open_episode.reference}). "
                "Choose 'Attach to the open episode' instead.",
                code="episode_already_open",
            )
    if outcome == TriageOutcome.ATTACH and open_episode is None:
        raise IllegalMove(
            "This family has no open early help episode to attach the request to.",
            code="no_open_episode",
        )


# Who may answer for the family: anyone in the request old enough to decide for themselves (a
# child judged competent can be 12 or 13), or of unknown age (an adult without a date of birth).
YOUNGEST_WHO_ANSWERS = 12


def may_answer_for_family(age: int | None) -> bool:
    return age is None or age >= YOUNGEST_WHO_ANSWERS


def consent_giver_problem(giver, people, given_on: dt.date) -> str:
    """Why this person in the request cannot be the one who answered for the family ("" when
    they can). Someone from outside the request (a grandparent with a special guardianship
    order) is named, not passed here."""
    if giver not in people:  # a model's == is its id, or the object itself when unsaved
        return f"{giver.full_name} is not one of the people in this request"
    if giver.is_unborn or not may_answer_for_family(giver.age_on(given_on)):
        age = giver.age_on(given_on)
        aged = f" (aged {age})" if age is not None else ""
        return (f"{giver.full_name}{aged} is too young to answer for the family: choose someone "
                f"aged {YOUNGEST_WHO_ANSWERS} or over, or someone with parental responsibility")
    return ""
