"""Reads for letters: templates and their versions, and the record a letter is made from with
the values of its placeholders. Scope is decided in the query (the casework selectors of
access.scoping): a record the user may not see is a 404."""

from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from earlyhelp.access.scoping import (
    get_visible_or_404,
    visible_contacts,
    visible_episodes,
    visible_family_ids,
    visible_people,
)
from earlyhelp.core import dates
from earlyhelp.people.models import Membership

from .models import LetterTemplate, Subject, TemplateVersion


@dataclass
class LetterSubject:
    """The record a letter is made from and the records around it that fill its placeholders."""

    kind: str  # Subject
    record: object
    family: object
    episode: object = None
    contact: object = None
    person: object = None
    values: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        if self.kind == Subject.EPISODE:
            return f"Episode {self.episode.reference}"
        if self.kind == Subject.CONTACT:
            return f"Request {self.contact.reference}"
        return self.person.full_name

    @property
    def owner(self):
        """What the letter is stored on and the policy is asked about: the episode for a closure
        letter, else the family."""
        return self.episode if self.kind == Subject.EPISODE else self.family


def templates() -> QuerySet[LetterTemplate]:
    return LetterTemplate.objects.all()


def template_for(template_id) -> LetterTemplate:
    return get_visible_or_404(LetterTemplate.objects.all(), pk=template_id)


def current_version(template) -> TemplateVersion:
    return template.versions.order_by("-number").first()


def versions(template) -> list[TemplateVersion]:
    return list(template.versions.select_related("saved_by").order_by("-number"))


def templates_for(subject_kind: str) -> list[tuple[LetterTemplate, TemplateVersion]]:
    """The templates in use that a letter can be made from on this kind of record, each with
    its current version."""
    found = []
    for template in LetterTemplate.objects.filter(in_use=True).prefetch_related("versions"):
        if subject_kind in template.subjects():
            latest = max(template.versions.all(), key=lambda v: v.number, default=None)
            if latest is not None:
                found.append((template, latest))
    return found


def _address(family) -> str:
    parts = [family.address_line_1, family.address_line_2, family.town, family.postcode]
    return ", ".join(p.strip() for p in parts if p and p.strip())


def _values(subject: LetterSubject, user) -> dict[str, str]:
    family, episode, contact, person = (subject.family, subject.episode, subject.contact,
                                        subject.person)
    values = {"today": dates.long_date(dates.today()), "sender_name": user.display_name}
    if family is not None:
        values |= {"family_name": family.name, "address": _address(family)}
    if person is not None:
        values["person_name"] = person.full_name
    if episode is not None:
        values |= {
            "episode_reference": episode.reference,
            "episode_start_date": dates.long_date(episode.start_date),
            "episode_end_date": dates.long_date(episode.end_date),
            "closure_outcome": episode.get_closure_outcome_display(),
            "lead_practitioner": (episode.lead_practitioner.display_name
                                  if episode.lead_practitioner else ""),
            "team": episode.team.name,
        }
    if contact is not None:
        decision = getattr(contact, "decision", None)
        values |= {
            "referrer_name": contact.referrer_name,
            "referrer_organisation": (contact.referrer_organisation.name
                                      if contact.referrer_organisation else ""),
            "request_reference": contact.reference,
            "request_date": dates.long_date(timezone.localtime(contact.received_at).date()),
            "front_door_decision": decision.get_outcome_display() if decision else "",
        }
    return values


_EPISODE_RELATED = ("family", "team", "lead_practitioner")


def subject_for(*, user, kind: str, record_id) -> LetterSubject:
    """The record (episode, request or person) the user may see, with its placeholders' values;
    else a 404 (out of scope, unknown and malformed ids look alike)."""
    if kind == Subject.EPISODE:
        episode = get_visible_or_404(visible_episodes(user).select_related(*_EPISODE_RELATED),
                                     pk=record_id)
        subject = LetterSubject(kind=kind, record=episode, family=episode.family, episode=episode)
    elif kind == Subject.CONTACT:
        contact = get_visible_or_404(
            visible_contacts(user).select_related(
                "family", "referrer_organisation", "decision",
                *(f"decision__episode__{r}" for r in ("team", "lead_practitioner"))),
            pk=record_id)
        decision = getattr(contact, "decision", None)
        subject = LetterSubject(kind=kind, record=contact, family=contact.family,
                                contact=contact, episode=decision.episode if decision else None)
    elif kind == Subject.PERSON:
        person = get_visible_or_404(visible_people(user), pk=record_id)
        # The household the user sees the person in: current membership first.
        membership = (Membership.objects.filter(person=person,
                                                family_id__in=visible_family_ids(user))
                      .select_related("family")
                      .order_by(F("end_date").desc(nulls_first=True), "-start_date").first())
        family = membership.family
        episode = (family.episodes.select_related(*_EPISODE_RELATED)
                   .order_by("-start_date").first())
        subject = LetterSubject(kind=kind, record=person, family=family, person=person,
                                episode=episode)
    else:
        raise Http404("Not found")
    subject.values = _values(subject, user)
    return subject
