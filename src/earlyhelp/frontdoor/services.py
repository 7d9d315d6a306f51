"""Writes for the front door: record a request for support, and triage it."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from earlyhelp.access import policy
from earlyhelp.cases import services as case_services
from earlyhelp.cases.models import RouteIn
from earlyhelp.core import audit
from earlyhelp.core import services as base
from earlyhelp.core.codes import EpisodeReason
from earlyhelp.core.dates import check_event_date, today
from earlyhelp.core.workflow import carry_out
from earlyhelp.people import services as people_services
from earlyhelp.people.models import ConsentKind, ConsentStatus, Family, MemberRole, Person
from earlyhelp.people.rules import consent_does_not_reach
from earlyhelp.thresholds.models import NeedTheme
from earlyhelp.thresholds.rules import suggest_level

from . import rules
from .journey import CONTACT
from .models import (
    ConsentAnswer,
    Contact,
    ContactPerson,
    TriageDecision,
    TriageOutcome,
    contact_recorded,
)


def next_contact_reference() -> str:
    return case_services.next_reference("C", Contact)


@transaction.atomic
def contact_create(
    *, acting_user, source: str, referrer_name: str, concerns: str, people,
    family_consents_to_request: str, family_consents_to_share: str, family=None,
    received_at=None, referrer_organisation=None, referrer_role: str = "",
    referrer_email: str = "", referrer_phone: str = "", needs=(), subject_ids=None,
    priority: str = "", consent_given_by: str = "", consent_given_on: dt.date | None = None,
    consent_share_with: str = "", joining: dict | None = None,
) -> Contact:
    """Record a request for support. People must already be found or created (no duplicates).

    joining: {person id: (role, relationship)} for people new to `family` whom the referrer may
    not place in it; they are on the request, and join the household at the front door's
    decision (`contact_triage`)."""
    policy.require(acting_user, policy.Action.RAISE_REQUEST, None)
    people = list(people)
    if not people:
        raise ValidationError({"people": "Add at least one child or adult the request is about"})
    received_at = received_at or timezone.now()
    check_event_date(timezone.localtime(received_at).date(), field="received_at", what="received")
    joining = joining or {}
    if family is not None:
        members = set(family.memberships.values_list("person_id", flat=True))
        strangers = [p.full_name for p in people if p.pk not in members and p.pk not in joining]
        if strangers:
            raise ValidationError({"people": f"Not members of {family.name}: {', '.join(strangers)}"})
    previous = rules.re_referral_source(people, timezone.localtime(received_at).date())
    contact = Contact(
        reference=next_contact_reference(), received_at=received_at, source=source,
        priority=priority, decision_due_at=rules.decision_due(received_at, priority),
        referrer_name=referrer_name, referrer_role=referrer_role, referrer_email=referrer_email,
        referrer_phone=referrer_phone, referrer_organisation=referrer_organisation,
        referrer_user=acting_user if acting_user and acting_user.role == "partner" else None,
        family=family, concerns=concerns,
        family_consents_to_request=family_consents_to_request,
        family_consents_to_share=family_consents_to_share,
        consent_given_by=consent_given_by, consent_given_on=consent_given_on,
        consent_share_with=consent_share_with,
        is_re_referral=previous is not None, re_referral_of=previous,
    )
    base.create(contact, acting_user=acting_user, family_id=family.id if family else None)
    subject_ids = set(subject_ids) if subject_ids is not None else None
    ContactPerson.objects.bulk_create(
        ContactPerson(
            contact=contact, person=person,
            is_subject=(person.pk in subject_ids) if subject_ids is not None else True,
            joins_household=person.pk in joining,
            joins_as=joining.get(person.pk, ("", ""))[0],
            joins_relationship=joining.get(person.pk, ("", ""))[1],
        )
        for person in people
    )
    if needs:
        contact.needs.set(needs)
    contact_recorded.send(sender=Contact, contact=contact)
    return contact



def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def request_submit(
    *, acting_user, details: dict, people: Sequence[dict] = (),
    new_people: Sequence[dict] = (), family_id=None, household: dict | None = None,
) -> Contact:
    """Send a request for support built over several pages: create the household and the people
    that are new, their memberships and the contact together – or nothing at all.

    people: found people, {"id", "subject"}; new_people: people nobody found (names, sex,
    identifiers, ISO dates of birth, role, relationship, is_subject); family_id: the household of
    the people found, or household: a new one's details; details: the contact's (source,
    referrer, concerns, consents, priority, needs as theme ids). Each write is audited by the
    service that makes it."""
    policy.require(acting_user, policy.Action.RAISE_REQUEST, None)
    family = None
    if family_id:
        family = Family.objects.get(pk=family_id)
    elif household:
        family = people_services.family_create(acting_user=acting_user, **household)
    # A referrer who may not change a known household (a partner: decision 0004) names someone
    # new in it; the front door places them when it decides.
    may_place = family is None or policy.can(acting_user, policy.Action.CHANGE_HOUSEHOLD, family)
    joining: dict = {}
    existing = {str(p.pk): p for p in Person.objects.filter(pk__in=[e["id"] for e in people])}
    chosen = [existing[e["id"]] for e in people if e["id"] in existing]
    by_key = {f"p:{key}": person for key, person in existing.items()}
    subject_ids = {existing[e["id"]].pk for e in people if e["subject"] and e["id"] in existing}
    for index, new in enumerate(new_people):
        values = {
            key: new[key]
            for key in ("given_name", "family_name", "sex", "nhs_number", "upn")
            if new.get(key) not in (None, "")
        }
        values["date_of_birth"] = _date(new.get("date_of_birth"))
        values["expected_date_of_birth"] = _date(new.get("expected_date_of_birth"))
        person = people_services.person_create(acting_user=acting_user, family=family, **values)
        if family is not None and not may_place:
            joining[person.pk] = (new["role"], new.get("relationship", ""))
        elif family is not None:
            people_services.membership_add(
                family=family, person=person, role=new["role"],
                relationship=new.get("relationship", ""),
                start_date=min(person.date_of_birth or today(), today()),
                acting_user=acting_user,
            )
        chosen.append(person)
        by_key[f"n:{new.get('uid', index)}"] = person
        if new.get("is_subject"):
            subject_ids.add(person.pk)
    giver = by_key.get(details.get("consent_given_by") or "")
    given_by = giver.full_name if giver else (details.get("consent_given_by_name") or "").strip()
    given_on = _date(details.get("consent_given_on"))
    contact = contact_create(
        acting_user=acting_user, family=family, people=chosen, subject_ids=subject_ids,
        joining=joining,
        source=details["source"], priority=details.get("priority", ""),
        referrer_name=details["referrer_name"], referrer_role=details.get("referrer_role", ""),
        referrer_email=details.get("referrer_email", ""),
        referrer_phone=details.get("referrer_phone", ""),
        referrer_organisation=acting_user.organisation, concerns=details["concerns"],
        needs=list(NeedTheme.objects.filter(pk__in=details.get("needs", []))),
        family_consents_to_request=details["family_consents_to_request"],
        family_consents_to_share=details["family_consents_to_share"],
        consent_given_by=given_by, consent_given_on=given_on,
        consent_share_with=(details.get("consent_share_with") or "").strip(),
    )
    if given_by and given_on:
        consents_carry_to_people(
            contact=contact, people=chosen, giver=giver, given_on=given_on,
            parental=details.get("consent_parental_responsibility", "yes") == "yes",
            acting_user=acting_user,
        )
    return contact


ANSWER_STATUS = {ConsentAnswer.YES: ConsentStatus.GIVEN, ConsentAnswer.NO: ConsentStatus.REFUSED}


def _age_for_consent(person, on: dt.date) -> int | None:
    # an unborn child's parent decides for them
    return 0 if person.is_unborn else person.age_on(on)


def consent_coverage(*, people, giver, given_on: dt.date, parental: bool) -> list[tuple]:
    """Each person with why the consent does not reach them ("" when it does). The people may
    be unsaved (the check page asks before anything is written): only their dates count."""
    giver_age = _age_for_consent(giver, given_on) if giver is not None else None
    return [
        (person, consent_does_not_reach(
            giver_age=giver_age, giver_has_parental_responsibility=parental,
            person_age=_age_for_consent(person, given_on), is_giver=person == giver,
        ))
        for person in people
    ]


def consents_carry_to_people(*, contact: Contact, people, giver, given_on: dt.date, parental: bool,
                             acting_user) -> None:
    """The request's answers become the consent record of each person they cover: engaging with
    early help and sharing information, given or refused, by whom, on which day, with whom.

    giver: the person in the request who answered, or None for someone else (named on the
    contact) – who then must hold parental responsibility to answer for the children."""
    people = list(people)
    check_event_date(given_on, field="consent_given_on", what="consent")
    if giver is not None:
        problem = rules.consent_giver_problem(giver, people, given_on)
        if problem:
            raise ValidationError({"consent_given_by": problem})
    answers = ((ConsentKind.ENGAGE, contact.family_consents_to_request),
               (ConsentKind.SHARE, contact.family_consents_to_share))
    for person, not_reached in consent_coverage(people=people, giver=giver, given_on=given_on,
                                                 parental=parental):
        if not_reached:
            continue
        given_by = "themselves" if person == giver else contact.consent_given_by
        for kind, answer in answers:
            if answer in ANSWER_STATUS:
                people_services.consent_given_with_request(
                    person=person, kind=kind, status=ANSWER_STATUS[answer], decided_on=given_on,
                    scope=contact.consent_share_with if kind == ConsentKind.SHARE else "",
                    given_by=given_by, request_reference=contact.reference,
                    acting_user=acting_user,
                )


@transaction.atomic
def contact_triage(
    *, contact: Contact, acting_user, outcome: str, threshold_model, level, rag: str,
    rationale: str, indicators=(), override_reason: str = "", routed_team=None,
    universal_reason: str = "",
    decided_at=None, lead_practitioner=None, episode_reason: str = EpisodeReason.OTHER,
    safeguarding_override: bool = False, episode_start_date: dt.date | None = None,
) -> TriageDecision:
    """Record the front door's decision and route the contact. One decision per contact.

    decided_at is when the decision was made (now by default; recorded later, it is back-dated).
    An early help episode starts on the day of the decision unless episode_start_date says
    otherwise (never before the decision)."""
    policy.require(acting_user, policy.Action.TRIAGE, contact)
    if safeguarding_override:
        policy.require(acting_user, policy.Action.SAFEGUARDING_OVERRIDE, contact)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    new_status = CONTACT.require("triage", contact)
    if outcome not in TriageOutcome.values:
        raise ValidationError({"outcome": "Select what happens next"})
    if not (rationale or "").strip():
        raise ValidationError({"rationale": "Enter the rationale for the decision"})
    indicators = list(indicators)
    rules.level_belongs_to_model(level, threshold_model, indicators)
    suggested = suggest_level(indicators) if indicators else None
    rules.override_needs_reason(suggested, level, override_reason)
    rules.universal_level_needs_reason(level, outcome, universal_reason)
    rules.early_help_needs_consent(contact, outcome)
    decided_at = decided_at or timezone.now()
    decided_on = timezone.localtime(decided_at).date()
    received_on = timezone.localtime(contact.received_at).date()
    check_event_date(decided_on, field="decided_at", what="decision", after=received_on,
                     after_what="the date the request was received")
    if decided_at > timezone.now() + dt.timedelta(minutes=5):  # later today
        raise ValidationError({"decided_at": "The decision date must be today or in the past"})
    if decided_at < contact.received_at:  # the same day, but earlier than it arrived
        raise ValidationError({"decided_at": "The decision must be at or after the time the "
                               f"request was received ({timezone.localtime(contact.received_at):%H:%M})"})
    if episode_start_date is not None:
        if outcome != TriageOutcome.EARLY_HELP:
            raise ValidationError({"episode_start_date": "Only an early help decision starts an "
                                   "episode: leave the episode start date blank"})
        check_event_date(episode_start_date, field="episode_start_date", what="episode start",
                         after=decided_on, after_what="the date of the decision")
    open_episode = case_services.open_episode_for(contact.family) if contact.family else None
    rules.routing_is_complete(contact, outcome, routed_team, open_episode)
    place_people_joining(contact=contact, acting_user=acting_user, on=decided_on)

    episode = None
    for effect in CONTACT.effects("triage", when=outcome):  # opens or joins an episode
        if effect.action == "open":
            subjects = [cp.person for cp in contact.contact_people.select_related("person")
                        if cp.is_subject]
            episode = carry_out(
                effect, family=contact.family, team=routed_team, acting_user=acting_user,
                start_date=episode_start_date or decided_on, focus_children=subjects,
                route_in=RouteIn.DIRECT, reason=episode_reason, level=level, contact=contact,
                lead_practitioner=lead_practitioner,
            )
        else:
            episode = carry_out(effect, episode=open_episode)

    decision = TriageDecision(
        contact=contact, outcome=outcome, threshold_model=threshold_model,
        suggested_level=suggested, level=level, override_reason=override_reason, rag=rag,
        universal_reason=universal_reason.strip() if outcome in (
            TriageOutcome.EARLY_HELP, TriageOutcome.ATTACH) else "",
        decided_at=decided_at, decided_by=acting_user, rationale=rationale,
        routed_team=routed_team, episode=episode, safeguarding_override=safeguarding_override,
        due_at=rules.decision_due(contact.received_at, contact.priority or rag),
    )
    base.create(decision, acting_user=acting_user, family_id=contact.family_id,
                reason=override_reason)
    if indicators:
        decision.indicators.set(indicators)
    before = audit.snapshot(contact, ["status"])
    contact.status = new_status
    base.update(contact, acting_user=acting_user, before=before, family_id=contact.family_id)
    return decision


def place_people_joining(*, contact: Contact, acting_user, on: dt.date) -> list:
    """The people the referrer named as new to the request's household join it (the deciding
    user's membership writes, audited), before the decision opens an episode for them. Someone
    placed meanwhile is left as they are."""
    if contact.family is None:
        return []
    joining = list(contact.contact_people.filter(joins_household=True).select_related("person"))
    placed = []
    for entry in joining:
        person = entry.person
        if not contact.family.memberships.filter(person=person, end_date__isnull=True).exists():
            people_services.membership_add(
                family=contact.family, person=person, role=entry.joins_as or MemberRole.CHILD,
                relationship=entry.joins_relationship,
                start_date=min(person.date_of_birth or on, on), acting_user=acting_user,
            )
            placed.append(person)
        entry.joins_household = False
        entry.save(update_fields=["joins_household"])
    return placed


@transaction.atomic
def contact_withdraw(*, contact: Contact, acting_user, reason: str) -> Contact:
    policy.require(acting_user, policy.Action.WITHDRAW_REQUEST, contact)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    new_status = CONTACT.require("withdraw", contact)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the request is being withdrawn"})
    before = audit.snapshot(contact, ["status"])
    contact.status = new_status
    return base.update(contact, acting_user=acting_user, before=before,
                       family_id=contact.family_id, reason=reason)
