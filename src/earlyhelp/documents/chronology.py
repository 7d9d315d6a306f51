"""The chronology of a family: its significant events in date order, oldest first, as a
practitioner writes one for a panel, a step-up or a court – requests and front door decisions,
episodes opened and closed, step-ups and step-downs, assessments, plans, reviews, panel
decisions and documents. One query per source; `family` comes from a scoped selector."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from earlyhelp.assessments.models import Assessment
from earlyhelp.cases.models import Transition
from earlyhelp.frontdoor.models import Contact, TriageDecision
from earlyhelp.panels.models import PanelDecision
from earlyhelp.plans.models import Plan, Review

from .models import Document


@dataclass(frozen=True)
class Event:
    on: dt.date
    order: int  # same-day events in journey order
    what: str
    detail: str = ""
    episode: str = ""  # the episode's reference, when the event belongs to one


def _day(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def family_chronology(*, family) -> list[Event]:
    events: list[Event] = []
    add = events.append
    for c in Contact.objects.filter(family=family).select_related("referrer_organisation"):
        who = ", ".join(x for x in (c.referrer_name, getattr(c.referrer_organisation, "name",
                                                              "")) if x)
        add(Event(_day(c.received_at), 0, f"Request for support {c.reference} received",
                  f"From {who}" if who else ""))
    for d in TriageDecision.objects.filter(contact__family=family).select_related("level",
                                                                                  "contact"):
        add(Event(_day(d.decided_at), 1, f"Front door decision: {d.get_outcome_display()}",
                  f"Level of need: {d.level.name}. {d.rationale}".strip()))
    for e in family.episodes.select_related("team"):
        add(Event(e.start_date, 2, "Early help episode opened",
                  f"{e.get_route_in_display()}; {e.team.name}", e.reference))
        if e.end_date:
            add(Event(e.end_date, 9, "Episode closed", e.get_closure_outcome_display(),
                      e.reference))
    for t in Transition.objects.filter(family=family).select_related("episode"):
        add(Event(t.date, 8, t.get_kind_display(), t.reason,
                  t.episode.reference if t.episode_id else ""))
    for a in Assessment.objects.filter(episode__family=family).select_related("episode"):
        add(Event(a.started_on, 3, "Early help assessment started", "", a.episode.reference))
        if a.completed_on:
            add(Event(a.completed_on, 4, "Early help assessment completed", "",
                      a.episode.reference))
    for p in Plan.objects.filter(episode__family=family).select_related("episode"):
        add(Event(p.started_on, 5, "Plan started", "", p.episode.reference))
    for r in Review.objects.filter(episode__family=family).select_related("episode"):
        add(Event(r.held_on, 6, "Review held", r.summary, r.episode.reference))
    for d in PanelDecision.objects.filter(episode__family=family).select_related(
            "episode", "panel_case__panel"):
        add(Event(d.decided_on, 7, f"Panel decision ({d.panel_case.panel.name}): "
                  f"{d.get_kind_display()}", d.rationale, d.episode.reference))
    for doc in Document.objects.filter(family=family, deleted_at__isnull=True).select_related(
            "episode"):
        add(Event(_day(doc.created_at), 10, f"Document added: {doc.title}", doc.original_name,
                  doc.episode.reference if doc.episode_id else ""))
    return sorted(events, key=lambda e: (e.on, e.order))
