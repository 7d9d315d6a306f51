"""Chronologies: significant events in date order, oldest first, as a practitioner writes one
for a panel, a step-up or a court – requests and front door decisions, episodes opened and
closed, step-ups and step-downs, assessments, plans, reviews, panel decisions, documents, and
the case notes a practitioner marked significant.

A family's chronology covers the household; a child's (`person_chronology`) covers every
household they were in, while they were in it, across its episodes. One query per source; the
family or person comes from a scoped selector, and a sensitive note shows only to those who may
read it (access.sensitive)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from earlyhelp.access.scoping import family_condition
from earlyhelp.access.sensitive import CASE_NOTE, may_see
from earlyhelp.assessments.models import Assessment
from earlyhelp.cases.models import CaseNote, Episode, Transition
from earlyhelp.frontdoor.models import Contact, TriageDecision
from earlyhelp.panels.models import PanelDecision
from earlyhelp.people.models import Membership
from earlyhelp.plans.models import Plan, Review

from .models import Document

EVENT, NOTE, DOCUMENT, HOUSEHOLD = "event", "note", "document", "household"
KINDS = {EVENT: "Significant events", NOTE: "Significant case notes", DOCUMENT: "Documents",
         HOUSEHOLD: "Households"}


@dataclass(frozen=True)
class Event:
    on: dt.date
    order: int  # same-day events in journey order
    what: str
    detail: str = ""
    episode: str = ""  # the episode's reference, when the event belongs to one
    kind: str = EVENT
    household: str = ""  # the household's name (a child's chronology spans households)


def _day(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def _events(*, user, contacts, decisions, episodes, transitions, assessments, plans, reviews,
            panel_decisions, notes, documents, households: bool) -> list[Event]:
    events: list[Event] = []
    add = events.append

    def home(family) -> str:
        return family.name if households else ""

    for c in contacts.select_related("referrer_organisation", "family"):
        who = ", ".join(x for x in (c.referrer_name, getattr(c.referrer_organisation, "name",
                                                              "")) if x)
        add(Event(_day(c.received_at), 0, f"Request for support {c.reference} received",
                  f"From {who}" if who else "", household=home(c.family)))
    for d in decisions.select_related("level", "contact__family"):
        add(Event(_day(d.decided_at), 1, f"Front door decision: {d.get_outcome_display()}",
                  f"Level of need: {d.level.name}. {d.rationale}".strip(),
                  household=home(d.contact.family)))
    for e in episodes:
        add(Event(e.start_date, 2, "Early help episode opened",
                  f"{e.get_route_in_display()}; {e.team.name}", e.reference,
                  household=home(e.family)))
        if e.end_date:
            add(Event(e.end_date, 9, "Episode closed", e.get_closure_outcome_display(),
                      e.reference, household=home(e.family)))
    for t in transitions.select_related("episode", "family"):
        add(Event(t.date, 8, t.get_kind_display(), t.reason,
                  t.episode.reference if t.episode_id else "", household=home(t.family)))
    for a in assessments.select_related("episode__family"):
        add(Event(a.started_on, 3, "Early help assessment started", "", a.episode.reference,
                  household=home(a.episode.family)))
        if a.completed_on:
            add(Event(a.completed_on, 4, "Early help assessment completed", "",
                      a.episode.reference, household=home(a.episode.family)))
    for p in plans.select_related("episode__family"):
        add(Event(p.started_on, 5, "Plan started", "", p.episode.reference,
                  household=home(p.episode.family)))
    for r in reviews.select_related("episode__family"):
        add(Event(r.held_on, 6, "Review held", r.summary, r.episode.reference,
                  household=home(r.episode.family)))
    for d in panel_decisions.select_related("episode__family", "panel_case__panel"):
        add(Event(d.decided_on, 7, f"Panel decision ({d.panel_case.panel.name}): "
                  f"{d.get_kind_display()}", d.rationale, d.episode.reference,
                  household=home(d.episode.family)))
    for n in notes.filter(is_significant=True).select_related("episode__family", "author"):
        if n.is_sensitive and not may_see(user, CASE_NOTE, episode=n.episode):
            continue  # a sensitive note is for those who may read it, here as on the episode
        add(Event(_day(n.written_at), 7, f"Case note: {n.subject}",
                  f"{n.text} ({n.author.display_name})", n.episode.reference, kind=NOTE,
                  household=home(n.episode.family)))
    for doc in documents.filter(deleted_at__isnull=True).select_related("episode", "family"):
        add(Event(_day(doc.created_at), 10, f"Document added: {doc.title}", doc.original_name,
                  doc.episode.reference if doc.episode_id else "", kind=DOCUMENT,
                  household=home(doc.family)))
    return sorted(events, key=lambda e: (e.on, e.order))


def family_chronology(*, family, user=None) -> list[Event]:
    """The household's chronology. Without a user no sensitive note is shown (fails closed)."""
    return _events(
        user=user,
        contacts=Contact.objects.filter(family=family),
        decisions=TriageDecision.objects.filter(contact__family=family),
        episodes=family.episodes.select_related("team", "family"),
        transitions=Transition.objects.filter(family=family),
        assessments=Assessment.objects.filter(episode__family=family),
        plans=Plan.objects.filter(episode__family=family),
        reviews=Review.objects.filter(episode__family=family),
        panel_decisions=PanelDecision.objects.filter(episode__family=family),
        notes=CaseNote.objects.filter(episode__family=family),
        documents=Document.objects.filter(family=family),
        households=False)


def _during(memberships, date_field: str) -> Q:
    """Records of the person's households dated while they lived there."""
    condition = Q(pk__in=[])
    for m in memberships:
        window = Q(**{"family_id": m.family_id, f"{date_field}__gte": m.start_date})
        if m.end_date:
            window &= Q(**{f"{date_field}__lte": m.end_date})
        condition |= window
    return condition


def person_chronology(*, person, user) -> list[Event]:
    """A child's chronology: their moves between households, and each household's events while
    they lived there (its episodes that overlapped their stay). Only households the user may
    see: `person` comes from a scoped selector, and the households are scoped again here."""
    scope = family_condition(user, "family_id")
    if scope is None:
        return []
    memberships = list(Membership.objects.filter(scope, person=person)
                       .select_related("family").order_by("start_date"))
    events: list[Event] = []
    for m in memberships:
        events.append(Event(m.start_date, -1, f"Joined the household ({m.get_role_display()})",
                            m.relationship, kind=HOUSEHOLD, household=m.family.name))
        if m.end_date:
            events.append(Event(m.end_date, 11, "Left the household", "", kind=HOUSEHOLD,
                                household=m.family.name))
    overlap = Q(pk__in=[])
    for m in memberships:
        stay = Q(family_id=m.family_id) & (Q(end_date__isnull=True) |
                                            Q(end_date__gte=m.start_date))
        if m.end_date:
            stay &= Q(start_date__lte=m.end_date)
        overlap |= stay
    episodes = list(Episode.objects.filter(overlap).select_related("team", "family"))
    ids = [e.pk for e in episodes]
    events += _events(
        user=user,
        contacts=Contact.objects.filter(_during(memberships, "received_at__date")),
        decisions=TriageDecision.objects.filter(
            contact__in=Contact.objects.filter(_during(memberships, "received_at__date"))),
        episodes=episodes,
        transitions=Transition.objects.filter(episode_id__in=ids),
        assessments=Assessment.objects.filter(episode_id__in=ids),
        plans=Plan.objects.filter(episode_id__in=ids),
        reviews=Review.objects.filter(episode_id__in=ids),
        panel_decisions=PanelDecision.objects.filter(episode_id__in=ids),
        notes=CaseNote.objects.filter(episode_id__in=ids),
        documents=Document.objects.filter(Q(episode_id__in=ids) | (
            Q(episode__isnull=True) & _during(memberships, "created_at__date"))),
        households=True)
    return sorted(events, key=lambda e: (e.on, e.order))
