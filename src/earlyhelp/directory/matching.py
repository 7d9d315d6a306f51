"""Suggest directory services for a family, ranked.

A service is a candidate when it is active and takes referrals, addresses at least one of the
family's presenting needs, serves the family's level of need (or says nothing about levels),
covers the family's area (or the whole borough) and suits the age of at least one member.

A need recorded for one person (a 14-year-old's mental health) is addressed only by a service
that takes someone of that age; a need recorded for the whole family, by any candidate.

A service recorded as unsafe for one of the family's needs (mediation where there is domestic
abuse) is never a candidate, however well it matches otherwise.

Candidates are ranked, in this order (a plain order a practitioner can check by eye):
1. the most serious need it addresses – the family's needs are ordered by their latest score
   (1 is serious concern, 10 none; the latest review's score, else the assessment's baseline),
   and a service addressing a more serious need comes first; equal, then the next most serious
   need it addresses, and so on – so covering more needs breaks a tie;
2. shorter current waiting time (unknown waits last);
3. stronger evidence (EIF rating 4 first; unrated last);
4. name.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from earlyhelp.core import dates
from earlyhelp.people.models import Membership
from earlyhelp.thresholds.models import NeedTheme

from .models import OPEN_REFERRAL_STATUSES, Referral, Service, ServiceStatus

UNKNOWN_WAIT = 10**6
# A need without a score (not scored yet) counts as a middling concern; a need the service does
# not address counts as worse than "no concern" so that addressing it always ranks higher.
UNSCORED = 5
NOT_ADDRESSED = 11


@dataclass
class Member:
    person_id: object
    name: str
    age: int | None
    role: str


@dataclass
class FamilyProfile:
    """What matching needs to know about a family – nothing more leaves this function."""

    theme_ids: list
    band: str | None
    members: list[Member]
    locality_id: int | None
    episode_id: object = None
    themes: list = field(default_factory=list)
    # theme id -> the need's latest score (1 serious concern .. 10 no concern), when scored
    scores: dict = field(default_factory=dict)
    # theme id -> the ages of the people the need was recorded for; absent: the whole family's
    need_ages: dict = field(default_factory=dict)

    def score(self, theme_id) -> int:
        return self.scores.get(theme_id, UNSCORED)


@dataclass
class Suggestion:
    service: Service
    needs_covered: list
    needs_total: int
    suitable_for: list[Member]
    already_referred: bool = False
    # the covered needs' scores, most serious first, padded to the family's number of needs
    seriousness: tuple = ()
    covered_scores: list = field(default_factory=list)  # aligned with needs_covered; None unscored

    @property
    def waiting_days(self):
        return self.service.waiting_days

    @property
    def evidence_rating(self):
        return self.service.evidence_rating

    @property
    def at_capacity(self) -> bool:
        return self.service.places_free == 0

    @property
    def rank_key(self):
        return (
            self.seriousness,
            self.waiting_days if self.waiting_days is not None else UNKNOWN_WAIT,
            -(self.evidence_rating or 0),
            self.service.name.lower(),
        )

    @property
    def covered_with_scores(self) -> list[tuple]:
        """(need theme, its latest score or None) for each need the service addresses."""
        scores = self.covered_scores or [None] * len(self.needs_covered)
        return list(zip(self.needs_covered, scores, strict=True))

    @property
    def explanation(self) -> str:
        parts = [
            f"Covers {len(self.needs_covered)} of {self.needs_total} needs: "
            + ", ".join(
                t.name.lower() + ("" if score is None else f" (scored {score})")
                for t, score in self.covered_with_scores
            )
        ]
        if self.waiting_days is None:
            parts.append("waiting time not known")
        elif self.waiting_days == 0:
            parts.append("no wait")
        else:
            parts.append(f"waiting about {self.waiting_days} days")
        if self.evidence_rating:
            parts.append(f"EIF evidence level {self.evidence_rating}")
        return "; ".join(parts)


def profile_for_episode(episode, on: dt.date | None = None) -> FamilyProfile:
    """Needs from the latest assessment (completed first, else in progress) with their latest
    scores, level from the assessment (else the episode), and the current household's ages and
    area."""
    from earlyhelp.assessments.models import PresentingNeed
    from earlyhelp.assessments.selectors import latest_assessment
    from earlyhelp.plans.selectors import latest_scores

    on = on or dates.today()
    assessment = latest_assessment(episode)
    theme_ids, themes, scores, need_ages = [], [], {}, {}
    if assessment is not None:
        needs = list(
            PresentingNeed.objects.filter(assessment=assessment).select_related("theme", "person")
        )
        latest = latest_scores(needs)
        whole_family = {need.theme_id for need in needs if need.person_id is None}
        for need in needs:
            if need.theme_id not in whole_family:
                need_ages.setdefault(need.theme_id, []).append(need.person.age_on(on))
        for need in needs:
            score = latest.get(need.pk, need.baseline_score)
            if need.theme_id not in scores:
                theme_ids.append(need.theme_id)
                themes.append(need.theme)
                scores[need.theme_id] = score
            # the same theme for two people: the more serious score speaks for the family
            scores[need.theme_id] = min(scores[need.theme_id], score)
    level = (assessment.level if assessment and assessment.level_id else None) or episode.level
    members = [
        Member(m.person_id, m.person.full_name, m.person.age_on(on), m.role)
        for m in Membership.objects.filter(family_id=episode.family_id, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("person")
        .order_by("role", "person__date_of_birth")
    ]
    return FamilyProfile(
        theme_ids=theme_ids,
        themes=themes,
        band=level.band if level else None,
        members=members,
        locality_id=episode.family.locality_id,
        episode_id=episode.pk,
        scores=scores,
        need_ages=need_ages,
    )


def _age_condition(ages) -> Q:
    condition = Q()
    for age in ages:
        condition |= (Q(minimum_age__isnull=True) | Q(minimum_age__lte=age)) & (
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=age)
        )
    return condition


def _suits_age(service, age) -> bool:
    return age is None or (
        (service.minimum_age is None or service.minimum_age <= age)
        and (service.maximum_age is None or service.maximum_age >= age)
    )


def _takes_someone(service, profile: FamilyProfile, theme_id) -> bool:
    """Whether the service takes one of the people the need was recorded for."""
    ages = profile.need_ages.get(theme_id)
    return ages is None or any(_suits_age(service, age) for age in ages)


def suggest_services(profile: FamilyProfile, *, limit: int | None = 10) -> list[Suggestion]:
    if not profile.theme_ids:
        return []
    services = (
        Service.objects.filter(
            status=ServiceStatus.ACTIVE, accepts_referrals=True, themes__in=profile.theme_ids
        )
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "themes",
                queryset=NeedTheme.objects.filter(id__in=profile.theme_ids),
                to_attr="matched_themes",
            )
        )
        .exclude(unsafe_with__in=profile.theme_ids)
        .distinct()
    )
    if profile.band:
        services = services.filter(Q(levels__band=profile.band) | Q(levels__isnull=True))
    if profile.locality_id is not None:
        services = services.filter(Q(borough_wide=True) | Q(localities=profile.locality_id))
    ages = [m.age for m in profile.members if m.age is not None]
    if ages:
        services = services.filter(_age_condition(ages))
    referred = set()
    if profile.episode_id is not None:
        referred = set(
            Referral.objects.filter(
                episode_id=profile.episode_id, status__in=OPEN_REFERRAL_STATUSES
            ).values_list("service_id", flat=True)
        )
    names = {t.pk: t for t in profile.themes}
    suggestions = []
    for service in services:
        addressed = [t for t in service.matched_themes if _takes_someone(service, profile, t.pk)]
        if not addressed:
            continue
        covered = sorted(addressed, key=lambda t: (profile.score(t.pk), t.order, t.name))
        seriousness = tuple(profile.score(t.pk) for t in covered)
        seriousness += (NOT_ADDRESSED,) * (len(profile.theme_ids) - len(seriousness))
        suitable = [m for m in profile.members if _suits_age(service, m.age)]
        suggestions.append(
            Suggestion(
                service=service,
                needs_covered=[names.get(t.pk, t) for t in covered],
                needs_total=len(profile.theme_ids),
                suitable_for=suitable,
                already_referred=service.pk in referred,
                seriousness=seriousness,
                covered_scores=[profile.scores.get(t.pk) for t in covered],
            )
        )
    suggestions.sort(key=lambda s: s.rank_key)
    return suggestions[:limit] if limit else suggestions


def suggestions_for_episode(episode, *, limit: int | None = 10) -> list[Suggestion]:
    return suggest_services(profile_for_episode(episode), limit=limit)
